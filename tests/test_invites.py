"""Invitations: created by admins and coordinators, single use, 72 hours, stored hashed."""

from __future__ import annotations

import re
from datetime import timedelta

from domain.invites import hash_token
from tests.conftest import ADMIN_ID, Harness
from tests.staffing import (
    CASEWORKER,
    COORDINATOR,
    OTHER_COORDINATOR,
    SEEKER,
    STRANGER,
    audit,
    last_audit,
    make_team,
    register_seeker,
)

LINK = re.compile(r"https://t\.me/auszug_test_bot\?start=(inv_([A-Za-z0-9_-]{32}))")
REFUSED = "only for staff"


async def _invite(harness: Harness, by: int, carrier_id: int, role: str) -> str:
    """Presses the role button as `by` and returns the payload of the link shown."""
    await harness.press(f"iv:{carrier_id}:{role}", user_id=by)
    match = LINK.search(harness.rec.last().text)
    assert match, harness.rec.last().text
    return match[1]


async def test_a_coordinator_invites_for_their_own_carrier_and_only_a_hash_is_stored(
    harness: Harness,
):
    await make_team(harness)
    await harness.send("/invite", user_id=COORDINATOR)
    question = harness.rec.last()
    assert "Caritas" in question.text
    assert question.callback_data == ["iv:1:caseworker", "iv:1:coordinator", "mn:home"]
    payload = await _invite(harness, COORDINATOR, 1, "caseworker")
    assert "until Nov 28, 2026, 12:00" in harness.rec.last().text  # 72 h, shown in Berlin time
    token = payload.removeprefix("inv_")
    stored = await harness.rows(
        "SELECT token_hash, carrier_id, role, expires_at FROM staff_invites"
    )
    assert stored == [(hash_token(token), 1, "caseworker", "2026-11-28T11:00:00+00:00")]
    dump = "\n".join(str(row) for row in await harness.rows("SELECT * FROM staff_invites"))
    assert token not in dump
    assert await last_audit(harness) == (COORDINATOR, 1, "staff.invite", None, "role=caseworker")


async def test_opening_the_link_makes_that_person_staff_with_a_menu_in_their_language(
    harness: Harness,
):
    await make_team(harness)
    payload = await _invite(harness, COORDINATOR, 1, "coordinator")
    harness.rec.clear()
    await harness.send(f"/start {payload}", user_id=STRANGER, lang="uk")
    assert await harness.rows(
        "SELECT u.role, u.locale, s.carrier_id, s.role FROM users u"
        " JOIN staff_members s ON s.user_id = u.id WHERE u.telegram_id = ?",
        STRANGER,
    ) == [("staff", "uk", 1, "coordinator")]
    assert "/staff" in harness.rec.last().text and "Caritas" in harness.rec.last().text
    menu = next(c for c in harness.rec.calls if c.endpoint == "setMyCommands")
    assert menu.params["scope"] == {"type": "chat", "chat_id": STRANGER}
    names = [c["command"] for c in menu.params["commands"]]
    assert {"find", "invite", "team", "audit"} <= set(names) and "addstaff" not in names
    descriptions = {c["command"]: c["description"] for c in menu.params["commands"]}
    assert descriptions["find"] == "Знайти справу за її номером"  # in their language
    assert await last_audit(harness) == (STRANGER, 1, "staff.join", None, "invite=1 valid")


async def test_an_admin_picks_the_carrier_first(harness: Harness):
    await harness.send("/invite", user_id=ADMIN_ID)
    assert harness.rec.last().callback_data == ["ic:1", "ic:2", "ic:3", "mn:home"]
    await harness.press("ic:3", user_id=ADMIN_ID)
    assert harness.rec.last().callback_data == ["iv:3:caseworker", "iv:3:coordinator", "mn:home"]
    payload = await _invite(harness, ADMIN_ID, 3, "caseworker")
    await harness.send(f"/start {payload}", user_id=STRANGER)
    assert await harness.rows("SELECT carrier_id, role FROM staff_members") == [(3, "caseworker")]


async def test_a_reused_invitation_is_refused_and_logged(harness: Harness):
    await make_team(harness)
    payload = await _invite(harness, COORDINATOR, 1, "caseworker")
    await harness.send(f"/start {payload}", user_id=STRANGER)
    await harness.send(f"/start {payload}", user_id=STRANGER + 1)
    text = harness.rec.last().text
    assert "does not work" in text and "Caritas" not in text
    assert await harness.rows("SELECT 1 FROM users WHERE telegram_id = ?", STRANGER + 1) == []
    assert await last_audit(harness) == (  # the attempt, but no id of someone without account
        None,
        1,
        "denied.staff.join",
        None,
        "invite=1 used",
    )


async def test_opening_ones_own_link_again_changes_nothing(harness: Harness):
    await make_team(harness)
    payload = await _invite(harness, COORDINATOR, 1, "caseworker")
    await harness.send(f"/start {payload}", user_id=STRANGER)
    entries = await audit(harness)
    await harness.send(f"/start {payload}", user_id=STRANGER)
    assert "/staff" in harness.rec.last().text
    assert await audit(harness) == entries
    assert await harness.rows("SELECT count(*) FROM staff_members") == [(5,)]


async def test_an_invitation_expires_after_72_hours(harness: Harness):
    await make_team(harness)
    payload = await _invite(harness, COORDINATOR, 1, "caseworker")
    harness.clock.advance(timedelta(hours=72))
    await harness.send(f"/start {payload}", user_id=STRANGER)
    assert "does not work" in harness.rec.last().text
    assert await harness.rows("SELECT * FROM users WHERE telegram_id = ?", STRANGER) == []
    assert await last_audit(harness) == (
        None,
        1,
        "denied.staff.join",
        None,
        "invite=1 expired",
    )


async def test_a_guessed_or_broken_link_is_refused_and_logged(harness: Harness):
    await harness.send("/start inv_" + "A" * 32, user_id=STRANGER)
    assert "does not work" in harness.rec.last().text
    await harness.send("/start inv_short", user_id=STRANGER)
    assert "does not work" in harness.rec.last().text
    assert [row[2:] for row in await audit(harness)] == [
        ("denied.staff.join", None, "unknown"),
        ("denied.staff.join", None, "unknown"),
    ]


async def test_other_start_payloads_still_start_normally(harness: Harness):
    await harness.send("/start hello", user_id=STRANGER)
    assert harness.rec.last().callback_data[0] == "lg:en"


async def test_caseworkers_and_seekers_cannot_invite(harness: Harness):
    await make_team(harness)
    await register_seeker(harness)
    for who in (CASEWORKER, SEEKER):
        await harness.send("/invite", user_id=who)
        assert REFUSED in harness.rec.last().text
    assert [row[:3] for row in (await audit(harness))[-2:]] == [
        (CASEWORKER, 1, "denied.staff.invite"),
        (SEEKER, None, "denied.staff.invite"),
    ]
    assert await harness.rows("SELECT * FROM staff_invites") == []


async def test_a_forged_button_for_another_carrier_creates_nothing(harness: Harness):
    await make_team(harness)
    await harness.press("iv:1:coordinator", user_id=OTHER_COORDINATOR)
    assert harness.rec.answers()[-1].params["text"] == "This button has expired."
    assert await harness.rows("SELECT * FROM staff_invites") == []
    assert await last_audit(harness) == (
        OTHER_COORDINATOR, 2, "denied.staff.invite", None, "iv:1:coordinator"
    )  # fmt: skip
