"""Each chat's own command menu, in the language the user chose and with their role's commands;
the bot's description in every language."""

from __future__ import annotations

import pytest

from bot.limits import MAX_BOT_DESCRIPTION_LENGTH, MAX_BOT_SHORT_DESCRIPTION_LENGTH
from domain.locales import SUPPORTED_LOCALES
from handlers.common.commands import DESCRIPTION, SHORT_DESCRIPTION
from tests.conftest import Harness
from tests.fakes import Call

USER = 4242


def _menus(harness: Harness, chat_id: int) -> list[Call]:
    return [
        c
        for c in harness.rec.calls
        if c.endpoint == "setMyCommands"
        and c.params.get("scope") == {"type": "chat", "chat_id": chat_id}
    ]


def _menu(call: Call) -> dict[str, str]:
    return {c["command"]: c["description"] for c in call.params["commands"]}


async def _register(harness: Harness, role: str, lang: str, telegram_lang: str = "de") -> None:
    await harness.send("/start", user_id=USER, lang=telegram_lang)
    await harness.press(f"cs:yes:{role}:{lang}", user_id=USER, lang=telegram_lang)


async def test_a_seeker_who_chose_arabic_gets_an_arabic_menu_although_the_app_is_german(
    harness: Harness,
):
    await _register(harness, "seeker", "ar")
    [menu] = _menus(harness, USER)
    assert _menu(menu)["mysearch"] == harness.t("ar", "My housing search")
    assert "ask" not in _menu(menu) and "staff" not in _menu(menu)


async def test_a_volunteer_s_menu_has_ask_and_profile_but_no_housing_search(harness: Harness):
    await _register(harness, "volunteer", "uk")
    commands = _menu(_menus(harness, USER)[-1])
    assert commands["ask"] == harness.t("uk", "Ask the caseworkers a question")
    assert "profile" in commands and "mysearch" not in commands


async def test_changing_the_language_changes_the_menu(harness: Harness):
    await _register(harness, "seeker", "ar")
    await harness.press("lg:fa", user_id=USER)
    assert _menu(_menus(harness, USER)[-1])["menu"] == harness.t("fa", "Main menu")


async def test_delete_removes_the_chat_s_own_menu(harness: Harness):
    await _register(harness, "seeker", "tr")
    await harness.send("/delete", user_id=USER)
    await harness.press("dl:yes", user_id=USER)
    removed = [c for c in harness.rec.calls if c.endpoint == "deleteMyCommands"]
    assert removed[-1].params["scope"] == {"type": "chat", "chat_id": USER}


async def test_declining_consent_sets_no_menu(harness: Harness):
    await harness.send("/start", user_id=USER)
    await harness.press("cs:no:seeker:de", user_id=USER)
    assert _menus(harness, USER) == []


async def test_right_after_consent_the_user_reads_what_comes_next(harness: Harness):
    await _register(harness, "seeker", "en")
    text = harness.rec.last().text
    assert "My housing search" in text and "You are registered" not in text


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_descriptions_fit_telegram_s_limits_in_every_language(harness: Harness, locale: str):
    assert len(harness.t(locale, DESCRIPTION)) <= MAX_BOT_DESCRIPTION_LENGTH
    assert len(harness.t(locale, SHORT_DESCRIPTION)) <= MAX_BOT_SHORT_DESCRIPTION_LENGTH


async def test_the_bot_describes_itself_in_every_language_at_start(harness: Harness):
    # The fixture's start-up already ran; its calls are still recorded.
    described = {
        c.params.get("language_code"): c.params["description"]
        for c in harness.rec.calls
        if c.endpoint == "setMyDescription"
    }
    assert set(described) == {None, *SUPPORTED_LOCALES}
    assert described["uk"] == harness.t("uk", DESCRIPTION)
    shorts = [c for c in harness.rec.calls if c.endpoint == "setMyShortDescription"]
    assert len(shorts) == len(SUPPORTED_LOCALES) + 1
