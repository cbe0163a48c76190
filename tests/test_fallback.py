"""Every input gets an answer: unknown commands, text, photos, groups and errors."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.features import TextFlow
from tests.conftest import Harness


async def _register(harness: Harness) -> None:
    await harness.send("/start")
    await harness.press("cs:yes:seeker:en")
    harness.rec.clear()


async def test_unknown_command_answers_with_the_menu(harness: Harness):
    await _register(harness)
    await harness.send("/frobnicate")
    reply = harness.rec.last()
    assert reply.text.startswith("I do not know this command.")
    assert "mn:help" in reply.callback_data


@pytest.mark.parametrize(
    "content",
    [
        {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 9, "height": 9}]},
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "width": 9,
                "height": 9,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
    ],
)
async def test_photos_and_stickers_get_a_clear_answer(harness: Harness, content):
    await _register(harness)
    await harness.send(None, **content)
    assert "copies of your papers" in harness.rec.last().text


async def test_text_from_someone_who_never_started_leads_into_start(harness: Harness):
    await harness.send("hello?", lang="ru")
    reply = harness.rec.last()
    assert reply.callback_data == ["lg:ru", "ll:start"]


async def test_group_chats_are_ignored(harness: Harness):
    await harness.send("/start", chat_type="group")
    assert harness.rec.sent() == []


async def test_an_error_is_logged_without_text_and_the_user_told_in_their_language(
    harness: Harness, caplog, monkeypatch
):
    await _register(harness)

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("storage.accounts.list_carriers", broken)
    with caplog.at_level(logging.ERROR):
        await harness.send("/help secret words", lang="en")
    assert harness.rec.last().text == (
        "Something went wrong. Nothing you entered was lost. Please try again."
    )
    assert "user_id=111" in caplog.text and "secret words" not in caplog.text


async def test_a_photo_before_registering_is_explained_and_leads_into_start(harness: Harness):
    await harness.send(
        None, photo=[{"file_id": "p", "file_unique_id": "p", "width": 9, "height": 9}]
    )
    reply = harness.rec.last()
    assert "copies of your papers" in reply.text
    assert reply.callback_data == ["lg:en", "ll:start"]


async def test_cancel_with_nothing_open_says_so_and_shows_the_menu(harness: Harness):
    await _register(harness)
    await harness.send("/cancel")
    reply = harness.rec.last()
    assert reply.text.startswith("There is nothing to cancel.")
    assert "mn:help" in reply.callback_data


async def test_typed_text_goes_to_the_flow_that_asked_last(harness: Harness):
    answered: list[str] = []

    def flow(name: str, asked_minutes_ago: int) -> TextFlow:
        async def waiting(context):
            return harness.clock() - timedelta(minutes=asked_minutes_ago)

        async def record(update, context):
            answered.append(name)

        return TextFlow(waiting, record, record, record)

    harness.app.bot_data.text_flows[:] = [flow("older", 10), flow("newer", 1)]
    await _register(harness)
    await harness.send("Ehrenfeld")
    await harness.send("/cancel")
    assert answered == ["newer", "newer"]
