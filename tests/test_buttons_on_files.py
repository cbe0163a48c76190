"""Buttons under a file (a calendar file and its caption) work like any other: the file stays,
the answer becomes its caption or, if longer, comes as a new message; and a failure inside a
button's handler still reaches the user."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from telegram import Update

from domain.accounts import Account
from sandbox.refusals import QUERY_TOO_OLD
from tests.appointments_setup import THURSDAY_TEN, add_slot, documents, seekers
from tests.conftest import Harness
from tests.fakes import Call, callback_update
from tests.staffing import CASEWORKER, make_team, register_seeker, share_with

OLENA = 111
SORRY = "Something went wrong. Nothing you entered was lost. Please try again."


async def _press_every_button(harness: Harness, document: Call, user_id: int) -> None:
    """Each button of `document` pressed on the file as it was sent: it answers the press,
    keeps the file and shows something new, and Telegram refuses nothing (see the fixture)."""
    assert document.message_id is not None and document.callback_data
    key = (user_id, document.message_id)
    as_sent = harness.rec.held[key]
    for data in document.callback_data:
        harness.rec.held[key] = as_sent
        harness.rec.clear()
        await harness.press(data, user_id=user_id, message_id=document.message_id)
        assert len(harness.rec.answers()) == 1, data
        shown = [c for c in harness.rec.calls if c.endpoint != "answerCallbackQuery"]
        assert shown, f"{data} showed nothing"
        assert all(c.endpoint != "editMessageText" for c in shown), data
        assert SORRY not in [c.text for c in shown], data
        assert harness.rec.held[key].has_file, f"{data} lost the file"


async def test_every_button_under_a_cancelled_appointments_file_works(harness: Harness):
    await make_team(harness)
    slot = await add_slot(harness, capacity=1)
    await add_slot(harness, THURSDAY_TEN + timedelta(days=7))
    await seekers(harness, OLENA, lang="uk")
    await harness.press(f"bb:yes:{slot.id}:0", lang="uk")
    await harness.press(f"bz:yes:{slot.id}", user_id=CASEWORKER)
    await harness.deliver()
    [notice] = [c for c in documents(harness, OLENA) if c.callback_data]
    assert notice.callback_data == ["bb:ask:2:1", "bk:start", "mn:home"]  # another time first
    await _press_every_button(harness, notice, OLENA)


async def test_every_button_under_a_changed_appointments_file_works(harness: Harness):
    await make_team(harness)
    slot = await add_slot(harness, capacity=1)
    await seekers(harness, OLENA)
    await harness.press(f"bb:yes:{slot.id}:0")
    await harness.press(f"bo:edit:{slot.id}", user_id=CASEWORKER)
    await harness.send("2026-12-03 14:00-16:00 1 Kalker Hauptstr. 249", user_id=CASEWORKER)
    await harness.press("bq:save:0", user_id=CASEWORKER)
    await harness.deliver()
    [notice] = [c for c in documents(harness, OLENA) if c.callback_data]
    await _press_every_button(harness, notice, OLENA)


async def _viewing_invitation(harness: Harness) -> tuple[Account, Call]:
    """A household invited to a viewing: the invitation is a calendar file with buttons."""
    await make_team(harness)
    seeker = await register_seeker(harness, lang="en")
    await share_with(harness, seeker)
    await harness.press(f"vn:{seeker.id}", user_id=CASEWORKER)
    await harness.send("28.11. 14:30\nVenloer Str. 12\nvor der Haustür", user_id=CASEWORKER)
    await harness.deliver()
    [invitation] = documents(harness, seeker.telegram_id)
    return seeker, invitation


async def test_every_button_under_a_viewing_invitation_and_its_change_works(harness: Harness):
    seeker, invitation = await _viewing_invitation(harness)
    await _press_every_button(harness, invitation, seeker.telegram_id)
    await harness.press("vx:yes:1", user_id=CASEWORKER)
    await harness.deliver()
    cancelled = documents(harness, seeker.telegram_id)[-1]
    assert cancelled is not invitation and cancelled.callback_data == ["mn:home"]
    await _press_every_button(harness, cancelled, seeker.telegram_id)


async def test_a_long_answer_to_a_button_under_a_file_comes_as_a_new_message(
    harness: Harness, monkeypatch
):
    seeker, invitation = await _viewing_invitation(harness)
    harness.rec.clear()
    long_notice = "We store little. " * 100  # longer than any caption may be
    monkeypatch.setattr("handlers.common.texts.privacy_notice", lambda context: long_notice)
    await harness.press("mn:privacy", user_id=seeker.telegram_id, message_id=invitation.message_id)
    [shown] = harness.rec.sent()
    assert shown.endpoint == "sendMessage" and shown.text.startswith(long_notice.strip())
    assert harness.rec.held[(seeker.telegram_id, invitation.message_id)].has_file


async def test_pressing_the_same_button_twice_edits_once(harness: Harness):
    await harness.send("/start")
    await harness.press("ll:start")
    await harness.press("ll:start")
    assert [c.endpoint for c in harness.rec.calls].count("editMessageText") == 1
    assert len(harness.rec.answers()) == 2


async def test_a_fast_double_tap_edits_once(harness: Harness):
    await harness.send("/start")
    await harness.double_tap("ll:start")  # the second press still carries the old message
    assert [c.endpoint for c in harness.rec.calls].count("editMessageText") == 1
    assert len(harness.rec.answers()) == 2


@pytest.mark.parametrize("answered_first", [False, True])
async def test_a_failure_inside_a_button_handler_reaches_the_user(
    harness: Harness, monkeypatch, caplog, answered_first: bool
):
    await harness.send("/start")

    async def broken(update, context, *_):
        if answered_first:  # Telegram refuses the error handler's second answer
            await update.callback_query.answer()
        raise RuntimeError("boom")

    monkeypatch.setattr("handlers.onboarding.start.ask_role", broken)
    with caplog.at_level(logging.ERROR):
        await harness.press("lg:en")
    assert harness.rec.last().text == SORRY
    assert len(harness.rec.answers()) == 2 if answered_first else 1
    refused = ["answerCallbackQuery: " + QUERY_TOO_OLD] if answered_first else []
    assert harness.rec.invalid == refused
    harness.rec.invalid.clear()
    assert "user_id=111" in caplog.text


async def test_a_press_too_old_to_answer_still_gets_its_screen(harness: Harness):
    await harness.send("/start")
    update = callback_update("ll:start")
    harness.rec.answered.add(update["callback_query"]["id"])  # as after a restart
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert harness.rec.last().text == harness.t("en", "Choose your language:")
    assert harness.rec.invalid == ["answerCallbackQuery: " + QUERY_TOO_OLD]
    harness.rec.invalid.clear()
