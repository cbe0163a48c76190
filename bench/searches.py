"""How long a carrier's staff wait for the searches they may see (issues 7/8/10 build on it).

Baseline, measured in the same run on the same database: fetching the same rows as plain
tuples, without their places and documents. Run: python bench/searches.py [households]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from domain.places import Area
from domain.searches import Document, SearchStatus, Step, Wbs
from storage import consents
from storage.db import Db, open_db
from storage.searches import create_search, list_searches_for_carrier, save_search

NOW = datetime(2026, 11, 25, tzinfo=UTC)
ROUNDS = 5


async def seed(db: Db, households: int) -> None:
    async with db.transaction():
        for n in range(households):
            await db.conn.execute(
                "INSERT INTO users (telegram_id, role, locale, consent_at, created_at,"
                " last_seen_at) VALUES (?, 'seeker', 'uk', ?, ?, ?)",
                (10_000 + n, NOW.isoformat(), NOW.isoformat(), NOW.isoformat()),
            )
            search = await create_search(db, n + 1, NOW)
            await save_search(
                db,
                replace(
                    search,
                    status=SearchStatus.ACTIVE,
                    adults=2,
                    children=n % 4,
                    area=Area(False, frozenset({"Kalk", "Porz"}), frozenset({"Zündorf"})),
                    max_rent=Decimal(900),
                    wbs=Wbs.HAS,
                    move_in=date(2027, 1, 1),
                    step_free=False,
                    carrier="caritas",
                    documents=dict.fromkeys(Document, True),
                    step=Step.SUMMARY,
                ),
                NOW,
            )
            if n % 2 == 0:
                await consents.grant_consent(db, n + 1, 1, NOW)


async def baseline(db: Db) -> int:
    async with db.conn.execute(
        "SELECT s.* FROM searches s JOIN carrier_consents c ON c.user_id = s.user_id"
        " WHERE c.carrier_id = 1 AND s.status IN ('active', 'paused')"
    ) as cur:
        return len(await cur.fetchall())


async def measured(db: Db) -> int:
    return len(await list_searches_for_carrier(db, 1))


async def best_of(run, db: Db) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        count = await run(db)
        times.append(time.perf_counter() - start)
    return min(times), count


async def main(households: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_db(Path(tmp) / "bench.sqlite3")
        try:
            await seed(db, households)
            base, base_count = await best_of(baseline, db)
            ours, our_count = await best_of(measured, db)
        finally:
            await db.close()
    assert base_count == our_count
    print(f"{households} households, {our_count} visible to the carrier")
    print(f"baseline (plain rows):         {base * 1000:8.1f} ms")
    print(f"list_searches_for_carrier:     {ours * 1000:8.1f} ms")
    print(f"ratio: {ours / base:.1f}x")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
