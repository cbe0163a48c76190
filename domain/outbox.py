"""The outbox's rules: topics, states, and what happens to a message after each try.

Every reminder and broadcast is one outbox row per recipient (storage/outbox.py), rendered in
the recipient's language when it is sent (bot/delivery.py). This module decides, from plain
values, what a try means for the row:

    pending --claim--> sending --Sent--------------> sent
                          |----Unreachable (403, 400 "chat not found")--> unreachable (+ user
                          |                                                 marked blocked)
                          |----Rejected (other 400, render error)-------> failed
                          |----FloodWait (429)-----> pending, due after retry_after, no attempt
                          `----Transient (5xx, network)--> pending after backoff, attempt + 1,
                                                           failed after max_attempts
    pending --recipient blocked / topic off at claim--> unreachable / skipped
    pending --cancel (storage)--> cancelled

Delivery guarantee: AT-LEAST-ONCE. A row is marked `sending` in its own transaction before its
request and marked with the result in another right after the answer. If the process dies in
between (kill -9), nobody can know whether Telegram delivered it: the Bot API has no
idempotency key and no way to ask. On restart such rows are sent again (`recover`), because a
missed appointment costs a household far more than one duplicate reminder. Only requests in
flight at the crash are in doubt, so at most a few recipients (about rate times latency) get a
message twice; nobody gets none. A row in doubt `max_attempts` times is failed instead, so a
message that crashes the bot cannot do so forever.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class Topic(StrEnum):
    APPOINTMENTS = "appointments"  # reminders of anything the user booked
    VIEWINGS = "viewings"  # reminders of flat viewings
    LISTINGS = "listings"  # offers of flats
    WORKSHOPS = "workshops"  # notices of workshops for volunteers and households
    ANNOUNCEMENTS = "announcements"  # news from the carriers

    @property
    def is_reminder(self) -> bool:
        """Reminders go first and are sent in quiet hours; notices wait for the morning."""
        return self in (Topic.APPOINTMENTS, Topic.VIEWINGS)

    @property
    def priority(self) -> int:
        return 0 if self.is_reminder else 1


class State(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed: its request may be on the way (in doubt after a crash)
    SENT = "sent"
    UNREACHABLE = "unreachable"  # the user blocked the bot or left Telegram
    SKIPPED = "skipped"  # the user turned the topic off
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self not in (State.PENDING, State.SENDING)


@dataclass(frozen=True, slots=True)
class Rendered:
    """What a renderer makes of a message's params, in the recipient's language.

    `buttons` are rows of (label, callback_data); callback_data must come from
    a route of handlers/ (Route.data). With a `document` (filename, content) the text is sent
    as its caption, so it must fit the caption limit.
    """

    text: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()
    document: tuple[str, bytes] | None = None


@dataclass(frozen=True, slots=True)
class DueMessage:
    """A candidate for sending, as read before it is claimed."""

    id: int
    chat_id: int
    topic: Topic


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A claimed row with its recipient as they are now: locale, blocked, topic on or off."""

    id: int
    user_id: int
    chat_id: int
    locale: str
    kind: str
    params: Mapping[str, Any]
    topic: Topic
    attempts: int
    recipient_blocked: bool
    topic_enabled: bool


# What one try of a message gave, told by the sender in plain values.
@dataclass(frozen=True, slots=True)
class Sent:
    message_id: int | None = None  # Telegram's id of the new message, to edit it later


@dataclass(frozen=True, slots=True)
class FloodWait:
    retry_after: timedelta


@dataclass(frozen=True, slots=True)
class Unreachable:
    reason: str


@dataclass(frozen=True, slots=True)
class Rejected:
    reason: str


@dataclass(frozen=True, slots=True)
class Transient:
    reason: str


Outcome = Sent | FloodWait | Unreachable | Rejected | Transient

# 400 answers that mean the person cannot be reached at all (not a fault of the message).
_UNREACHABLE_400 = ("chat not found",)


def classify_bad_request(description: str) -> Unreachable | Rejected:
    lowered = description.lower()
    if any(phrase in lowered for phrase in _UNREACHABLE_400):
        return Unreachable(description)
    return Rejected(description)


@dataclass(frozen=True, slots=True)
class Result:
    """The row's new state after a try (or a decision not to try)."""

    state: State
    attempts: int
    error: str | None = None
    due_at: datetime | None = None  # set when the row goes back to pending
    block_user: bool = False


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    first_delay: timedelta
    max_delay: timedelta
    max_attempts: int

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff: first_delay, twice that, … up to max_delay."""
        factor = 1 << min(max(attempts - 1, 0), 20)
        return min(self.first_delay * factor, self.max_delay)


def before_send(message: OutboxMessage, *, essential: bool = False) -> Result | None:
    """A message that must not go out is settled without a request; None means send it.

    Essential messages (an appointment cancelled, an answer to the user's own question) go
    out even when their topic is turned off: the opt-out is for notices, not for news about
    something the user booked or asked.
    """
    if message.recipient_blocked:
        return Result(State.UNREACHABLE, message.attempts, "the user blocked the bot")
    if not message.topic_enabled and not essential:
        return Result(State.SKIPPED, message.attempts, f"topic {message.topic} turned off")
    return None


def after_interruption(attempts: int, now: datetime, policy: RetryPolicy) -> Result:
    """A row found `sending` at start-up: sent again at once (at-least-once, see above)."""
    tried = attempts + 1
    if tried >= policy.max_attempts:
        return Result(State.FAILED, tried, f"in doubt after {tried} interrupted tries")
    return Result(State.PENDING, tried, "interrupted while sending", due_at=now)


def after_send(outcome: Outcome, attempts: int, now: datetime, policy: RetryPolicy) -> Result:
    match outcome:
        case Sent():
            return Result(State.SENT, attempts)
        case FloodWait(retry_after):
            # Not the message's fault: no attempt is used up.
            error = f"429: retry after {retry_after.total_seconds():g} s"
            return Result(State.PENDING, attempts, error, due_at=now + retry_after)
        case Unreachable(reason):
            return Result(State.UNREACHABLE, attempts, reason, block_user=True)
        case Rejected(reason):
            return Result(State.FAILED, attempts, reason)
        case Transient(reason):
            tried = attempts + 1
            if tried >= policy.max_attempts:
                return Result(State.FAILED, tried, f"gave up after {tried} tries: {reason}")
            return Result(State.PENDING, tried, reason, due_at=now + policy.delay(tried))


@dataclass(frozen=True, slots=True)
class Broadcast:
    """A running broadcast and where its progress is shown (no chat once the starter left)."""

    id: int
    topic: Topic
    staff_chat_id: int | None
    staff_locale: str | None
    status_message_id: int | None


@dataclass(frozen=True, slots=True)
class QueuedBroadcast:
    id: int
    added: int  # rows queued by this call; 0 when the broadcast was started before


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a broadcast has got, counted by state."""

    counts: Counter[State] = field(default_factory=Counter)

    @property
    def queued(self) -> int:
        return self.counts[State.PENDING] + self.counts[State.SENDING]

    @property
    def total(self) -> int:
        return sum(n for state, n in self.counts.items() if state is not State.CANCELLED)

    @property
    def done(self) -> bool:
        return self.queued == 0
