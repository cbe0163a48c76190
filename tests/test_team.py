"""Staff administration: the staff menu, listing and removing staff, at once and for good."""

from __future__ import annotations

from datetime import timedelta

from domain.accounts import StaffRole
from tests.conftest import ADMIN_ID, Harness
from tests.staffing import (
    CASEWORKER,
    COORDINATOR,
    OTHER_CASEWORKER,
    OTHER_COORDINATOR,
    SEEKER,
    audit,
    expired_alert,
    last_audit,
    make_staff,
    make_team,
    register_seeker,
    share_with,
    texts_to,
)
from tests.test_invites import _invite

REFUSED = "This command is only for staff of the carriers."


async def _user_id(harness: Harness, telegram_id: int) -> int:
    [(user_id,)] = await harness.rows("SELECT id FROM users WHERE telegram_id = ?", telegram_id)
    return user_id


async def test_the_staff_menu_follows_the_role(harness: Harness):
    await make_team(harness)
    await harness.send("/staff", user_id=CASEWORKER)
    caseworker = harness.rec.last()
    assert "caseworker" in caseworker.text and "/find" in caseworker.text
    assert "/invite" not in caseworker.text and caseworker.callback_data == ["mn:home"]
    await harness.send("/staff", user_id=COORDINATOR)
    assert harness.rec.last().callback_data == [
        *("st:invite", "st:team", "st:audit", "st:languages", "mn:home")
    ]
    await harness.send("/staff", user_id=ADMIN_ID)
    assert "/addstaff" in harness.rec.last().text


async def test_a_non_staff_user_is_refused_everywhere_and_each_attempt_is_logged(
    harness: Harness,
):
    await register_seeker(harness)
    for command in ("/staff", "/team", "/audit", "/invite", "/removestaff 501", "/addstaff 1 drk"):
        await harness.send(command)
        assert harness.rec.last().text == REFUSED
    await harness.press("st:team")
    assert expired_alert(harness)
    assert [row[2:] for row in await audit(harness)] == [
        ("denied.staff.menu", None, "/staff"),
        ("denied.staff.list", None, "/team"),
        ("denied.audit.view", None, "/audit"),
        ("denied.staff.invite", None, "/invite"),
        ("denied.staff.remove", None, "/removestaff"),  # the command only, never what was typed
        ("denied.staff.add", None, "/addstaff"),
        ("denied.staff.list", None, "st:team"),
    ]


async def test_a_coordinator_sees_and_removes_only_their_own_staff(harness: Harness):
    await make_team(harness)
    await harness.send("/team", user_id=COORDINATOR)
    team = harness.rec.last()
    assert str(CASEWORKER) in team.text and str(OTHER_CASEWORKER) not in team.text
    caseworker = await _user_id(harness, CASEWORKER)
    assert f"sr:ask:{caseworker}" in team.callback_data
    await harness.press(f"sr:ask:{caseworker}", user_id=COORDINATOR)
    assert harness.rec.last().callback_data == [f"sr:yes:{caseworker}", "tm:0"]
    harness.rec.clear()
    await harness.press(f"sr:yes:{caseworker}", user_id=COORDINATOR)
    assert await harness.rows("SELECT * FROM users WHERE telegram_id = ?", CASEWORKER) == []
    assert "no longer staff" in texts_to(harness, COORDINATOR)[-1]
    assert "no longer staff of Caritas" in texts_to(harness, CASEWORKER)[-1]
    cleared = [c for c in harness.rec.calls if c.endpoint == "deleteMyCommands"]
    assert cleared[0].params["scope"] == {"type": "chat", "chat_id": CASEWORKER}
    assert await last_audit(harness) == (
        COORDINATOR, 1, "staff.remove", None, f"telegram_id={CASEWORKER}"
    )  # fmt: skip


async def test_a_removed_staff_member_loses_everything_at_once_including_old_buttons(
    harness: Harness,
):
    await make_team(harness)
    seeker = await register_seeker(harness)
    await share_with(harness, seeker)
    await harness.send(f"/find {seeker.case_number}", user_id=COORDINATOR)
    await harness.send(f"/removestaff {COORDINATOR}", user_id=ADMIN_ID)
    before = len(await audit(harness))
    await harness.send(f"/find {seeker.case_number}", user_id=COORDINATOR)
    assert harness.rec.last().text == REFUSED
    for old_button in (f"cv:{seeker.id}", "au:20", "tm:0", "iv:1:coordinator", "sr:yes:1"):
        harness.rec.clear()
        await harness.press(old_button, user_id=COORDINATOR)
        assert expired_alert(harness) and harness.rec.sent() == []
    entries = (await audit(harness))[before:]
    assert [row[:3] for row in entries] == [(COORDINATOR, None, "denied.case.find")] + [
        (COORDINATOR, None, action)
        for action in (
            "denied.case.find",
            "denied.audit.view",
            "denied.staff.list",
            "denied.staff.invite",
            "denied.staff.remove",
        )
    ]
    assert await harness.rows("SELECT count(*) FROM staff_invites") == [(0,)]


async def test_staff_of_another_carrier_cannot_be_removed_or_even_detected(harness: Harness):
    await make_team(harness)
    await harness.send(f"/removestaff {OTHER_CASEWORKER}", user_id=COORDINATOR)
    denied = harness.rec.last().text
    await harness.send("/removestaff 4444", user_id=COORDINATOR)
    assert denied.replace(str(OTHER_CASEWORKER), "4444") == harness.rec.last().text
    other = await _user_id(harness, OTHER_CASEWORKER)
    await harness.press(f"sr:yes:{other}", user_id=COORDINATOR)  # forged
    assert expired_alert(harness)
    assert await harness.rows("SELECT count(*) FROM staff_members WHERE carrier_id = 2") == [(2,)]
    assert [row[:3] for row in (await audit(harness))[-2:]] == [
        (COORDINATOR, 1, "denied.staff.remove"),
        (COORDINATOR, 1, "denied.staff.remove"),
    ]


async def test_caseworkers_cannot_list_or_remove(harness: Harness):
    await make_team(harness)
    await harness.send("/team", user_id=CASEWORKER)
    assert harness.rec.last().text == REFUSED
    coordinator = await _user_id(harness, COORDINATOR)
    await harness.press(f"sr:yes:{coordinator}", user_id=CASEWORKER)
    assert expired_alert(harness)
    assert await harness.rows("SELECT count(*) FROM staff_members") == [(4,)]


async def test_admins_see_every_carrier_page_by_page(harness: Harness):
    await make_team(harness)
    for n in range(8):
        await make_staff(harness, 700 + n, "kfr")
    await harness.send("/team", user_id=ADMIN_ID)
    first = harness.rec.last()
    assert len([d for d in first.callback_data if d.startswith("sr:")]) == 10
    assert first.callback_data[-2:] == ["tm:10", "mn:home"]
    await harness.press("tm:10", user_id=ADMIN_ID)
    second = harness.rec.last()
    assert len([d for d in second.callback_data if d.startswith("sr:")]) == 2
    assert second.callback_data[-2:] == ["tm:0", "mn:home"]
    assert str(OTHER_COORDINATOR) in first.text + second.text


async def test_an_old_remove_button_for_someone_already_removed_has_expired(harness: Harness):
    await make_team(harness)
    caseworker = await _user_id(harness, CASEWORKER)
    await harness.press(f"sr:yes:{caseworker}", user_id=COORDINATOR)
    await harness.press(f"sr:yes:{caseworker}", user_id=COORDINATOR)
    assert expired_alert(harness)
    assert [row[2] for row in await audit(harness)].count("staff.remove") == 1


async def test_addstaff_twice_changes_nothing_not_even_a_coordinators_role(harness: Harness):
    await make_staff(harness, COORDINATOR, role=StaffRole.COORDINATOR)
    await harness.send(f"/addstaff {COORDINATOR} caritas", user_id=ADMIN_ID)
    assert "Nothing changed" in harness.rec.last().text
    assert await harness.rows("SELECT role FROM staff_members") == [("coordinator",)]
    await harness.send(f"/addstaff {SEEKER} drk", user_id=ADMIN_ID)
    assert "is now staff of DRK" in harness.rec.last().text
    assert (await last_audit(harness))[2] == "staff.add"


async def test_the_team_shows_first_names_roles_and_since_when(harness: Harness):
    await make_team(harness)  # staff added today, none has written yet
    await harness.send("/team", user_id=COORDINATOR, first_name="Petra")
    before = harness.rec.last().text
    since = harness.tr("en").date(harness.clock().date(), "medium")
    # The coordinator wrote just now: Telegram's first name is kept; the caseworker's is not
    # known yet, so their id stands alone.
    assert f"Petra ({COORDINATOR})</a>: coordinator at Caritas, since {since}" in before
    assert f">{CASEWORKER}</a>: caseworker at Caritas, since {since}" in before
    harness.clock.advance(timedelta(days=3))
    await harness.press("xm:show", user_id=CASEWORKER, first_name="Jonas <b>")  # any button
    await harness.send("/team", user_id=COORDINATOR, first_name="Petra")
    team = harness.rec.last()
    assert f"Jonas &lt;b&gt; ({CASEWORKER})</a>: caseworker at Caritas, since {since}" in team.text
    assert f"✗ Remove Jonas <b> ({CASEWORKER})" in [b["text"] for b in team.buttons]
    await harness.send("/team", user_id=COORDINATOR, first_name="Petra")
    assert await harness.rows("SELECT first_name FROM staff_members ORDER BY user_id") == [
        ("Jonas <b>",),
        ("Petra",),
        (None,),
        (None,),
    ]
    await harness.send("/team", user_id=SEEKER, first_name="Olena")  # refused; no name kept
    assert harness.rec.last().text == REFUSED
    await harness.send("/team", user_id=OTHER_COORDINATOR)  # DRK sees its own staff only
    assert "Jonas" not in harness.rec.last().text
    await harness.send(f"/removestaff {CASEWORKER}", user_id=COORDINATOR)  # the name goes too
    assert (
        await harness.rows("SELECT first_name FROM staff_members WHERE first_name = 'Jonas <b>'")
        == []
    )


async def test_a_name_given_by_telegram_is_kept_when_joining_by_invitation(harness: Harness):
    await make_team(harness)
    payload = await _invite(harness, COORDINATOR, 1, "caseworker")
    await harness.send(f"/start {payload}", user_id=777, first_name="Aylin", lang="tr")
    assert await harness.rows(
        "SELECT s.first_name, u.locale FROM staff_members s JOIN users u ON u.id = s.user_id"
        " WHERE u.telegram_id = 777"
    ) == [("Aylin", "tr")]
