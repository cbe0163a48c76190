"""A Telegram account is a household (seeker or volunteer) or staff, never both: households are
not made staff, and removed staff start anew as strangers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from domain.accounts import Role
from storage import accounts
from tests.conftest import ADMIN_ID, Harness
from tests.privacy_setup import delete_by_chat
from tests.staffing import (
    CASEWORKER,
    COORDINATOR,
    SEEKER,
    STRANGER,
    last_audit,
    make_staff,
    make_team,
    register_seeker,
    share_with,
)

LINK = re.compile(r"\?start=(inv_[A-Za-z0-9_-]{32})")
VOLUNTEER = 222


async def _register(harness: Harness, telegram_id: int, role: Role) -> None:
    await harness.send("/start", user_id=telegram_id)
    await harness.press(f"cs:yes:{role.value}:en", user_id=telegram_id)


async def _invite_link(harness: Harness) -> str:
    await harness.press("iv:1:caseworker", user_id=COORDINATOR)
    match = LINK.search(harness.rec.last().text)
    assert match is not None
    return match[1]


@pytest.mark.parametrize(
    ("telegram_id", "role"), [(SEEKER, Role.SEEKER), (VOLUNTEER, Role.VOLUNTEER)]
)
async def test_addstaff_refuses_a_household_and_changes_nothing(
    harness: Harness, telegram_id: int, role: Role
):
    await _register(harness, telegram_id, role)
    before = await harness.rows("SELECT * FROM users")
    await harness.send(f"/addstaff {telegram_id} caritas", user_id=ADMIN_ID)
    text = harness.rec.last().text
    assert text == harness.t("en", (
        "{user} uses the bot as a household or volunteer, so this account cannot become "
        "staff: a carrier's staff use their work account. Nothing changed. If it is the "
        "same person and they want this account for staff, they first delete their data "
        "with /delete."
    )).format(user=harness.tr("en").isolate(str(telegram_id)))  # fmt: skip
    assert await harness.rows("SELECT * FROM users") == before
    assert await harness.rows("SELECT * FROM staff_members") == []
    assert await last_audit(harness) == (ADMIN_ID, None, "denied.staff.add", None, "household")


async def test_a_household_opening_an_invitation_is_refused_and_the_link_stays_valid(
    harness: Harness,
):
    await make_team(harness)
    seeker = await register_seeker(harness)
    await share_with(harness, seeker)
    link = await _invite_link(harness)
    await harness.send(f"/start {link}", user_id=SEEKER)
    assert "registered as a household or volunteer" in harness.rec.last().text
    account = await accounts.get_account(harness.db, SEEKER)
    assert account is not None and account.role is Role.SEEKER and not account.is_staff
    assert await harness.rows("SELECT used_at FROM staff_invites") == [(None,)]
    assert (await last_audit(harness))[:3] == (SEEKER, 1, "denied.staff.join")
    await harness.send(f"/find {seeker.case_number}", user_id=SEEKER)  # still no staff access
    assert "only for staff" in harness.rec.last().text
    await harness.send(f"/start {link}", user_id=STRANGER)  # the work account joins with it
    joined = await accounts.get_account(harness.db, STRANGER)
    assert joined is not None and joined.is_staff


async def test_a_volunteer_opening_an_invitation_is_refused_in_their_language(harness: Harness):
    await make_team(harness)
    await harness.send("/start", user_id=VOLUNTEER, lang="ar")
    await harness.press("cs:yes:volunteer:ar", user_id=VOLUNTEER, lang="ar")
    link = await _invite_link(harness)
    await harness.send(f"/start {link}", user_id=VOLUNTEER, lang="ar")
    assert harness.rec.last().text == harness.t("ar", (
        "This Telegram account is registered as a household or volunteer, so it cannot "
        "become staff: a carrier's staff use their work account. Please open the link "
        "with that account. If you want to use this account for staff, first delete your "
        "data here with /delete."
    ))  # fmt: skip
    account = await accounts.get_account(harness.db, VOLUNTEER)
    assert account is not None and account.role is Role.VOLUNTEER and not account.is_staff
    assert await harness.rows("SELECT used_at FROM staff_invites") == [(None,)]
    await delete_by_chat(harness, VOLUNTEER)  # what the answer suggests: then it works
    await harness.send(f"/start {link}", user_id=VOLUNTEER, lang="ar")
    joined = await accounts.get_account(harness.db, VOLUNTEER)
    assert joined is not None and joined.is_staff and joined.id > account.id


async def test_a_household_account_never_becomes_staff_in_storage(harness: Harness):
    await register_seeker(harness)
    with pytest.raises(ValueError, match="cannot become staff"):
        await make_staff(harness, SEEKER)
    account = await accounts.get_account(harness.db, SEEKER)
    assert account is not None and account.role is Role.SEEKER


async def test_removed_staff_start_anew_as_strangers_without_their_staff_data(harness: Harness):
    await make_staff(harness, CASEWORKER)
    staff_id = (await harness.rows("SELECT id FROM users WHERE telegram_id = ?", CASEWORKER))[0][0]
    async with harness.db.transaction() as db:
        await db.conn.execute(
            "INSERT INTO slot_drafts (user_id, carrier_id, kind) VALUES (?, 1, 'beratung')",
            (staff_id,),
        )
    harness.clock.advance(timedelta(days=1))
    await harness.send(f"/removestaff {CASEWORKER}", user_id=ADMIN_ID)
    assert await harness.rows("SELECT * FROM users WHERE telegram_id = ?", CASEWORKER) == []
    assert await harness.rows("SELECT * FROM slot_drafts") == []
    assert await harness.rows("SELECT count(*) FROM erased") == [(1,)]
    for command in ("/mydata", "/menu"):  # no role: the language and consent of a newcomer
        await harness.send(command, user_id=CASEWORKER)
        assert harness.rec.last().callback_data[0] == "lg:en"
    await harness.send("/staff", user_id=CASEWORKER)
    assert "only for staff" in harness.rec.last().text
    await _register(harness, CASEWORKER, Role.SEEKER)
    account = await accounts.get_account(harness.db, CASEWORKER)
    assert account is not None and account.role is Role.SEEKER and account.id > staff_id
    await harness.restart()  # not deleted again: they registered after the removal
    assert await accounts.get_account(harness.db, CASEWORKER) == account
