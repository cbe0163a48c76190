"""When the bot may send: Telegram's flood limits, its 429 pauses, and quiet hours.

Pure: every method takes `now`, so tests walk it with any clock.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo


class Lane(Enum):
    """Who a request is for; both share one budget.

    ANSWER: a user waits for it (anything sent while handling an update). It goes before the
    outbox. Telegram's "one message per second in a chat" tolerates short bursts, and a
    conversation (an answer, then the next screen) is such a burst: answers are not held by
    earlier answers in their chat. A notice is not part of the conversation, though: an
    answer within a window after a notice to its chat waits for the rest of that window
    (rare: it takes a command in the very second the notice went out), so that pair never
    breaks the limit.
    OUTBOX: reminders and broadcasts. They use what answers leave, evenly spaced, and never
    go to a chat within a window after any message to it, an answer included.
    """

    ANSWER = "answer"
    OUTBOX = "outbox"


class Pacer:
    """A sliding window over the last sends of the whole bot.

    At most `per_window` sends start in any `window`, none while a 429 pause lasts. The caller
    asks `ready_at`, waits until then, and calls `record` as the request starts. Make `window`
    a little longer than Telegram's second: a request reaches Telegram a few milliseconds after
    it starts, and that jitter must not squeeze 31 sends into one of Telegram's seconds.
    """

    def __init__(self, per_window: int, window: timedelta) -> None:
        self.per_window = per_window
        self.window = window
        self.spacing = window / per_window
        self.paused_until: datetime | None = None
        # The outbox's even grid of slots: a send that starts a little late (the claim, the
        # event loop) does not push every later slot back, or the rate would fall short.
        self._next_slot: datetime | None = None
        self._starts: deque[tuple[datetime, int | None]] = deque()  # (start, chat) in window
        self._last_by_chat: dict[int, datetime] = {}
        self._last_notice_by_chat: dict[int, datetime] = {}

    def _forget_before(self, now: datetime) -> None:
        while self._starts and self._starts[0][0] + self.window <= now:
            start, chat_id = self._starts.popleft()
            if chat_id is not None and self._last_by_chat.get(chat_id) == start:
                del self._last_by_chat[chat_id]
            if chat_id is not None and self._last_notice_by_chat.get(chat_id) == start:
                del self._last_notice_by_chat[chat_id]

    def ready_at(
        self,
        now: datetime,
        chat_id: int | None,
        lane: Lane = Lane.OUTBOX,
        *,
        answers_waiting: int = 0,
        count: int = 1,
    ) -> datetime:
        """The earliest moment a request to `chat_id` may start; `now` if it may start now.

        `count` is how many messages the request sends (an album counts each photo). An
        outbox request waits while `answers_waiting` answers wait for their turn: looking
        again one slot later, it finds them gone.
        """
        self._forget_before(now)
        moments = [now]
        if self.paused_until is not None:
            moments.append(self.paused_until)
        full = len(self._starts) + min(count, self.per_window) - self.per_window
        if full > 0:
            moments.append(self._starts[full - 1][0] + self.window)
        if lane is Lane.OUTBOX:
            if self._next_slot is not None:
                moments.append(self._next_slot)
            moments.append(self.chat_ready_at(now, chat_id))
            if answers_waiting:
                moments.append(now + self.spacing)
        else:
            moments.append(self.after_notice_at(now, chat_id))
        return max(moments)

    def after_notice_at(self, now: datetime, chat_id: int | None) -> datetime:
        """When an answer to this chat may go, by its chat alone: a window after a notice.
        An answer waiting for this does not count as waiting for the budget."""
        self._forget_before(now)
        last = self._last_notice_by_chat.get(chat_id) if chat_id is not None else None
        return max(now, last + self.window) if last is not None else now

    def chat_ready_at(self, now: datetime, chat_id: int | None) -> datetime:
        """When the outbox may send to this chat, by its own limit only: picks the next row."""
        self._forget_before(now)
        last = self._last_by_chat.get(chat_id) if chat_id is not None else None
        return max(now, last + self.window) if last is not None else now

    def record(
        self, now: datetime, chat_id: int | None, lane: Lane = Lane.OUTBOX, *, count: int = 1
    ) -> None:
        if lane is Lane.OUTBOX:
            slot = now if self._next_slot is None else max(self._next_slot, now - self.spacing)
            self._next_slot = slot + self.spacing * count
            if chat_id is not None:
                self._last_notice_by_chat[chat_id] = now
        for _ in range(count):
            self._starts.append((now, chat_id))
        if chat_id is not None:
            self._last_by_chat[chat_id] = now

    def pause(self, until: datetime) -> None:
        """Telegram said 429: nothing at all goes out before `until` (a pause never shrinks)."""
        if self.paused_until is None or until > self.paused_until:
            self.paused_until = until


_HOURS = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])")


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local hours (settings.tz) in which notices wait; reminders do not. May wrap midnight."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """ "21:00-08:00" → those hours; "off" → None. Raises ValueError on anything else."""
        text = text.strip()
        if text.lower() == "off":
            return None
        match = _HOURS.fullmatch(text)
        if match is None:
            raise ValueError(f"expected HH:MM-HH:MM or off, got {text!r}")
        start = time(int(match[1]), int(match[2]))
        end = time(int(match[3]), int(match[4]))
        if start == end:
            raise ValueError(f"quiet hours {text!r} start and end at the same time; use off")
        return cls(start, end)

    def contains(self, now: datetime, tz: ZoneInfo) -> bool:
        moment = now.astimezone(tz)
        local = time(moment.hour, moment.minute, moment.second, moment.microsecond)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def resume_at(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The first moment from `now` on that is outside quiet hours."""
        if not self.contains(now, tz):
            return now
        today = now.astimezone(tz).date()
        # Both folds: on the night the clocks go back, the end may come twice.
        ends = (
            datetime.combine(day, self.end.replace(fold=fold), tzinfo=tz)
            for day in (today, today + timedelta(days=1))
            for fold in (0, 1)
        )
        return min(
            (end for end in ends if end.timestamp() > now.timestamp()), key=datetime.timestamp
        )
