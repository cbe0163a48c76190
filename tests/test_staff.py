"""Staff commands: refused for everyone else without revealing anything, accepted for staff."""

from __future__ import annotations

from tests.conftest import ADMIN_ID, Harness

CASEWORKER = 500
REFUSAL = "This command is only for staff of the carriers."


async def test_staff_command_is_refused_for_a_seeker(harness: Harness):
    await harness.send("/start")
    await harness.press("cs:yes:seeker:en")
    await harness.send("/staff")
    assert harness.rec.last().text == REFUSAL


async def test_admin_commands_are_refused_for_staff_and_nothing_changes(harness: Harness):
    await harness.send("/start", user_id=ADMIN_ID)
    await harness.send(f"/addstaff {CASEWORKER} drk", user_id=ADMIN_ID)
    await harness.send("/addstaff 777 caritas", user_id=CASEWORKER)
    assert harness.rec.last().text == harness.t("de", REFUSAL)  # staff are created in de
    assert await harness.rows("SELECT telegram_id FROM users WHERE telegram_id = 777") == []


async def test_admin_makes_a_user_staff_who_then_gets_the_staff_menu(harness: Harness):
    await harness.send("/start", user_id=CASEWORKER, lang="de")
    harness.rec.clear()
    await harness.send(f"/addstaff {CASEWORKER} caritas", user_id=ADMIN_ID)
    welcome, confirmation = harness.rec.sent()
    assert welcome.params["chat_id"] == CASEWORKER and "Caritas" in welcome.text
    assert "/staff" in welcome.text
    assert confirmation.params["chat_id"] == ADMIN_ID
    scoped = [c for c in harness.rec.calls if c.endpoint == "setMyCommands"]
    assert scoped[-1].params["scope"] == {"type": "chat", "chat_id": CASEWORKER}
    assert "staff" in [c["command"] for c in scoped[-1].params["commands"]]
    await harness.send("/staff", user_id=CASEWORKER, lang="de")
    assert "Caritas" in harness.rec.last().text
    assert await harness.rows("SELECT action, carrier_id FROM audit_log") == [("staff.add", 1)]


async def test_running_addstaff_twice_changes_nothing_the_second_time(harness: Harness):
    await harness.send(f"/addstaff {CASEWORKER} kfr", user_id=ADMIN_ID, lang="en")
    await harness.send(f"/addstaff {CASEWORKER} kfr", user_id=ADMIN_ID, lang="en")
    assert "already staff of Kölner Flüchtlingsrat. Nothing changed." in harness.rec.last().text
    assert await harness.rows("SELECT carrier_id FROM staff_members") == [(3,)]


async def test_addstaff_for_someone_who_never_started_the_bot_says_so(harness: Harness):
    harness.rec.unreachable[CASEWORKER] = (400, "Bad Request: chat not found")
    await harness.send(f"/addstaff {CASEWORKER} caritas", user_id=ADMIN_ID, lang="en")
    assert "have not started the bot yet" in harness.rec.last().text


async def test_addstaff_with_bad_arguments_explains_the_format(harness: Harness):
    for args in ("", "abc caritas", f"{CASEWORKER} unknown", f"{CASEWORKER}", "١٢٣ drk"):
        await harness.send(f"/addstaff {args}".strip(), user_id=ADMIN_ID, lang="en")
        assert "/addstaff 123456789 caritas" in harness.rec.last().text
        assert "caritas, drk, kfr" in harness.rec.last().text
    assert await harness.rows("SELECT * FROM staff_members") == []


async def test_removed_staff_lose_their_commands_at_once(harness: Harness):
    await harness.send(f"/addstaff {CASEWORKER} drk", user_id=ADMIN_ID)
    await harness.send(f"/removestaff {CASEWORKER}", user_id=ADMIN_ID, lang="en")
    assert "no longer staff" in harness.rec.last().text
    deleted = [c for c in harness.rec.calls if c.endpoint == "deleteMyCommands"]
    assert deleted[-1].params["scope"] == {"type": "chat", "chat_id": CASEWORKER}
    await harness.send("/staff", user_id=CASEWORKER, lang="en")
    assert harness.rec.last().text == REFUSAL


async def test_setcontact_shows_the_carrier_in_help(harness: Harness):
    await harness.send("/setcontact drk Mo-Fr 9-12, 0221 555", user_id=ADMIN_ID, lang="en")
    await harness.send("/help", lang="en")
    assert "DRK: Mo-Fr 9-12, 0221 555" in harness.rec.last().text


async def test_an_admin_who_is_no_carriers_staff_gets_only_menu_buttons_that_work(
    harness: Harness,
):
    await harness.send("/start", user_id=ADMIN_ID)
    menu = harness.rec.last().callback_data
    assert "po:new" in menu  # admins may announce
    for data in menu:
        await harness.press(data, user_id=ADMIN_ID)
    assert [a.params["text"] for a in harness.rec.answers() if a.params.get("text")] == []
