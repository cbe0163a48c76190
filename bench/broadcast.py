"""Broadcast benchmark: the real sender against a local fake Bot API with ~80 ms latency.

    python bench/broadcast.py [--recipients 7600] [--latency 0.08] [--retry-after 3]

One run measures, in this order:
1. baseline: an unpaced sender (30 concurrent requests, no limiter) on the same fake;
2. the real bot in a child process (`python -m`-style app, post_init starts the sender) sends
   a broadcast to every recipient; the fake API kills it with SIGKILL when half of them have
   their message;
3. a new child process finishes the broadcast; the fake API answers one request with 429
   retry_after at three quarters.
It prints the rate against the cap, the most sends in any 1 s window, the sends during the
announced 429 pause, and per recipient how many got nothing or got the message twice.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.delivery import register_renderer  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.limits import MESSAGES_PER_SECOND  # noqa: E402
from bot.settings import Settings  # noqa: E402
from domain.locales import SUPPORTED_LOCALES  # noqa: E402
from domain.outbox import Rendered, Topic  # noqa: E402
from storage import outbox  # noqa: E402
from storage.db import open_db, to_db  # noqa: E402
from tests.fakes import max_in_window  # noqa: E402

TOKEN = "4242:BENCH"
STAFF_CHAT = 1
FIRST_CHAT = 1_000_000
MESSAGE_METHODS = ("sendMessage", "editMessageText", "sendDocument")


@dataclass
class FakeBotApi:
    """Answers like Telegram after `latency`, logs every message request on arrival."""

    latency: float
    log: list[tuple[float, str, int]] = field(default_factory=list)  # (arrival, method, chat)
    delivered: Counter[int] = field(default_factory=Counter)  # recipient chat → messages
    kill_at: int | None = None  # SIGKILL the child when this many recipients have theirs
    child_pid: int | None = None
    flood_at: int | None = None  # answer 429 when this many recipients have theirs
    retry_after: int = 3
    refused_from: float | None = None  # the 429 was decided (arrival of its request)
    announced_at: float | None = None  # the 429 answer left the server
    pause_until: float | None = None
    killed_at: float | None = None
    next_id: int = 1

    def reset(self) -> None:
        self.log.clear()
        self.delivered.clear()
        self.refused_from = self.announced_at = self.pause_until = None

    async def handle(self, request: web.Request) -> web.Response:
        arrival = time.monotonic()
        method = request.match_info["method"]
        form = await request.post()
        chat_id = int(str(form.get("chat_id", 0)))
        if method in MESSAGE_METHODS:
            self.log.append((arrival, method, chat_id))
            if self.pause_until is not None and self.refused_from <= arrival < self.pause_until:
                await asyncio.sleep(self.latency)
                return self._flood(self.pause_until - time.monotonic())
            if method == "sendMessage" and chat_id >= FIRST_CHAT:
                if len(self.delivered) == self.flood_at:
                    self.flood_at = None
                    self.refused_from = arrival
                    self.pause_until = arrival + self.latency + self.retry_after
                    await asyncio.sleep(self.latency)
                    self.announced_at = time.monotonic()
                    return self._flood(self.retry_after)
                self.delivered[chat_id] += 1
                if len(self.delivered) == self.kill_at and self.child_pid:
                    os.kill(self.child_pid, signal.SIGKILL)  # its answer never arrives
                    self.kill_at, self.killed_at = None, arrival
        await asyncio.sleep(self.latency)
        return web.json_response({"ok": True, "result": self._result(method, form, chat_id)})

    def _flood(self, seconds: float) -> web.Response:
        wait = max(1, round(seconds))
        body = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {wait}",
            "parameters": {"retry_after": wait},
        }
        return web.json_response(body, status=429)

    def _result(self, method: str, form: Mapping[str, Any], chat_id: int) -> Any:
        if method == "getMe":
            return {"id": 4242, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        if method not in MESSAGE_METHODS:
            return True
        self.next_id += 1
        return {
            "message_id": int(str(form.get("message_id", self.next_id))),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": str(form.get("text", "")),
        }

    def sends(self, since: float = 0.0, until: float = float("inf")) -> list[float]:
        return [at for at, _, _ in self.log if since <= at < until]


def rate(moments: list[float]) -> float:
    return (len(moments) - 1) / (max(moments) - min(moments)) if len(moments) > 1 else 0.0


# The child: the real application, as `python -m bot` runs it, minus polling.
def render_bench(params: Mapping[str, Any], tr: Translator) -> Rendered:
    # TRANSLATORS: not extracted (bench/ is outside the catalog's source dirs).
    return Rendered(f"{tr.gettext('Offers of flats')} #{params['listing']}")


async def child(db_path: Path, base_url: str) -> None:
    settings = Settings(
        bot_token=TOKEN,
        telegram_base_url=base_url,
        database_path=db_path,
        admin_ids=frozenset(),
        tz=ZoneInfo("Europe/Berlin"),
        default_locale="de",
        quiet_hours=None,  # the benchmark may run at night
    )
    app = build_application(settings)
    register_renderer(app, "bench_listing", render_bench)
    await app.initialize()
    await app.post_init(app)  # opens the database and starts the sender
    db = app.bot_data.db
    while True:
        await asyncio.sleep(0.5)
        rows = await db.conn.execute_fetchall(
            "SELECT count(*) FROM broadcasts WHERE finished_at IS NULL"
        )
        if next(iter(rows))[0] == 0:
            break
    await app.post_stop(app)
    await app.shutdown()
    await app.post_shutdown(app)


# The parent: database, fake API, baseline, then the two child runs.
async def prepare(db_path: Path, recipients: int) -> float:
    db = await open_db(db_path)
    now = datetime.now(UTC)
    async with db.transaction():
        await db.conn.executemany(
            "INSERT INTO users (telegram_id, role, locale, consent_at, created_at, last_seen_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(STAFF_CHAT, "staff", "de", None, to_db(now), to_db(now))]
            + [
                (
                    FIRST_CHAT + n,
                    "seeker",
                    SUPPORTED_LOCALES[n % len(SUPPORTED_LOCALES)],
                    to_db(now),
                    to_db(now),
                    to_db(now),
                )
                for n in range(recipients)
            ],
        )
    ids = [row[0] for row in await db.conn.execute_fetchall("SELECT id FROM users ORDER BY id")]
    started = time.perf_counter()
    async with db.transaction() as tx:  # the whole broadcast is one transaction
        await outbox.enqueue_broadcast(
            tx,
            dedupe_key="bench:1",
            started_by=ids[0],
            kind="bench_listing",
            topic=Topic.LISTINGS,
            params={"listing": 1},
            recipients=ids[1:],
            due_at=now,
            now=now,
        )
    enqueue_seconds = time.perf_counter() - started
    await db.close()
    return enqueue_seconds


async def baseline(api: FakeBotApi, base_url: str, count: int) -> dict[str, float]:
    """An unpaced sender: 30 requests at a time, a 429 is only logged."""
    from telegram import Bot
    from telegram.error import RetryAfter
    from telegram.request import HTTPXRequest

    api.reset()
    api.flood_at = count // 3
    bot = Bot(TOKEN, base_url=base_url, request=HTTPXRequest(connection_pool_size=64))
    limit = asyncio.Semaphore(MESSAGES_PER_SECOND)

    async def send(n: int) -> None:
        async with limit:
            try:
                await bot.send_message(FIRST_CHAT + n, "baseline")
            except RetryAfter:
                pass

    async with bot:
        await asyncio.gather(*(send(n) for n in range(count)))
    return _figures(api)


def _figures(api: FakeBotApi) -> dict[str, float]:
    moments = api.sends()
    during = (
        len(api.sends(api.announced_at, api.pause_until))
        if api.announced_at is not None and api.pause_until is not None
        else 0
    )
    in_flight = (  # besides the request that got the 429
        len(api.sends(api.refused_from, api.announced_at)) - 1
        if api.refused_from is not None and api.announced_at is not None
        else 0
    )
    return {
        "rate": rate(moments),
        "max_1s": max_in_window(moments, 1.0),
        "during_pause": during,
        "in_flight": in_flight,
    }


async def run_child(db_path: Path, base_url: str, api: FakeBotApi) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--child", str(db_path), base_url
    )
    api.child_pid = process.pid
    return await process.wait()


async def main(args: argparse.Namespace) -> None:
    api = FakeBotApi(args.latency, retry_after=args.retry_after)
    server = web.Application()
    server.router.add_post("/bot{token}/{method}", api.handle)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base_url = f"http://127.0.0.1:{port}/bot"
    cap = MESSAGES_PER_SECOND
    n = args.recipients

    base = await baseline(api, base_url, min(n, 600))
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        enqueue_seconds = await prepare(db_path, n)

        api.reset()
        api.kill_at = n // 2
        code = await run_child(db_path, base_url, api)
        first = api.sends()
        first_rate = rate([at for at in first if api.killed_at is None or at <= api.killed_at])
        delivered_first = len(api.delivered)

        api.flood_at = n * 3 // 4
        code_after = await run_child(db_path, base_url, api)
        db = await open_db(db_path)
        states = dict(
            (row[0], row[1])
            for row in await db.conn.execute_fetchall(
                "SELECT state, count(*) FROM outbox GROUP BY state"
            )
        )
        await db.close()
    ours = _figures(api)
    everyone = range(FIRST_CHAT, FIRST_CHAT + n)
    lost = sum(1 for chat in everyone if api.delivered[chat] == 0)
    duplicated = sum(1 for chat in everyone if api.delivered[chat] > 1)
    await runner.cleanup()

    print(f"recipients: {n}, fake API latency {args.latency * 1000:.0f} ms, cap {cap}/s")
    print(f"enqueue of the broadcast (one transaction): {enqueue_seconds * 1000:.0f} ms")
    print(
        f"baseline, unpaced sender: {base['rate']:.1f}/s = {base['rate'] / cap:.2f} x cap, "
        f"max {base['max_1s']} in 1 s, {base['during_pause']} sends during a 429 pause"
    )
    print(
        f"first run until SIGKILL at {delivered_first} delivered (exit {code}): "
        f"mean rate {first_rate:.1f}/s = {first_rate / cap:.3f} x cap"
    )
    print(
        f"whole run incl. restart and pause: max sends in any 1 s window {ours['max_1s']} "
        f"(baseline {base['max_1s']}, ratio {ours['max_1s'] / base['max_1s']:.2f})"
    )
    print(
        f"sends during the announced {args.retry_after} s 429 pause: {ours['during_pause']} "
        f"(baseline {base['during_pause']}); already on the way when the 429 left the "
        f"server: {ours['in_flight']}"
    )
    print(
        f"after kill -9 at 50 % and restart (exit {code_after}): lost {lost}, "
        f"duplicated {duplicated} of {n} recipients; rows by state {states}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        asyncio.run(child(Path(sys.argv[2]), sys.argv[3]))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=7600)
    parser.add_argument("--latency", type=float, default=0.08)
    parser.add_argument("--retry-after", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
