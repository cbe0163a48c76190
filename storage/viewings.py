"""Viewings of flats and the appointments staff are asked to type."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from domain.viewings import (
    Appointment,
    Purpose,
    StaffQuestion,
    Viewing,
    ViewingAnswer,
    ViewingOutcome,
    ViewingStatus,
)
from storage.db import Db, from_db, to_db

_COLUMNS = """
    SELECT id, user_id, carrier_id, scheduled_by, listing_id, address, meeting_point,
           starts_at, sequence, status, answer, outcome, created_at
    FROM viewings
"""


def _viewing(row: aiosqlite.Row) -> Viewing:
    starts, created = from_db(row["starts_at"]), from_db(row["created_at"])
    assert starts is not None and created is not None  # NOT NULL columns
    return Viewing(
        id=row["id"],
        user_id=row["user_id"],
        carrier_id=row["carrier_id"],
        scheduled_by=row["scheduled_by"],
        listing_id=row["listing_id"],
        address=row["address"],
        meeting_point=row["meeting_point"],
        starts_at=starts,
        sequence=row["sequence"],
        status=ViewingStatus(row["status"]),
        answer=ViewingAnswer(row["answer"]) if row["answer"] else None,
        outcome=ViewingOutcome(row["outcome"]) if row["outcome"] else None,
        created_at=created,
    )


async def get_viewing(db: Db, viewing_id: int) -> Viewing | None:
    rows = await db.conn.execute_fetchall(_COLUMNS + " WHERE id = ?", (viewing_id,))
    return _viewing(next(iter(rows))) if rows else None


async def add_viewing(
    db: Db,
    *,
    user_id: int,
    carrier_id: int,
    scheduled_by: int,
    appointment: Appointment,
    now: datetime,
    listing_id: int | None = None,
) -> tuple[Viewing, bool]:
    """The viewing and whether it is new: the same household at the same time is one viewing."""
    async with db.conn.execute(
        "INSERT OR IGNORE INTO viewings (user_id, carrier_id, scheduled_by, listing_id,"
        " address, meeting_point, starts_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            user_id,
            carrier_id,
            scheduled_by,
            listing_id,
            appointment.place,
            appointment.meeting_point,
            to_db(appointment.starts_at),
            to_db(now),
        ),
    ) as cur:
        added = cur.rowcount > 0
    rows = await db.conn.execute_fetchall(
        _COLUMNS + " WHERE user_id = ? AND starts_at = ? AND status = 'scheduled'",
        (user_id, to_db(appointment.starts_at)),
    )
    return _viewing(next(iter(rows))), added


async def reschedule_viewing(db: Db, viewing_id: int, appointment: Appointment) -> None:
    """A new time or place: a new SEQUENCE, and the household answers again."""
    await db.conn.execute(
        "UPDATE viewings SET address = ?, meeting_point = ?, starts_at = ?,"
        " sequence = sequence + 1, answer = NULL WHERE id = ?",
        (appointment.place, appointment.meeting_point, to_db(appointment.starts_at), viewing_id),
    )


async def cancel_viewing(db: Db, viewing_id: int) -> None:
    await db.conn.execute(
        "UPDATE viewings SET status = ?, sequence = sequence + 1 WHERE id = ?",
        (ViewingStatus.CANCELLED.value, viewing_id),
    )


async def save_answer(db: Db, viewing_id: int, answer: ViewingAnswer) -> None:
    await db.conn.execute(
        "UPDATE viewings SET answer = ? WHERE id = ?", (answer.value, viewing_id)
    )


async def save_outcome(db: Db, viewing_id: int, outcome: ViewingOutcome) -> None:
    await db.conn.execute(
        "UPDATE viewings SET outcome = ? WHERE id = ?", (outcome.value, viewing_id)
    )


async def list_viewings(
    db: Db, user_id: int, since: datetime, carrier_id: int | None = None
) -> list[Viewing]:
    """The household's scheduled viewings from `since` on (with one carrier), soonest first."""
    rows = await db.conn.execute_fetchall(
        _COLUMNS + " WHERE user_id = ? AND (? IS NULL OR carrier_id = ?) AND starts_at >= ?"
        " AND status = 'scheduled' ORDER BY starts_at",
        (user_id, carrier_id, carrier_id, to_db(since)),
    )
    return [_viewing(row) for row in rows]


async def upcoming_viewings_of_listing(db: Db, listing_id: int, since: datetime) -> list[Viewing]:
    """The scheduled viewings of a listed flat from `since` on, of every household."""
    rows = await db.conn.execute_fetchall(
        _COLUMNS + " WHERE listing_id = ? AND starts_at > ? AND status = 'scheduled'"
        " ORDER BY starts_at",
        (listing_id, to_db(since)),
    )
    return [_viewing(row) for row in rows]


async def viewings_of_carrier(db: Db, carrier_id: int, since: datetime) -> list[Viewing]:
    """Every scheduled viewing of the carrier from `since` on, for the figures."""
    rows = await db.conn.execute_fetchall(
        _COLUMNS + " WHERE carrier_id = ? AND starts_at >= ? AND status = 'scheduled'",
        (carrier_id, to_db(since)),
    )
    return [_viewing(row) for row in rows]


# The typed question ---------------------------------------------------------------------


async def ask_staff(
    db: Db,
    user_id: int,
    purpose: Purpose,
    case_user_id: int,
    now: datetime,
    *,
    viewing_id: int | None = None,
    kind: str | None = None,
    listing_id: int | None = None,
) -> None:
    """Opens the staff member's question; it replaces any earlier one."""
    await db.conn.execute(
        "INSERT OR REPLACE INTO staff_questions (user_id, purpose, case_user_id, viewing_id,"
        " kind, listing_id, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (user_id, purpose.value, case_user_id, viewing_id, kind, listing_id, to_db(now)),
    )


async def staff_question(db: Db, user_id: int) -> StaffQuestion | None:
    rows = await db.conn.execute_fetchall(
        "SELECT user_id, purpose, case_user_id, viewing_id, kind, listing_id, asked_at"
        " FROM staff_questions WHERE user_id = ?",
        (user_id,),
    )
    if not rows:
        return None
    row = next(iter(rows))
    asked = from_db(row["asked_at"])
    assert asked is not None
    return StaffQuestion(
        user_id=row["user_id"],
        purpose=Purpose(row["purpose"]),
        case_user_id=row["case_user_id"],
        viewing_id=row["viewing_id"],
        kind=row["kind"],
        asked_at=asked,
        listing_id=row["listing_id"],
    )


async def close_staff_question(db: Db, user_id: int) -> None:
    await db.conn.execute("DELETE FROM staff_questions WHERE user_id = ?", (user_id,))
