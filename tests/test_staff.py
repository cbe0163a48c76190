"""Staff commands: refused for everyone else without revealing anything, accepted for staff."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from domain.accounts import Account, ProfileUpdate, Role, profile_update
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
    assert harness.rec.last().text == REFUSAL  # in their Telegram language, not the default
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


async def test_addstaff_takes_the_new_staff_members_telegram_language_when_they_write(
    harness: Harness,
):
    role_line = "Your role at {carrier}: {role}."
    await harness.send(f"/addstaff {CASEWORKER} caritas", user_id=ADMIN_ID, lang="en")
    assert await harness.rows("SELECT locale, locale_unconfirmed FROM users") == [("de", 1)]
    await harness.send("/staff", user_id=CASEWORKER, lang=None)  # no language: still a stand-in
    assert harness.t("de", role_line).split("{")[0] in harness.rec.last().text
    await harness.send("/staff", user_id=CASEWORKER, lang="uk")
    assert harness.t("uk", role_line).split("{")[0] in harness.rec.last().text
    assert await harness.rows("SELECT locale, locale_unconfirmed FROM users") == [("uk", 0)]
    await harness.send("/staff", user_id=CASEWORKER, lang="en")  # known now: kept
    assert harness.t("uk", role_line).split("{")[0] in harness.rec.last().text


async def test_a_language_chosen_before_addstaff_is_kept(harness: Harness):
    await harness.send("/start", user_id=CASEWORKER, lang="fr")
    await harness.press("cs:yes:volunteer:fr", user_id=CASEWORKER, lang="fr")
    await harness.press("lg:ar", user_id=CASEWORKER, lang="fr")
    await harness.send(f"/addstaff {CASEWORKER} caritas", user_id=ADMIN_ID, lang="en")
    await harness.send("/staff", user_id=CASEWORKER, lang="fr")
    assert await harness.rows("SELECT locale, locale_unconfirmed FROM users") == [("ar", 0)]


def test_telegram_gives_staff_names_and_stand_in_languages_only():
    now = datetime(2026, 11, 25, tzinfo=UTC)
    staff = Account(1, 500, Role.STAFF, "de", None, now, now, None, carrier_id=1)
    seeker = Account(2, 111, Role.SEEKER, "de", now, now, now, None, None)
    assert profile_update(staff, "Anna", "en") == ProfileUpdate(first_name="Anna")
    assert profile_update(replace(staff, first_name="Anna"), "Anna", "en") is None
    assert profile_update(seeker, "Olena", "uk") is None  # no names of households
    stand_in = replace(seeker, locale_unconfirmed=True)
    assert profile_update(stand_in, "Olena", "uk") == ProfileUpdate(locale="uk")
    assert profile_update(stand_in, "Olena", None) is None
