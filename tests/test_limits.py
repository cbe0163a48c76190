"""Nothing the bot sends exceeds Telegram's limits: typed text has a maximum checked when it is
typed, text the bot repeats is cut, the screen helper fits any text, and buttons carry only
locales the bot speaks. (The fixture fails any test that made a request Telegram refuses.)"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Update

from bot.limits import MAX_CAPTION_LENGTH, MAX_CARRIER_CONTACT, MAX_ECHO_LENGTH, MAX_TEXT_LENGTH
from bot.telegram_html import ELLIPSIS, fit_html, plain_text
from domain.announcements import MAX_BODY
from domain.appointments import SlotKind
from domain.slot_line import MAX_ADDRESS, LineProblem, parse_slot_line
from domain.viewings import MAX_PLACE_LENGTH, AppointmentProblem, parse_appointment
from sandbox.refusals import html_errors
from tests.conftest import ADMIN_ID, Harness
from tests.fakes import callback_update
from tests.staffing import CASEWORKER, make_team

SORRY = "Something went wrong. Nothing you entered was lost. Please try again."
TOO_LONG = "This is too long. Please shorten it to {max} characters."


async def test_a_very_long_place_name_is_repeated_cut_and_the_question_stays(harness: Harness):
    await harness.send("/start")
    await harness.press("cs:yes:seeker:en")
    await harness.press("mn:mysearch")
    await harness.press("hs:1:adults:1")
    await harness.press("hs:1:children:0")
    await harness.send("Kalk " + 4000 * "x")
    reply = harness.rec.last()
    assert reply.text != SORRY and "hs:1:area:done" in reply.callback_data
    repeated = reply.text.split("“", 1)[1].split("”", 1)[0].strip("\u2068\u2069")
    assert repeated.startswith("Kalk xxx") and repeated.endswith(ELLIPSIS)
    assert len(repeated) <= MAX_ECHO_LENGTH
    assert await harness.rows("SELECT name FROM search_places") == []


async def test_a_too_long_contact_is_refused_and_help_keeps_working(harness: Harness):
    await harness.send("/setcontact drk Mo-Fr 9-12, 0221 555", user_id=ADMIN_ID, lang="en")
    await harness.send("/setcontact drk " + "Mo-Fr 9-12 " * 400, user_id=ADMIN_ID, lang="en")
    assert harness.rec.last().text == TOO_LONG.format(max=MAX_CARRIER_CONTACT)
    # Escaped for HTML it would be longer than the limit: that counts.
    await harness.send("/setcontact drk " + "&" * (MAX_CARRIER_CONTACT // 2), user_id=ADMIN_ID)
    await harness.send("/help", lang="en")
    assert "DRK: Mo-Fr 9-12, 0221 555" in harness.rec.last().text


async def test_an_announcement_is_measured_as_it_is_sent(harness: Harness):
    await make_team(harness)
    await harness.send("/announce", user_id=CASEWORKER)
    await harness.send("<&>" * (MAX_BODY // 3), user_id=CASEWORKER)  # 3000 typed, 12000 sent
    assert harness.rec.last().text.startswith(
        "⚠️ " + TOO_LONG.format(max=harness.tr("en").number(MAX_BODY))
    )
    assert await harness.rows("SELECT body FROM announcements") == [("",)]


@pytest.mark.parametrize(
    "data", ["lg:xx", "lg:zzz", "rl:seeker:xx", "cs:yes:seeker:qq", "lg:de_DE", "lw:1:xx"]
)
async def test_buttons_with_a_locale_the_bot_does_not_speak_have_expired(
    harness: Harness, data: str
):
    await harness.send("/start")
    await harness.press("cs:yes:seeker:en")
    await harness.press(data)
    [alert] = harness.rec.answers()[-1:]
    assert alert.params["text"] == "This button has expired." and alert.params["show_alert"]
    assert await harness.rows("SELECT locale FROM users") == [("en",)]
    await harness.send("/help")
    assert harness.rec.last().text != SORRY


async def test_the_screen_helper_fits_any_text(harness: Harness, monkeypatch):
    long_notice = "<b>We store little.</b> " * 400
    monkeypatch.setattr("handlers.common.texts.privacy_notice", lambda context: long_notice)
    await harness.send("/start")
    await harness.press("cs:yes:seeker:en")
    await harness.press("mn:privacy")
    shown = harness.rec.last().text
    assert len(shown) <= MAX_TEXT_LENGTH and shown.endswith(ELLIPSIS + "</b>")
    assert shown.startswith("<b>We store little.</b> <b>We store little.</b>")


def test_a_cut_closes_open_tags_and_ends_at_a_word():
    text = "<b>Kalker Hauptstraße</b> <i>vor der Haustür und dann links</i>"
    assert fit_html(text, 48) == "<b>Kalker Hauptstraße</b> <i>vor der…</i>"
    assert fit_html("&amp;" * 20, 12) == "&amp;&amp;…"
    assert fit_html(text, len(text)) == text


_HTML_PIECES = st.sampled_from(
    ["<b>", "</b>", "<i>", "</i>", '<a href="https://x.de/a?b=1&amp;c=2">', "</a>", "&amp;",
     "&lt;", "&#x27;", " ", "\n", "Köln", "ع", "😀", "x" * 30]
)  # fmt: skip


@given(st.lists(_HTML_PIECES, max_size=200), st.integers(min_value=10, max_value=MAX_TEXT_LENGTH))
def test_whatever_is_cut_fits_and_telegram_still_parses_it(pieces: list[str], limit: int):
    balanced, stack = [], []
    for piece in pieces:  # as the bot writes it: every tag closed in order
        if piece.startswith("</"):
            if stack and stack[-1] == piece[2:-1]:
                balanced.append(piece)
                stack.pop()
        elif piece.startswith("<"):
            balanced.append(piece)
            stack.append(piece[1:].split()[0].rstrip(">"))
        else:
            balanced.append(piece)
    text = "".join(balanced) + "".join(f"</{tag}>" for tag in reversed(stack))
    cut = fit_html(text, limit)
    assert len(cut) <= limit and html_errors(cut) == []
    if cut != text:
        assert plain_text(text).startswith(plain_text(cut).removesuffix(ELLIPSIS).rstrip())
    assert len(fit_html(text, MAX_CAPTION_LENGTH)) <= MAX_CAPTION_LENGTH


def test_typed_places_are_measured_as_they_are_sent():
    now = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
    escaped_long = "&" * (MAX_PLACE_LENGTH // 4)  # short as typed, five times as long sent
    assert parse_appointment(f"28.11. 14:30\n{escaped_long}", now) is AppointmentProblem.TOO_LONG
    line = f"2026-12-03 10:00-12:00 8 {'<' * (MAX_ADDRESS // 3)}"
    slot = parse_slot_line(line, SlotKind.SPRECHSTUNDE, now, ZoneInfo("Europe/Berlin"))
    assert slot is LineProblem.ADDRESS_TOO_LONG


@pytest.mark.parametrize("pressed", ["no data", "no message"])
async def test_a_press_of_a_button_the_bot_never_sent_has_expired(harness: Harness, pressed: str):
    update = callback_update("mn:help")
    if pressed == "no data":
        del update["callback_query"]["data"]
    else:  # a message sent inline, through another chat
        del update["callback_query"]["message"]
        update["callback_query"]["inline_message_id"] = "i1"
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    [alert] = harness.rec.answers()
    assert alert.params["text"] == "This button has expired." and harness.rec.sent() == []
