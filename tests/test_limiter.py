"""Every request the bot makes shares one budget; answers survive Telegram's hiccups.

The real Application with its SendLimiter on the fake clock: nothing here sleeps for real.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.delivery import limiter_of, register_renderer
from bot.i18n import Translator
from bot.limiter import messages_in
from bot.limits import ANSWER_ATTEMPTS, MESSAGES_PER_SECOND, PACING_WINDOW
from domain.outbox import Rendered
from tests.conftest import Harness
from tests.fakes import Call, max_in_window

SECOND = timedelta(seconds=1)
REGISTRATION = (  # five user actions: from /start to the help screen
    ("send", "/start"),
    ("press", "lg:en"),
    ("press", "rl:seeker:en"),
    ("press", "cs:yes:seeker:en"),
    ("send", "/help"),
)


def render_offer(params: Mapping[str, Any], tr: Translator) -> Rendered:
    return Rendered(f"{tr.gettext('Offers of flats')} #{params['n']}")


@pytest.fixture
def harness(harness: Harness) -> Harness:
    register_renderer(harness.app, "offer", render_offer)
    return harness


def to_chat(harness: Harness, chat_id: int) -> list[Call]:
    return [call for call in harness.rec.calls if call.params.get("chat_id") == chat_id]


def counted(harness: Harness) -> list[datetime]:
    return [c.at for c in harness.rec.calls if c.at and messages_in(c.endpoint, c.params)]


async def register(harness: Harness, user_id: int) -> list[list[tuple[str, str]]]:
    """Runs the five actions; per action what Telegram accepted: (endpoint, text)."""
    answers = []
    for kind, value in REGISTRATION:
        before = len(harness.rec.calls)
        if kind == "send":
            await harness.send(value, user_id=user_id)
        else:
            await harness.press(value, user_id=user_id)
        answers.append([(call.endpoint, call.text) for call in harness.rec.calls[before:]])
    return answers


async def test_with_a_fifth_of_requests_failing_every_user_action_is_answered_once(
    harness: Harness,
):
    steady = [answer for user in range(10) for answer in await register(harness, 200 + user)]
    harness.rec.failing = 0.2
    flaky = [answer for user in range(10) for answer in await register(harness, 300 + user)]
    assert len(harness.rec.failed) >= 15  # failures did happen
    answered = sum(got == expected for got, expected in zip(flaky, steady, strict=True))
    assert answered >= 49
    assert all(answer for answer in flaky)  # nobody was left without any answer


async def test_a_bad_gateway_is_tried_again_and_the_user_gets_one_answer(harness: Harness):
    harness.rec.script[111] = [(502, "Bad Gateway", None), (502, "Bad Gateway", None)]
    await harness.send("/start")
    first, second, answer = to_chat(harness, 111)
    assert first.params == second.params == answer.params  # the same request, three times
    assert harness.rec.last() is answer and "Auszugsmanagement" in answer.text


async def test_a_lasting_failure_is_given_up_after_the_last_attempt(harness: Harness):
    harness.rec.unreachable[111] = (500, "Internal Server Error")
    await harness.send("/start")
    # The answer, then the error handler's "Something went wrong", each tried so often.
    assert len(to_chat(harness, 111)) == 2 * ANSWER_ATTEMPTS


@pytest.mark.parametrize(
    ("code", "description"),
    [(400, "Bad Request: chat not found"), (403, "Forbidden: bot was blocked by the user")],
)
async def test_a_refusal_is_never_tried_again(harness: Harness, code: int, description: str):
    harness.rec.unreachable[111] = (code, description)
    await harness.send("/start")
    assert len(to_chat(harness, 111)) == 2  # the answer and the error handler's message, once


async def test_a_429_on_an_answer_holds_every_request_then_the_answer_goes_out(
    harness: Harness,
):
    harness.rec.script[111] = [(429, "Too Many Requests", 3)]
    asked_at = harness.clock()
    await harness.send("/start")
    refused, answer = to_chat(harness, 111)
    assert refused.at == asked_at
    assert answer.at is not None and answer.at >= asked_at + 3 * SECOND
    assert answer.params == refused.params  # the answer itself, not "Something went wrong"
    await harness.send("/start", user_id=112)  # the next user waited for nothing more
    # The fake refuses any request during the pause (the harness fails on it).
    assert harness.rec.invalid == []


async def test_a_user_asking_during_a_broadcast_waits_one_slot_at_most(harness: Harness):
    recipients = await harness.add_users(300)
    asker = 1250  # gets the broadcast after about nine seconds
    await harness.broadcast(recipients)
    asking_time, is_asking_time = harness.clock() + 8.5 * SECOND, asyncio.Event()

    async def sleep(seconds: float) -> None:  # the sender's waits move the fake clock
        await harness.clock.sleep(seconds)
        if harness.clock() >= asking_time:
            is_asking_time.set()

    harness.app.bot_data.sleep = harness.sender.sleep = sleep
    sending = asyncio.create_task(harness.deliver())
    await is_asking_time.wait()
    asked_at = harness.clock()
    await harness.send("/help", user_id=asker)
    await sending
    answer, offer = to_chat(harness, asker)
    assert answer.endpoint == "sendMessage" and "#" not in answer.text
    assert answer.at is not None and answer.at - asked_at <= PACING_WINDOW / MESSAGES_PER_SECOND
    assert offer.at is not None and offer.at - answer.at >= SECOND  # not both in one second
    assert max_in_window(counted(harness)) <= MESSAGES_PER_SECOND
    assert len(to_chat(harness, 1000)) == 1  # the broadcast went on


async def test_answers_and_the_outbox_share_the_cap(harness: Harness):
    recipients = await harness.add_users(120)
    await harness.broadcast(recipients)
    sending = asyncio.create_task(harness.deliver())
    for user in range(40):  # forty people ask in the same moments
        await harness.send("/start", user_id=500 + user)
    await sending
    assert max_in_window(counted(harness)) <= MESSAGES_PER_SECOND
    assert len([c for c in harness.rec.calls if c.endpoint == "sendMessage"]) == 160


async def test_a_pause_holds_requests_telegram_does_not_count_too(harness: Harness):
    limiter_of(harness.app).pacer.pause(harness.clock() + 3 * SECOND)
    harness.rec.paused_until = harness.clock() + 3 * SECOND  # the fake refuses until then
    paused_until = harness.rec.paused_until
    await harness.press("lg:en")
    [answer] = harness.rec.answers()
    assert answer.at is not None and answer.at >= paused_until
