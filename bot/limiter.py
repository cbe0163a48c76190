"""One send budget for every Bot API request: PTB's rate limiter, wrapped around each call.

Telegram counts messages: sends, edits, copies and forwards. Those share one domain.pacing.Pacer
(at most MESSAGES_PER_SECOND in any PACING_WINDOW) whoever sends them. Answers to a user who
waits (Lane.ANSWER, every request a handler makes) take the next free slot; the outbox sender
(bot/delivery.py) reserves its slots with `reserve`, which waits while answers wait, so a
broadcast delays an answer by one slot at most (or, for the one user whose notice went out in
that very second, to the end of the second: see domain.pacing.Lane for the per-chat limit).
After a 429 nothing at all goes out, counted or not, until retry_after has passed.

Answers retry what may pass a moment later (5xx, network errors and time-outs, a 429 after its
pause) up to ANSWER_ATTEMPTS times, with short backoff; never a 4xx, which would only be refused
again. A time-out may hide a request Telegram did carry out, so its retry can show a message
twice; a user left without an answer is worse. The outbox's requests are not retried here: it
records each result and retries durably itself (domain/outbox.py).

The clock and sleep are read through callables, so tests run the limiter on their fake clock.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.clock import utc_now
from bot.limits import ANSWER_ATTEMPTS, ANSWER_BACKOFF, MESSAGES_PER_SECOND, PACING_WINDOW
from domain.pacing import Lane, Pacer

log = logging.getLogger(__name__)

COUNTED_PREFIXES = ("send", "edit", "copy", "forward")  # what Telegram's flood control counts

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]
Callback = Callable[..., Coroutine[Any, Any, Any]]


def messages_in(endpoint: str, data: dict[str, Any]) -> int:
    """How many messages Telegram counts for this request: 0 for answerCallbackQuery, getMe…"""
    if not endpoint.startswith(COUNTED_PREFIXES):
        return 0
    if endpoint == "sendMediaGroup":
        return len(data.get("media") or ()) or 1
    return 1


class SendLimiter(BaseRateLimiter[Lane]):
    def __init__(self, clock: Clock = utc_now, sleep: Sleep = asyncio.sleep) -> None:
        self.clock, self.sleep = clock, sleep
        self.pacer = Pacer(MESSAGES_PER_SECOND, PACING_WINDOW)
        self._answers_waiting = 0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    # The outbox sender's side.
    def ready_at(self, now: datetime, chat_id: int) -> datetime:
        """When the outbox may send to `chat_id`: after every waiting answer."""
        return self.pacer.ready_at(now, chat_id, answers_waiting=self._answers_waiting)

    def reserve(self, now: datetime, chat_id: int) -> None:
        """The outbox takes its slot (when ready_at allowed it) just before it sends."""
        self.pacer.record(now, chat_id)

    @property
    def paused_until(self) -> datetime | None:
        return self.pacer.paused_until

    # Every request.
    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> Any:
        lane = rate_limit_args or Lane.ANSWER
        attempts = ANSWER_ATTEMPTS if lane is Lane.ANSWER else 1
        for attempt in range(1, attempts + 1):
            await self._wait_turn(endpoint, data, lane)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = retry_after(error)
                self.pacer.pause(self.clock() + wait)
                log.warning("%s: Telegram asked to wait %s; holding every request", endpoint, wait)
                if attempt == attempts:
                    raise
            except BadRequest:  # a NetworkError in PTB, but a 400 is refused again
                raise
            except NetworkError as error:  # 5xx, time-outs, connection errors
                if attempt == attempts:
                    raise
                log.warning("%s failed (%s), attempt %d; retrying", endpoint, error, attempt)
                await self.sleep(ANSWER_BACKOFF.total_seconds() * 2 ** (attempt - 1))
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _wait_turn(self, endpoint: str, data: dict[str, Any], lane: Lane) -> None:
        """Waits until the request may start, and counts it."""
        chat_id = data.get("chat_id")
        chat = chat_id if isinstance(chat_id, int) else None
        count = messages_in(endpoint, data)
        if not count:  # answerCallbackQuery, getMe…: only a 429 pause holds them
            await self._sleep_until(self._pause_over)
        elif lane is Lane.OUTBOX:
            # The sender took its slot in `reserve`. A 429 that came back meanwhile holds it
            # too; after the pause it counts again in the new window.
            if await self._sleep_until(self._pause_over):
                self.pacer.record(self.clock(), chat, lane, count=count)
        else:
            # Held by its own chat, an answer does not hold the outbox; then it waits its turn.
            await self._sleep_until(lambda now: self.pacer.after_notice_at(now, chat))
            self._answers_waiting += 1
            try:
                await self._sleep_until(
                    lambda now: self.pacer.ready_at(now, chat, Lane.ANSWER, count=count)
                )
            finally:
                self._answers_waiting -= 1
            self.pacer.record(self.clock(), chat, lane, count=count)

    def _pause_over(self, now: datetime) -> datetime:
        return max(now, self.paused_until or now)

    async def _sleep_until(self, ready_at: Callable[[datetime], datetime]) -> bool:
        """Sleeps until ready_at(now) is now; True if it had to wait."""
        waited = False
        while (ready := ready_at(now := self.clock())) > now:
            await self.sleep((ready - now).total_seconds())
            waited = True
        return waited


def retry_after(error: RetryAfter) -> timedelta:
    # PTB 22 warns that retry_after becomes a timedelta; accept both.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)
