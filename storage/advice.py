"""Volunteers' questions (tickets), their answers and replies, and the messages about them.

Outbox keys start with `ticket:<id>:`. A question nobody takes gets one row per staff member
of its carrier (of every carrier for the shared queue), due when it has waited too long; the
rows share the ref `ticket:<id>:waiting`, so taking the question cancels them all.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from domain.advice import Author, Ticket, TicketMessage, TicketStatus
from domain.outbox import Topic
from storage import outbox
from storage.db import Db, from_db, to_db

# Outbox kinds, rendered by handlers/volunteers/advice.py and handlers/volunteers/advice_staff.py.
ANSWER = "ticket_answer"  # to the volunteer: an answer, or the suggestion to book a Beratung
REPLY = "ticket_reply"  # to the staff member who took it: the volunteer wrote again
WAITING = "ticket_waiting"  # to the carrier's staff: nobody has taken it in time

_COLUMNS = (
    "SELECT id, user_id, carrier_id, household, question, status, taken_by, submitted_at"
    " FROM tickets"
)


def _ticket(row: aiosqlite.Row) -> Ticket:
    return Ticket(
        id=row["id"],
        user_id=row["user_id"],
        carrier_id=row["carrier_id"],
        household=row["household"],
        question=row["question"],
        status=TicketStatus(row["status"]),
        taken_by=row["taken_by"],
        submitted_at=from_db(row["submitted_at"]),
    )


async def _tickets(db: Db, condition: str, params: tuple[object, ...]) -> list[Ticket]:
    """`condition` is a constant of this module; values go in `params` only."""
    rows = await db.conn.execute_fetchall(_COLUMNS + " WHERE " + condition, params)
    return [_ticket(row) for row in rows]


async def get_ticket(db: Db, ticket_id: int) -> Ticket | None:
    found = await _tickets(db, "id = ?", (ticket_id,))
    return found[0] if found else None


async def find_draft(db: Db, user_id: int) -> Ticket | None:
    found = await _tickets(db, "user_id = ? AND status = 'draft'", (user_id,))
    return found[0] if found else None


async def start_draft(db: Db, user_id: int, now: datetime) -> Ticket:
    """The volunteer's draft question; the one they left unfinished if there is one."""
    await db.conn.execute(
        "INSERT INTO tickets (user_id, status, created_at, updated_at)"
        " VALUES (?, 'draft', ?, ?) ON CONFLICT DO NOTHING",
        (user_id, to_db(now), to_db(now)),
    )
    draft = await find_draft(db, user_id)
    assert draft is not None
    return draft


async def save_ticket(db: Db, ticket: Ticket, now: datetime) -> None:
    await db.conn.execute(
        "UPDATE tickets SET carrier_id = ?, household = ?, question = ?, status = ?,"
        " taken_by = ?, submitted_at = ?, updated_at = ? WHERE id = ?",
        (
            ticket.carrier_id,
            ticket.household,
            ticket.question,
            ticket.status.value,
            ticket.taken_by,
            to_db(ticket.submitted_at) if ticket.submitted_at else None,
            to_db(now),
            ticket.id,
        ),
    )


async def delete_draft(db: Db, ticket_id: int) -> None:
    await db.conn.execute("DELETE FROM tickets WHERE id = ? AND status = 'draft'", (ticket_id,))


async def list_for_staff(
    db: Db, carrier_id: int, staff_user_id: int, offset: int, limit: int
) -> list[Ticket]:
    """Questions to the carrier or to everyone that wait for a taker, and those the staff
    member took and has not answered yet; the longest waiting first."""
    return await _tickets(
        db,
        "(carrier_id = ? OR carrier_id IS NULL) AND (status = 'open'"
        " OR (status IN ('taken', 'answered') AND taken_by IS NULL)"
        " OR (status = 'taken' AND taken_by = ?))"
        " ORDER BY submitted_at, id LIMIT ? OFFSET ?",
        (carrier_id, staff_user_id, limit, offset),
    )


async def list_for_volunteer(db: Db, user_id: int, offset: int, limit: int) -> list[Ticket]:
    """The questions the volunteer has sent, the newest first."""
    return await _tickets(
        db,
        "user_id = ? AND status != 'draft' ORDER BY submitted_at DESC, id DESC LIMIT ? OFFSET ?",
        (user_id, limit, offset),
    )


async def add_message(
    db: Db, ticket_id: int, author: Author, body: str, now: datetime, *, booking: bool = False
) -> int:
    async with db.conn.execute(
        "INSERT INTO ticket_messages (ticket_id, author, body, booking, sent_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (ticket_id, author.value, body, int(booking), to_db(now)),
    ) as cur:
        message_id = cur.lastrowid
    assert message_id is not None
    return message_id


async def list_messages(db: Db, ticket_id: int) -> list[TicketMessage]:
    rows = await db.conn.execute_fetchall(
        "SELECT id, author, body, booking, sent_at FROM ticket_messages WHERE ticket_id = ?"
        " ORDER BY id",
        (ticket_id,),
    )
    return [
        TicketMessage(row[0], Author(row[1]), row[2], bool(row[3]), datetime.fromisoformat(row[4]))
        for row in rows
    ]


# Messages.


def _waiting_ref(ticket_id: int) -> str:
    return f"ticket:{ticket_id}:waiting"


async def alert_when_waiting(db: Db, ticket: Ticket, after: timedelta, now: datetime) -> None:
    """If nobody takes the question within `after`, every staff member who may answer it is
    told. Called when it is asked, and again when it is open once more after a reply."""
    rows = await db.conn.execute_fetchall(
        "SELECT user_id FROM staff_members WHERE ? IS NULL OR carrier_id = ?",
        (ticket.carrier_id, ticket.carrier_id),
    )
    for (staff_user_id,) in rows:
        await outbox.enqueue_message(
            db,
            user_id=staff_user_id,
            kind=WAITING,
            topic=Topic.ANNOUNCEMENTS,
            params={"ticket": ticket.id, "since": to_db(now)},
            due_at=now + after,
            dedupe_key=f"{_waiting_ref(ticket.id)}:{to_db(now)}:{staff_user_id}",
            ref=_waiting_ref(ticket.id),
            now=now,
        )


async def stop_waiting_alerts(db: Db, ticket_id: int, now: datetime) -> None:
    await outbox.cancel_by_ref(db, _waiting_ref(ticket_id), now)


async def send_message(
    db: Db,
    *,
    ticket_id: int,
    message_id: int,
    to: int,
    kind: str,
    params: dict[str, object],
    now: datetime,
) -> None:
    """One message of the conversation, to the volunteer or to the staff member who took it.

    Answers are personal: they go out at night too and count as something the volunteer
    asked for (the appointments topic), not as news they may have turned off."""
    await outbox.enqueue_message(
        db,
        user_id=to,
        kind=kind,
        topic=Topic.APPOINTMENTS,
        params={"ticket": ticket_id, **params},
        due_at=now,
        dedupe_key=f"ticket:{ticket_id}:message:{message_id}",
        ref=f"ticket:{ticket_id}",
        now=now,
    )
