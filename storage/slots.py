"""Consultation slots and the staff's drafts of them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, time

import aiosqlite

from domain.accounts import Audience, Role
from domain.appointments import Slot, SlotKind, SlotOverview
from domain.slot_line import SlotDraft, SlotLine
from storage.db import Db, from_db, to_db

_SLOTS = """
    SELECT s.id, s.carrier_id, s.kind, s.audience, s.starts_at, s.ends_at, s.capacity,
           s.address, s.languages, s.sequence, s.created_by, s.cancelled_at
    FROM slots s
"""


def _required(value: str) -> datetime:
    moment = from_db(value)
    assert moment is not None  # NOT NULL column
    return moment


def slot_from_row(row: aiosqlite.Row) -> Slot:
    return Slot(
        id=row["id"],
        carrier_id=row["carrier_id"],
        kind=SlotKind(row["kind"]),
        audience=Audience(row["audience"]),
        starts_at=_required(row["starts_at"]),
        ends_at=_required(row["ends_at"]),
        capacity=row["capacity"],
        address=row["address"],
        languages=tuple(row["languages"].split()),
        sequence=row["sequence"],
        created_by=row["created_by"],
        cancelled_at=from_db(row["cancelled_at"]),
    )


async def _overviews(db: Db, rows: Iterable[aiosqlite.Row], now: datetime) -> list[SlotOverview]:
    """The slots of `rows` with their places taken and people waiting, in one more query."""
    found = [slot_from_row(row) for row in rows]
    counts = await db.conn.execute_fetchall(
        "SELECT slot_id,"
        " sum(status = 'booked' OR (status = 'offered' AND offered_until > ?)),"
        " sum(status = 'waiting')"
        " FROM bookings WHERE slot_id IN (SELECT value FROM json_each(?)) GROUP BY slot_id",
        (to_db(now), json.dumps([slot.id for slot in found])),
    )
    numbers = {row[0]: (row[1], row[2]) for row in counts}
    return [SlotOverview(slot, *numbers.get(slot.id, (0, 0))) for slot in found]


def _changeable(slot: Slot) -> tuple[object, ...]:
    """What staff may change, in the column order audience, starts_at, ends_at, capacity,
    address, languages."""
    return (
        slot.audience.value,
        to_db(slot.starts_at),
        to_db(slot.ends_at),
        slot.capacity,
        slot.address,
        " ".join(slot.languages),
    )


async def add_slots(db: Db, slots: Iterable[Slot], now: datetime) -> int:
    """Adds the slots (their ids are ignored); one that exists already is skipped. Returns
    how many were added."""
    added = 0
    for slot in slots:
        async with db.conn.execute(
            "INSERT INTO slots (audience, starts_at, ends_at, capacity, address, languages,"
            " carrier_id, kind, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (*_changeable(slot), slot.carrier_id, slot.kind.value, slot.created_by, to_db(now)),
        ) as cur:
            added += cur.rowcount
    return added


async def get_slot(db: Db, slot_id: int) -> Slot | None:
    rows = await db.conn.execute_fetchall(_SLOTS + " WHERE s.id = ?", (slot_id,))
    row = next(iter(rows), None)
    return slot_from_row(row) if row else None


async def save_slot(db: Db, slot: Slot) -> None:
    """Stores a changed or cancelled slot."""
    await db.conn.execute(
        "UPDATE slots SET audience = ?, starts_at = ?, ends_at = ?, capacity = ?, address = ?,"
        " languages = ?, sequence = ?, cancelled_at = ? WHERE id = ?",
        (
            *_changeable(slot),
            slot.sequence,
            to_db(slot.cancelled_at) if slot.cancelled_at else None,
            slot.id,
        ),
    )


async def list_bookable(
    db: Db,
    *,
    kind: SlotKind,
    role: Role,
    now: datetime,
    until: datetime,
    carrier_id: int | None = None,
) -> list[SlotOverview]:
    """Slots open to `role` that start between now and `until`, full ones included (their
    waitlist is open), earliest first."""
    rows = await db.conn.execute_fetchall(
        _SLOTS + " WHERE s.cancelled_at IS NULL AND s.kind = ? AND s.starts_at > ?"
        " AND s.starts_at <= ? AND s.audience IN (?, 'both')"
        " AND (? IS NULL OR s.carrier_id = ?) ORDER BY s.starts_at, s.id",
        (
            kind.value,
            to_db(now),
            to_db(until),
            Audience.only(role).value,
            carrier_id,
            carrier_id,
        ),
    )
    return await _overviews(db, rows, now)


async def list_carrier_slots(
    db: Db, carrier_id: int, now: datetime, since: datetime, offset: int, limit: int
) -> list[SlotOverview]:
    """A carrier's slots that start from `since` on, cancelled ones included, earliest first."""
    rows = await db.conn.execute_fetchall(
        _SLOTS + " WHERE s.carrier_id = ? AND s.starts_at >= ?"
        " ORDER BY s.starts_at, s.id LIMIT ? OFFSET ?",
        (carrier_id, to_db(since), limit, offset),
    )
    return await _overviews(db, rows, now)


# Drafts ------------------------------------------------------------------------------------


def _draft(row: aiosqlite.Row) -> SlotDraft:
    line = None
    if row["day"] is not None:
        line = SlotLine(
            date.fromisoformat(row["day"]),
            time.fromisoformat(row["start_time"]),
            time.fromisoformat(row["end_time"]),
            row["number"],
            row["address"],
        )
    return SlotDraft(
        user_id=row["user_id"],
        carrier_id=row["carrier_id"],
        kind=SlotKind(row["kind"]),
        slot_id=row["slot_id"],
        line=line,
        audience=Audience(row["audience"]),
        weeks=row["weeks"],
        languages=tuple(row["languages"].split()),
        asking_since=from_db(row["asking_since"]),
    )


async def get_draft(db: Db, user_id: int) -> SlotDraft | None:
    rows = await db.conn.execute_fetchall(
        "SELECT user_id, carrier_id, kind, slot_id, day, start_time, end_time, number, address,"
        " audience, weeks, languages, asking_since FROM slot_drafts WHERE user_id = ?",
        (user_id,),
    )
    row = next(iter(rows), None)
    return _draft(row) if row else None


async def drafting_since(db: Db, user_id: int) -> datetime | None:
    """Since when the bot waits for this staff member's typed line, if it does."""
    rows = await db.conn.execute_fetchall(
        "SELECT asking_since FROM slot_drafts WHERE user_id = ?", (user_id,)
    )
    row = next(iter(rows), None)
    return from_db(row[0]) if row else None


async def save_draft(db: Db, draft: SlotDraft) -> None:
    """Creates or replaces the staff member's one draft."""
    line = draft.line
    await db.conn.execute(
        "INSERT OR REPLACE INTO slot_drafts (user_id, carrier_id, kind, slot_id, day,"
        " start_time, end_time, number, address, audience, weeks, languages, asking_since)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            draft.user_id,
            draft.carrier_id,
            draft.kind.value,
            draft.slot_id,
            line.day.isoformat() if line else None,
            line.start.isoformat("minutes") if line else None,
            line.end.isoformat("minutes") if line else None,
            line.number if line else None,
            line.address if line else None,
            draft.audience.value,
            draft.weeks,
            " ".join(draft.languages),
            to_db(draft.asking_since) if draft.asking_since else None,
        ),
    )


async def delete_draft(db: Db, user_id: int) -> None:
    await db.conn.execute("DELETE FROM slot_drafts WHERE user_id = ?", (user_id,))
