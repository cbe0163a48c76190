"""Questions of volunteers to the caseworkers of a carrier (tickets), as a small state machine.

    draft --submit--> open --take--> taken --answer--> answered --reply--> taken
                        ^                                  |
                        `-- reply, when its taker has left -'
    open, taken, answered --solved (by the volunteer)--> solved

One staff member takes a question and answers it; a second one is refused. A taker who
left the carrier (their account is gone) leaves the question open for the others again.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

ELLIPSIS = "…"
# A cut inside a quote goes back to the last space if that loses no more than this.
_WORD_SLACK = 40


class TicketStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    TAKEN = "taken"
    ANSWERED = "answered"
    SOLVED = "solved"


class Author(StrEnum):
    VOLUNTEER = "volunteer"
    STAFF = "staff"


class Take(StrEnum):
    """What pressing "Take" gives."""

    TAKEN = "taken"
    ALREADY_YOURS = "already_yours"
    SOMEONE_ELSE = "someone_else"
    CLOSED = "closed"  # solved, or still a draft


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    user_id: int  # the volunteer
    carrier_id: int | None  # None: the shared queue of every carrier
    household: str | None  # first name only
    question: str | None
    status: TicketStatus
    taken_by: int | None  # users.id of the staff member
    submitted_at: datetime | None

    @property
    def needs_taker(self) -> bool:
        """Open, or taken by someone who has left the carrier since."""
        return self.status is TicketStatus.OPEN or (
            self.status in (TicketStatus.TAKEN, TicketStatus.ANSWERED) and self.taken_by is None
        )

    @property
    def is_active(self) -> bool:
        return self.status not in (TicketStatus.DRAFT, TicketStatus.SOLVED)


@dataclass(frozen=True, slots=True)
class TicketMessage:
    id: int
    author: Author
    body: str  # empty for a bare suggestion to book a Beratungsgespräch
    booking: bool
    sent_at: datetime


def take(ticket: Ticket, staff_user_id: int) -> tuple[Ticket, Take]:
    if not ticket.is_active:
        return ticket, Take.CLOSED
    if ticket.needs_taker:
        return replace(ticket, status=TicketStatus.TAKEN, taken_by=staff_user_id), Take.TAKEN
    if ticket.taken_by == staff_user_id:
        return ticket, Take.ALREADY_YOURS
    return ticket, Take.SOMEONE_ELSE


def may_answer(ticket: Ticket, staff_user_id: int) -> bool:
    return ticket.is_active and not ticket.needs_taker and ticket.taken_by == staff_user_id


def answered(ticket: Ticket) -> Ticket:
    return replace(ticket, status=TicketStatus.ANSWERED)


def after_reply(ticket: Ticket) -> Ticket:
    """The volunteer wrote again: back to whoever took it, or to everyone if they left."""
    if ticket.taken_by is None:
        return replace(ticket, status=TicketStatus.OPEN)
    return replace(ticket, status=TicketStatus.TAKEN)


def solved(ticket: Ticket) -> Ticket:
    return replace(ticket, status=TicketStatus.SOLVED)


def is_overdue(ticket: Ticket, now: datetime, after: timedelta) -> bool:
    """Waiting for someone to take it for longer than `after`."""
    return (
        ticket.needs_taker
        and ticket.submitted_at is not None
        and now - ticket.submitted_at > after
    )


def escaped(text: str) -> str:
    """User text for an HTML message; quotes need no escaping outside attributes."""
    return html.escape(text, quote=False)


def measured_length(text: str) -> int:
    """A text's length as it is sent, so limits hold after escaping."""
    return len(escaped(text))


def excerpt(text: str, limit: int) -> str:
    """`text` escaped for HTML in at most `limit` characters: cut at a word if it is longer."""
    if measured_length(text) <= limit:
        return escaped(text)
    budget = limit - len(ELLIPSIS)
    if budget <= 0:
        return ""
    cut = text[:budget]
    while measured_length(cut) > budget:  # each & < > takes more room than one character
        cut = cut[: len(cut) - (measured_length(cut) - budget)]
    space = cut.rfind(" ")
    if space > 0 and space >= len(cut) - _WORD_SLACK:
        cut = cut[:space]
    return escaped(cut.rstrip()) + ELLIPSIS
