"""The languages added for the people left out (Albanian, Bosnian/Croatian/Serbian, Kurmanji,
Pashto, Tigrinya, Somali): a newcomer with a German phone onboards, registers a search and books
a Sprechstunde, and reads no English sentence where the English reader reads one."""

from __future__ import annotations

import re

import pytest

from domain.locales import SUPPORTED_LOCALES, is_rtl, match_locale
from handlers.staff.announce import render_announcement
from tests.appointments_setup import add_slot
from tests.conftest import Harness

NEW = [code for code in ("sq", "bs", "kmr", "ps", "ti", "so") if code in SUPPORTED_LOCALES]
ENGLISH, READER = 4001, 4002
WORDS = re.compile(r"[A-Za-z]{3,}(?: [A-Za-z]{3,}){3,}")  # four English-looking words in a row


async def _journey(h: Harness, user_id: int, lang: str, slot_id: int, search: int) -> list[str]:
    """Onboarding, the housing search (its id: `search`) and a booking, as buttons and text."""
    before = len(h.rec.calls)
    steps = [
        ("send", "/start"), ("press", "ll:start"), ("press", f"lg:{lang}"),
        ("press", f"rl:seeker:{lang}"), ("press", f"cs:yes:seeker:{lang}"),
        ("press", "mn:mysearch"), ("send", "2"), ("press", f"hs:{search}:children:1"),
        ("press", f"hs:{search}:area:d8"), ("send", "Kalk"), ("press", f"hs:{search}:area:done"),
        ("send", "850"), ("press", f"hs:{search}:wbs:has"), ("press", f"hs:{search}:movein:asap"),
        ("press", f"hs:{search}:stepfree:yes"), ("press", f"hs:{search}:carrier:caritas"),
        ("press", f"hs:{search}:share:yes"),
        *(("press", f"hs:{search}:doc_{d}:yes") for d in
          ("residence", "wohnsitz", "schufa", "rentdebt", "income", "deposit")),
        ("send", "/book"), ("press", "bk:sprechstunde"), ("press", "bc:sprechstunde:0"),
        ("press", "bd:sprechstunde:0:20261203"), ("press", f"bb:ask:{slot_id}:0"),
        ("press", f"bb:yes:{slot_id}:0"),
    ]  # fmt: skip
    for number, (kind, value) in enumerate(steps):
        if number == 2:  # what came before the language was chosen is in the phone's German
            before = len(h.rec.calls)
        if kind == "send":
            await h.send(value, user_id=user_id, lang="de")
        else:
            await h.press(value, user_id=user_id, lang="de")
    return [c.text for c in h.rec.calls[before:] if c.text and c.params.get("chat_id") == user_id]


@pytest.mark.parametrize("lang", NEW)
async def test_a_newcomer_gets_through_in_the_new_language(harness: Harness, lang: str):
    slot = await add_slot(harness)
    english = await _journey(harness, ENGLISH, "en", slot.id, search=1)
    theirs = await _journey(harness, READER, lang, slot.id, search=2)
    assert len(theirs) == len(english) > 20
    assert await harness.rows("SELECT count(*) FROM bookings") == [(2,)]
    for mine, reference in zip(theirs, english, strict=True):
        for sentence in WORDS.findall(reference):
            # German process words and place names are kept on purpose; English prose is not.
            if not re.search(r"Köln|Kalk|Caritas|Sprechstunde|Jobcenter|Sozialamt", sentence):
                assert sentence not in mine, f"{lang}: untranslated {sentence!r}"


@pytest.mark.parametrize("lang", [code for code in NEW if is_rtl(code)])
def test_right_to_left_isolates_commands_and_latin_values(harness: Harness, lang: str):
    tr = harness.tr(lang)
    assert tr.rtl
    assert tr.isolate("K7M2QX") == "\u2068K7M2QX\u2069"
    text = tr.gettext(
        "Your rights: /mydata shows what is stored. /delete deletes everything at once."
    )
    assert "\u2068/mydata\u2069" in text


@pytest.mark.parametrize(
    ("code", "expected"), [("hr", "bs"), ("sr", "bs"), ("sh", "bs"), ("me", "bs"), ("ku", "kmr")]
)
def test_telegram_codes_of_related_languages_reach_the_catalog(code: str, expected: str):
    assert match_locale(code) == (expected if expected in SUPPORTED_LOCALES else None)


@pytest.mark.parametrize("lang", [code for code in NEW if is_rtl(code)])
async def test_right_to_left_calendar_file_and_news(harness: Harness, lang: str):
    slot = await add_slot(harness)
    await _journey(harness, READER, lang, slot.id, search=1)
    [ics] = [c for c in harness.rec.calls if c.endpoint == "sendDocument"]
    calendar = next(iter(ics.uploads.values())).decode()
    english_summary = "Sprechstunde (open consultation hours) at Caritas"
    assert english_summary not in calendar and "SUMMARY:" in calendar
    news = {"body": "Neue Wohnungen in Kalk", "sender": "Caritas", "language": "de"}
    text = render_announcement(news, harness.tr(lang)).text
    assert "\u2068/notifications\u2069" in text and "\u2068Caritas\u2069" in text
