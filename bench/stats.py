"""How long a caseworker waits for /stats: the figures of one carrier, and the PNG charts.

7,600 households (the shelters' population of 2019) spread over the three carriers, each with
a history of status changes and a viewing or two. Baseline, measured in the same run on the
same database: one plain GROUP BY over the carrier's cases. Run: python bench/stats.py [n]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.charts import bar_chart
from bot.i18n import Catalogs
from domain.case_status import PATH
from handlers.cases.stats import STAT_SOURCES
from storage.db import Db, open_db, to_db

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
ROUNDS = 5
CARRIERS = 3


async def seed(db: Db, households: int) -> None:
    async with db.transaction():
        for n in range(households):
            carrier = n % CARRIERS + 1
            opened = NOW - timedelta(days=n % 400)
            await db.conn.execute(
                "INSERT INTO users (id, telegram_id, role, locale, consent_at, created_at,"
                " last_seen_at, case_number) VALUES (?, ?, 'seeker', 'uk', ?, ?, ?, ?)",
                (n + 1, 10_000 + n, to_db(opened), to_db(opened), to_db(NOW), f"C{n:05d}"),
            )
            await db.conn.execute(
                "INSERT INTO carrier_consents (user_id, carrier_id, granted_at) VALUES (?, ?, ?)",
                (n + 1, carrier, to_db(opened)),
            )
            reached = PATH[: n % len(PATH) + 1]
            await db.conn.execute(
                "INSERT INTO cases (user_id, carrier_id, status, opened_at, status_since)"
                " VALUES (?, ?, ?, ?, ?)",
                (n + 1, carrier, reached[-1].value, to_db(opened), to_db(opened)),
            )
            await db.conn.executemany(
                "INSERT INTO case_events (user_id, carrier_id, at, from_status, to_status)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (n + 1, carrier, to_db(opened + timedelta(days=7 * i)), before, after)
                    for i, (before, after) in enumerate(
                        zip([None, *reached[:-1]], reached, strict=True)
                    )
                ],
            )
            await db.conn.execute(
                "INSERT INTO viewings (user_id, carrier_id, address, starts_at, created_at,"
                " outcome) VALUES (?, ?, 'Venloer Str. 12', ?, ?, ?)",
                (
                    n + 1,
                    carrier,
                    to_db(NOW - timedelta(hours=n % (12 * 7 * 24))),
                    to_db(opened),
                    "no_show" if n % 7 == 0 else None,
                ),
            )


async def baseline(db: Db, tr: Any) -> int:
    rows = await db.conn.execute_fetchall(
        "SELECT status, count(*) FROM cases WHERE carrier_id = 1 GROUP BY status"
    )
    return len(rows)


async def figures(db: Db, tr: Any) -> list[Any]:
    return [await source(db, tr, 1, NOW) for source in STAT_SOURCES]


async def best_of(run: Callable[[Db, Any], Awaitable[Any]], db: Db, tr: Any) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(ROUNDS):
        start = time.perf_counter()
        result = await run(db, tr)
        times.append(time.perf_counter() - start)
    return min(times), result


async def main(households: int) -> None:
    tr = Catalogs("de", ZoneInfo("Europe/Berlin")).get("de")
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_db(Path(tmp) / "bench.sqlite3")
        try:
            await seed(db, households)
            base, _ = await best_of(baseline, db, tr)
            ours, charts = await best_of(figures, db, tr)
        finally:
            await db.close()
    bar_chart(charts[0])  # the first drawing loads fonts; staff wait for that once per process
    start = time.perf_counter()
    sizes = [len(bar_chart(chart)) for chart in charts]
    drawing = time.perf_counter() - start
    print(f"{households} households over {CARRIERS} carriers; figures of one carrier")
    print(f"baseline (one GROUP BY):       {base * 1000:8.1f} ms")
    print(f"figures ({len(charts)} series):          {ours * 1000:8.1f} ms")
    print(f"ratio: {ours / base:.1f}x")
    size = sum(sizes) // 1024
    print(f"drawing {len(charts)} PNG charts:         {drawing * 1000:8.1f} ms ({size} KiB)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7600))
