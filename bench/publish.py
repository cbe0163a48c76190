"""How long staff's preview and publish of a flat hold the event loop, at city scale.

    python bench/publish.py [--sizes 7600 30000] [--latency 0.08]

Each size runs in a child process (so its peak RSS is its own): the real Application on a
real temp SQLite file with that many households, each with an active search spread like
bench/match.py's, and a recording Bot API that answers after `latency` (Telegram's ~80 ms).
A heartbeat task wakes every millisecond and records the longest gap between two wakeups:
the longest time one step held the loop, in wall time and in CPU time of the loop's thread
(which other processes on a busy machine cannot stretch). Last, the smallest size again with
every search fitting the flat, so the publish queues one message per household. While the
preview and the publish run, a seeker sends /start every 20 ms; the median and slowest
answers are compared with those of 20 probes when the bot is idle (the baseline of the same
run). Targets (issue 19): the loop held ≤ 50 ms at 7,600 and ≤ 150 ms at 30,000 searches,
/start within 1.5 x idle, peak RSS ≤ 200 MiB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402

from bench.match import synthetic_searches  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.context import BotApp  # noqa: E402
from domain.places import Area  # noqa: E402
from domain.searches import SearchStatus, Wbs  # noqa: E402
from storage import accounts  # noqa: E402
from storage.db import Db, to_db  # noqa: E402
from storage.places import load_city  # noqa: E402
from storage.searches import to_cents  # noqa: E402
from tests.conftest import ADMIN_ID, make_settings  # noqa: E402
from tests.fakes import FakeClock, RecordingRequest, callback_update, message_update  # noqa: E402

STAFF = 501  # a Caritas caseworker
PROBES = 60  # seekers who send /start
PROBE_EVERY = 0.02
IDLE_PROBES = 20
FIRST_SEEKER = 1_000_000
# bench/match.py's flat: step-free, no WBS, in Kalk, so many searches get far in the rules.
FORM = """Stadtteil: Kalk
Adresse: Kalker Hauptstr. 12
Zimmer: 3
Wohnfläche: 72
Kaltmiete: 820
Heizkosten: 90
Kaution: 1.640
Frei ab: 1.1.2027
WBS: nein
Stufenlos: ja
Vermieter: Hausverwaltung Rhein, 0221 555123
Notiz: Balkon"""
TARGET_MS = {7600: 50.0, 30000: 150.0}
# What a household of three needs so that the FORM's flat fits it.
FITS = {
    "max_rent": Decimal(900),
    "wbs": Wbs.APPLIED,
    "move_in": date(2027, 1, 1),
    "step_free": False,
}


@dataclass
class SlowRequest(RecordingRequest):
    """The recording Bot API, answering after `latency` seconds like Telegram does."""

    latency: float = 0.08

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        await asyncio.sleep(self.latency)
        answer = await super().do_request(*args, **kwargs)
        self.calls.clear()  # nothing reads them; 30,000 households would only pile them up
        return answer


@dataclass
class Heartbeat:
    """Wakes every millisecond and records the longest gap between two wakeups (minus the
    1 ms): in wall time, and in CPU time of the loop's thread, which other processes on a
    busy machine cannot stretch."""

    longest: float = 0.0
    longest_cpu: float = 0.0
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    async def _beat(self) -> None:
        last, last_cpu = time.perf_counter(), time.thread_time()
        while True:
            await asyncio.sleep(0.001)
            now, cpu = time.perf_counter(), time.thread_time()
            self.longest = max(self.longest, now - last - 0.001)
            self.longest_cpu = max(self.longest_cpu, cpu - last_cpu)
            last, last_cpu = now, cpu

    def start(self) -> None:
        self.longest = self.longest_cpu = 0.0
        self._task = asyncio.create_task(self._beat())

    async def stop(self) -> tuple[float, float]:
        """(longest wall gap, longest CPU gap) in seconds."""
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        return self.longest, self.longest_cpu


async def seed(db: Db, households: int, now: str, fit_all: bool) -> None:
    """`households` seekers, each with an active search; a few statements, not 30,000.
    `fit_all`: every search fits the FORM's flat (the largest broadcast a flat can start)."""
    city = load_city()
    found = synthetic_searches(city, households)
    if fit_all:
        found = [replace(s, area=Area(True), adults=2, children=1, **FITS) for s in found]
    async with db.transaction():
        await db.conn.executemany(
            "INSERT INTO users (id, telegram_id, role, locale, consent_at, created_at,"
            " last_seen_at) VALUES (?, ?, 'seeker', 'uk', ?, ?, ?)",
            [(n + 1, FIRST_SEEKER + n, now, now, now) for n in range(households + PROBES)],
        )
        await db.conn.executemany(
            "INSERT INTO searches (user_id, status, adults, children, anywhere, max_rent_cents,"
            " wbs, move_in, step_free, carrier, step, created_at, updated_at, confirmed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'caritas', 'summary', ?, ?, ?)",
            [
                (
                    s.user_id + 1,
                    SearchStatus.ACTIVE.value,
                    s.adults,
                    s.children,
                    int(bool(s.area.anywhere)),
                    to_cents(s.max_rent or 0),
                    s.wbs.value if s.wbs else None,
                    s.move_in.isoformat() if s.move_in else None,
                    int(bool(s.step_free)),
                    now,
                    now,
                    now,
                )
                for s in found
            ],
        )
        await db.conn.executemany(
            "INSERT INTO search_places (search_id, kind, name)"
            " SELECT id, ?, ? FROM searches WHERE user_id = ?",
            [
                (kind, name, s.user_id + 1)
                for s in found
                for kind, names in (("district", s.area.districts), ("quarter", s.area.quarters))
                for name in names
            ],
        )
        await accounts.make_staff(db, STAFF, 1, "en", ADMIN_ID, FakeClock()())


async def start_bot(tmp: Path, latency: float) -> BotApp:
    clock = FakeClock()
    app = build_application(make_settings(tmp), request=SlowRequest(clock=clock, latency=latency))
    app.bot_data.clock = clock
    app.bot_data.sleep = clock.sleep
    await app.initialize()
    await app.post_init(app)
    await app.bot_data.sender.stop()  # the outbox sender is bench/broadcast.py's subject
    return app


async def press(app: BotApp, data: str, user_id: int = STAFF) -> None:
    await app.process_update(Update.de_json(callback_update(data, user_id=user_id), app.bot))


async def send(app: BotApp, text: str, user_id: int = STAFF) -> None:
    await app.process_update(Update.de_json(message_update(text, user_id=user_id), app.bot))


async def probe_starts(app: BotApp, running: asyncio.Future[Any] | None) -> list[float]:
    """Seekers send /start every 20 ms until `running` is done (idle: IDLE_PROBES of them);
    how long each waited for its answer, in s."""
    latencies: list[float] = []

    async def one(user_id: int) -> None:
        start = time.perf_counter()
        await send(app, "/start", user_id)
        latencies.append(time.perf_counter() - start)

    probes = []
    for n in range(PROBES):
        probes.append(asyncio.create_task(one(FIRST_SEEKER + n)))
        await asyncio.sleep(PROBE_EVERY)
        if (running is None and n + 1 == IDLE_PROBES) or (running and running.done()):
            break
    await asyncio.gather(*probes)
    return latencies


async def measured(app: BotApp, step: Callable[[], Awaitable[None]]) -> dict[str, float]:
    """The longest loop block (wall and CPU), wall time and slowest /start of `step`, in s."""
    beat = Heartbeat()
    beat.start()
    start = time.perf_counter()
    task = asyncio.ensure_future(step())
    starts = await probe_starts(app, task)
    await task
    wall = time.perf_counter() - start
    block, cpu = await beat.stop()
    return {
        "block": block,
        "cpu": cpu,
        "wall": wall,
        "start": max(starts),
        "start_median": statistics.median(starts),
    }


async def draft(app: BotApp) -> int:
    await send(app, "/listing")
    await send(app, FORM)
    rows = await app.bot_data.db.conn.execute_fetchall(
        "SELECT id FROM listings WHERE status = 'draft' ORDER BY id DESC LIMIT 1"
    )
    return int(next(iter(rows))[0])


async def one_size(households: int, latency: float, fit_all: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        app = await start_bot(Path(tmp), latency)
        try:
            await seed(app.bot_data.db, households, to_db(FakeClock()()), fit_all)
            for n in range(PROBES):  # registered once: /start shows them the main menu
                await send(app, "/start", FIRST_SEEKER + n)
            beat = Heartbeat()
            beat.start()
            idle = await probe_starts(app, None)
            idle_block, idle_cpu = await beat.stop()
            idle_median = statistics.median(idle)
            listing_id = await draft(app)
            preview = await measured(app, lambda: press(app, f"lw:{listing_id}:en"))
            publish = await measured(app, lambda: press(app, f"ld:{listing_id}:publish"))
            rows = await app.bot_data.db.conn.execute_fetchall("SELECT count(*) FROM outbox")
            queued = int(next(iter(rows))[0])
        finally:
            await app.shutdown()
            await app.post_shutdown(app)
    return {
        "households": households,
        "queued": queued,
        "idle_start": max(idle),
        "idle_start_median": idle_median,
        "idle_block": idle_block,
        "idle_cpu": idle_cpu,
        **{f"preview_{key}": value for key, value in preview.items()},
        **{f"publish_{key}": value for key, value in publish.items()},
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(r: dict[str, float]) -> None:
    n, target = int(r["households"]), TARGET_MS.get(int(r["households"]), 50.0)
    print(f"\n{n} households with active searches; the publish queued {int(r['queued'])}")
    print(
        f"  idle: /start answered in {r['idle_start_median'] * 1000:6.1f} ms median, "
        f"{r['idle_start'] * 1000:6.1f} ms slowest (the baseline)"
    )
    print(
        f"        longest loop block {r['idle_block'] * 1000:6.1f} ms wall, "
        f"{r['idle_cpu'] * 1000:6.1f} ms CPU"
    )
    for step in ("preview", "publish"):
        block, cpu = r[f"{step}_block"] * 1000, r[f"{step}_cpu"] * 1000
        print(
            f"  {step}: longest loop block {block:6.1f} ms wall = {block / target:4.2f} x "
            f"target {target:.0f} ms, {cpu:6.1f} ms CPU = {cpu / target:4.2f} x target"
        )
        median, slowest = r[f"{step}_start_median"], r[f"{step}_start"]
        print(
            f"           wall {r[f'{step}_wall'] * 1000:6.1f} ms; /start meanwhile "
            f"{median * 1000:6.1f} ms median = {median / r['idle_start_median']:4.2f} x idle, "
            f"{slowest * 1000:6.1f} ms slowest = {slowest / r['idle_start']:4.2f} x idle "
            "(target <= 1.5)"
        )
    print(f"  peak RSS {r['rss_mib']:6.1f} MiB = {r['rss_mib'] / 200:4.2f} x target 200 MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[7600, 30000])
    parser.add_argument("--latency", type=float, default=0.08)
    parser.add_argument("--fit-all", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child's size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(one_size(args.one, args.latency, args.fit_all))))
        return
    # Each size with searches spread like real ones, then the smallest with every search
    # fitting the flat: a publish that queues one message per household.
    for size, fit_all in [*((size, False) for size in args.sizes), (min(args.sizes), True)]:
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--latency", str(args.latency)]
            + (["--fit-all"] if fit_all else []),
            check=True,
            capture_output=True,
            text=True,
        )
        report(json.loads(child.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
