"""A rush on a Sprechstunde: many people tap "Book" for the same slot at the same moment.

Each try is one write transaction that settles the slot, checks capacity again inside it and
books or refuses (storage/bookings.book, with its reminders queued in the outbox). Baseline,
in the same run on the same database: as many bare one-row INSERT transactions. Then the
waitlist sweep over many slots whose offers have lapsed. Run: python bench/bookings.py [people]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.accounts import Audience, Role
from domain.appointments import Booking, Slot, SlotKind
from storage import bookings, slots
from storage.db import Db, open_db, to_db

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
START = NOW + timedelta(days=8)
CAPACITY = 40
SWEPT_SLOTS = 500
POLICY = bookings.Policy(
    offer_time=timedelta(hours=6),
    tz=ZoneInfo("Europe/Berlin"),
    alternatives=3,
    horizon=timedelta(weeks=8),
)


async def add_people(db: Db, count: int) -> None:
    async with db.transaction():
        await db.conn.executemany(
            "INSERT INTO users (telegram_id, role, locale, consent_at, created_at, last_seen_at)"
            " VALUES (?, 'seeker', 'uk', ?, ?, ?)",
            [(10_000 + n, to_db(NOW), to_db(NOW), to_db(NOW)) for n in range(count)],
        )


async def add_slot(db: Db, starts_at: datetime, capacity: int) -> int:
    async with db.transaction():
        await slots.add_slots(
            db,
            [
                Slot(0, 1, SlotKind.SPRECHSTUNDE, Audience.BOTH, starts_at,
                     starts_at + timedelta(hours=2), capacity, "Kalker Hauptstr. 247")
            ],
            NOW,
        )  # fmt: skip
    [row] = await db.conn.execute_fetchall("SELECT max(id) FROM slots")
    return int(row[0])


async def rush(db: Db, slot_id: int, people: int) -> float:
    async def one(user_id: int) -> Booking | bookings.Refusal:
        async with db.transaction():
            return await bookings.book(db, slot_id, user_id, Role.SEEKER, NOW, POLICY, wait=False)

    start = time.perf_counter()
    results = await asyncio.gather(*(one(user_id) for user_id in range(1, people + 1)))
    elapsed = time.perf_counter() - start
    assert sum(isinstance(r, Booking) for r in results) == CAPACITY, "overbooked or lost"
    return elapsed


async def bare_inserts(db: Db, slot_id: int, people: int) -> float:
    async def one(user_id: int) -> None:
        async with db.transaction():
            await db.conn.execute(
                "INSERT INTO bookings (slot_id, user_id, status, created_at, updated_at)"
                " VALUES (?, ?, 'cancelled', ?, ?)",
                (slot_id, user_id, to_db(NOW), to_db(NOW)),
            )

    start = time.perf_counter()
    await asyncio.gather(*(one(user_id) for user_id in range(1, people + 1)))
    return time.perf_counter() - start


async def sweep(db: Db, people: int) -> tuple[float, int]:
    """SWEPT_SLOTS full slots of one place, each with a lapsed offer and one waiting."""
    for n in range(SWEPT_SLOTS):
        slot_id = await add_slot(db, START + timedelta(hours=n), 1)
        async with db.transaction():
            await db.conn.executemany(
                "INSERT INTO bookings (slot_id, user_id, status, created_at, updated_at,"
                " offered_until) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (slot_id, 1 + n % people, "offered", to_db(NOW), to_db(NOW), to_db(NOW)),
                    (slot_id, 1 + (n + 1) % people, "waiting", to_db(NOW), to_db(NOW), None),
                ],
            )
    start = time.perf_counter()
    changed = 0
    for slot_id in await bookings.slots_to_settle(
        db, NOW
    ):  # as handlers.appointments.bookings.sweep
        async with db.transaction():
            changed += await bookings.settle_slot_by_id(db, slot_id, NOW, POLICY)
    return time.perf_counter() - start, changed


async def idle_sweep(db: Db) -> float:
    """The usual minute: nothing is due, so one read."""
    start = time.perf_counter()
    assert await bookings.slots_to_settle(db, NOW) == []
    return time.perf_counter() - start


async def main(people: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_db(Path(tmp) / "bench.sqlite3")
        try:
            await add_people(db, people)
            base = await bare_inserts(db, await add_slot(db, START, CAPACITY), people)
            ours = await rush(db, await add_slot(db, START + timedelta(days=1), CAPACITY), people)
            swept, changed = await sweep(db, people)
            idle = await idle_sweep(db)
        finally:
            await db.close()
    print(f"{people} people tap 'Book' at once for {CAPACITY} places: {CAPACITY} booked")
    print(f"baseline ({people} bare INSERT transactions): {base * 1000:8.1f} ms")
    print(f"bookings.book, settled and checked:        {ours * 1000:8.1f} ms")
    print(f"per try: {ours / people * 1000:.2f} ms; ratio: {ours / base:.1f}x")
    lapsed = f"sweep, {SWEPT_SLOTS} slots with a lapsed offer"
    print(f"{lapsed}: {swept * 1000:.1f} ms ({changed} bookings changed)")
    print(f"sweep, nothing due: {idle * 1000:.1f} ms (one read, no write)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
