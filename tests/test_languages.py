"""Every language in its own name, the most spoken first; drafts say so; nobody is left without
a way in; coordinators see how far each catalog is."""

from __future__ import annotations

from dataclasses import replace

from bot.i18n import read_status
from domain.locales import PICKER_ORDER, SUPPORTED_LOCALES, CatalogState, native_name
from handlers.staff.announce import render_announcement
from tests.conftest import Harness
from tests.staffing import COORDINATOR, SEEKER, make_team

NOT_HERE = (
    "Your language is not here? A caseworker can help you by phone or in person. "
    "You can also write to the bot in English or German."
)


async def test_the_picker_shows_two_columns_most_spoken_first(harness: Harness):
    await harness.send("/start", user_id=SEEKER, lang="de")
    await harness.press("ll:start", user_id=SEEKER)
    shown = harness.rec.last()
    languages = [d for d in shown.callback_data if d.startswith("lg:")]
    expected = [code for code in PICKER_ORDER if code in SUPPORTED_LOCALES]
    assert languages[: len(expected)] == [f"lg:{code}" for code in expected]  # then « Back
    rows = shown.params["reply_markup"]["inline_keyboard"]
    assert max(len(row) for row in rows) == 2 and len(rows) <= 10
    assert rows[0][0]["text"] == native_name(expected[0])
    assert "ll:none" in shown.callback_data


async def test_my_language_is_not_here_answers_in_english_and_german(harness: Harness):
    await harness.send("/start", user_id=SEEKER, lang="ar")
    await harness.press("ll:none", user_id=SEEKER, lang="ar")
    text = harness.rec.last().text
    assert harness.t("en", NOT_HERE) in text and harness.t("de", NOT_HERE) in text
    assert harness.t("de", NOT_HERE) != NOT_HERE  # really German
    assert "lg:en" in harness.rec.last().callback_data  # and the languages stay one tap away


async def test_choosing_a_draft_language_says_so_once_in_that_language(harness: Harness):
    catalogs = harness.app.bot_data.catalogs
    catalogs.status["tr"] = replace(catalogs.status["tr"], state=CatalogState.DRAFT)
    notice = (
        "This translation is new and a native speaker has not checked it yet. German words "
        "for offices and papers stay German. To change the language, send /language."
    )
    await harness.send("/start", user_id=SEEKER, lang="de")
    await harness.press("lg:tr", user_id=SEEKER)
    assert harness.t("tr", notice) in harness.rec.last().text
    await harness.press("rl:seeker:tr", user_id=SEEKER)
    assert harness.t("tr", notice) not in harness.rec.last().text
    await harness.press("lg:uk", user_id=SEEKER)  # a complete language: no notice
    assert harness.t("uk", notice) not in harness.rec.last().text


async def test_coordinators_see_every_language_with_its_state(harness: Harness):
    await make_team(harness)
    await harness.send("/languages", user_id=COORDINATOR, lang="en")
    text = harness.rec.last().text
    for code in read_status():
        assert f"({code})" in text
    assert len(read_status()) == 14
    assert "0 of" in text  # complete catalogs miss nothing


async def test_households_may_not_see_the_language_status(harness: Harness):
    await harness.send("/start", user_id=SEEKER)
    await harness.press("cs:yes:seeker:en", user_id=SEEKER)
    await harness.send("/languages", user_id=SEEKER)
    assert "(uk)" not in harness.rec.last().text


def test_news_in_another_language_says_which_and_who_explains(harness: Harness):
    params = {"body": "Neue Wohnungen in Kalk", "sender": "Caritas", "language": "de"}
    note = (
        "This message is in {language}. A caseworker can explain it to you: /help shows "
        "how to reach them."
    )
    arabic = render_announcement(params, harness.tr("ar")).text
    german = render_announcement(params, harness.tr("de")).text
    assert harness.t("ar", note).split("{")[0] in arabic
    assert harness.t("de", note).split("{")[0] not in german


def test_every_supported_language_has_a_state():
    assert set(SUPPORTED_LOCALES) <= set(read_status())
