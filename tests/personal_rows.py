"""Rows of a person's data written straight into the tables, for the privacy tests: /mydata
must show them and the retention rules must expire them, whatever flow wrote them."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.db import to_db
from tests.conftest import Harness

HOUR = timedelta(hours=1)


async def insert(harness: Harness, sql: str, *params: object) -> int:
    async with harness.db.transaction() as db, db.conn.execute(sql, params) as cur:
        return int(cur.lastrowid or 0)


async def add_booking(harness: Harness, user_id: int, starts: datetime, status: str) -> int:
    at, end = to_db(starts), to_db(starts + HOUR)
    slot = await insert(
        harness,
        "INSERT INTO slots (carrier_id, kind, audience, starts_at, ends_at, capacity, address,"
        " created_at) VALUES (1, 'sprechstunde', 'both', ?, ?, 5, 'Domplatz 1', ?)",
        at, end, at,
    )  # fmt: skip
    return await insert(
        harness,
        "INSERT INTO bookings (slot_id, user_id, status, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        slot, user_id, status, at, at,
    )  # fmt: skip


async def add_viewing(harness: Harness, user_id: int, starts: datetime) -> int:
    return await insert(
        harness,
        "INSERT INTO viewings (user_id, carrier_id, address, starts_at, created_at)"
        " VALUES (?, 2, 'Venloer Str. 7', ?, ?)",
        user_id, to_db(starts), to_db(starts),
    )  # fmt: skip


async def add_workshop_seat(
    harness: Harness, user_id: int, starts: datetime, seat: str, first_name: str
) -> None:
    at = to_db(starts)
    workshop = await insert(
        harness,
        "INSERT INTO workshops (carrier_id, title, description, topic, starts_at, ends_at,"
        " place, capacity, audience, language, created_at, updated_at) VALUES (3,"
        " 'Mietvertrag lesen', '', 'lease', ?, ?, 'Online', 9, 'both', 'de', ?, ?)",
        at, to_db(starts + HOUR), at, at,
    )  # fmt: skip
    await insert(
        harness,
        "INSERT INTO workshop_seats VALUES (?, ?, ?, ?, ?)",
        workshop, user_id, seat, first_name, at,
    )  # fmt: skip


async def add_question(harness: Harness, user_id: int, status: str) -> int:
    """A volunteer's question about 'Familie K' with one answer of a caseworker."""
    at = to_db(harness.clock())
    ticket = await insert(
        harness,
        "INSERT INTO tickets (user_id, household, question, status, created_at, updated_at)"
        " VALUES (?, 'Familie K', 'Wie viel Kaution?', ?, ?, ?)",
        user_id, status, at, at,
    )  # fmt: skip
    await insert(
        harness,
        "INSERT INTO ticket_messages (ticket_id, author, body, sent_at)"
        " VALUES (?, 'staff', 'Drei Kaltmieten.', ?)",
        ticket, at,
    )  # fmt: skip
    return ticket
