"""/start: language, role, consent and main menu, driven through the real Application."""

from __future__ import annotations

from tests.conftest import Harness


async def test_start_in_ukrainian_greets_in_ukrainian_and_offers_to_continue(harness: Harness):
    await harness.send("/start", lang="uk-UA")
    reply = harness.rec.last()
    assert reply.endpoint == "sendMessage"
    assert "Auszugsmanagement" in reply.text
    assert "Продовжимо цією мовою?" in reply.text
    assert reply.callback_data == ["lg:uk", "ll:start"]


async def test_start_in_arabic(harness: Harness):
    await harness.send("/start", lang="ar")
    reply = harness.rec.last()
    assert "مرحب" in reply.text
    assert reply.callback_data[0] == "lg:ar"


async def test_start_without_language_code_uses_default_locale(harness: Harness):
    await harness.send("/start", lang=None)
    reply = harness.rec.last()
    assert "Hallo" in reply.text
    assert reply.callback_data[0] == "lg:de"


async def test_full_registration_as_seeker_stores_role_locale_and_consent(harness: Harness):
    await harness.send("/start", lang="uk")
    await harness.press("lg:uk", lang="uk")
    role_question = harness.rec.last()
    assert role_question.endpoint == "editMessageText"
    assert role_question.callback_data == ["rl:seeker:uk", "rl:volunteer:uk", "ll:start"]
    await harness.press("rl:seeker:uk", lang="uk")
    consent = harness.rec.last()
    assert "Caritas" in consent.text
    assert consent.callback_data == ["cs:yes:seeker:uk", "cs:no:seeker:uk", "lg:uk"]
    assert await harness.rows("SELECT * FROM users") == []  # nothing before consent
    await harness.press("cs:yes:seeker:uk", lang="uk")
    assert await harness.rows("SELECT telegram_id, role, locale, consent_at FROM users") == [
        (111, "seeker", "uk", "2026-11-25T11:00:00+00:00")
    ]
    assert "mn:help" in harness.rec.last().callback_data


async def test_refusing_consent_stores_nothing_and_shows_the_route_without_the_bot(
    harness: Harness,
):
    await harness.send("/start", lang="en")
    await harness.press("lg:en")
    await harness.press("rl:volunteer:en")
    await harness.press("cs:no:volunteer:en")
    assert await harness.rows("SELECT * FROM users") == []
    text = harness.rec.last().text
    assert "Nothing about you was stored" in text
    assert "social workers" in text


async def test_choosing_another_language_before_registering_continues_in_it(harness: Harness):
    await harness.send("/start", lang="en")
    await harness.press("ll:start")
    picker = harness.rec.last()
    assert "lg:fa" in picker.callback_data and "lg:ar" in picker.callback_data
    await harness.press("lg:fa", lang="en")
    assert harness.rec.last().callback_data[0] == "rl:seeker:fa"
    assert "؟" in harness.rec.last().text  # Persian question mark


async def test_registered_user_switches_language_and_it_is_saved(harness: Harness):
    await _register(harness, "seeker", "en")
    await harness.send("/language")
    await harness.press("lg:tr")
    assert await harness.rows("SELECT locale FROM users") == [("tr",)]
    assert "Türkçe" in harness.rec.last().text
    await harness.send("/menu", lang="en")  # the saved choice wins over Telegram's language
    assert harness.rec.last().text.startswith("Ne yapmak")


async def test_start_again_after_registering_shows_the_menu(harness: Harness):
    await _register(harness, "volunteer", "de")
    harness.rec.clear()
    await harness.send("/start", lang="de")
    # Volunteers book consultations but have no housing search.
    assert harness.rec.last().callback_data == [
        "bk:start",
        "ko:show",
        "bl:mine",
        "ol:all",
        "qa:start",
        "fp:show",
        "mn:help",
        "mn:settings",
    ]


async def test_settings_hold_language_notifications_privacy_and_deletion(harness: Harness):
    await _register(harness, "seeker", "en")
    await harness.send("/menu")
    assert harness.rec.last().callback_data == [
        "mn:mysearch",
        "xm:show",
        "lm:0",
        "bk:start",
        "bl:mine",
        "ol:all",
        "mn:help",
        "mn:settings",
    ]
    await harness.press("mn:settings")
    assert harness.rec.last().callback_data == [
        "mn:language",
        "nt:show",
        "mn:privacy",
        "mn:mydata",
        "mn:delete",
        "mn:home",
    ]


async def test_old_consent_button_pressed_again_changes_nothing(harness: Harness):
    await _register(harness, "seeker", "en")
    await harness.press("cs:no:seeker:en")
    assert await harness.rows("SELECT role FROM users") == [("seeker",)]
    assert "/delete" in harness.rec.last().text


async def test_delete_removes_everything_after_confirmation(harness: Harness):
    await _register(harness, "seeker", "en")
    await harness.send("/delete")
    assert harness.rec.last().callback_data == ["dl:yes", "dl:no"]
    await harness.press("dl:yes")
    assert await harness.rows("SELECT * FROM users") == []
    assert "deleted" in harness.rec.last().text


async def test_mydata_lists_what_is_stored(harness: Harness):
    await _register(harness, "seeker", "en")
    await harness.send("/mydata")
    text = harness.rec.last().text
    assert "111" in text and "looking for a flat" in text and "2025" not in text


async def _register(harness: Harness, role: str, locale: str) -> None:
    await harness.send("/start", lang=locale)
    await harness.press(f"cs:yes:{role}:{locale}", lang=locale)
