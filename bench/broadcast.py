"""Broadcast benchmark: the real bot against a local Bot API that enforces Telegram's limits.

    python bench/broadcast.py [--recipients 7600] [--latency 0.08] [--retry-after 3]
                              [--active 5] [--idle 15] [--command-every 8]

The fake Bot API answers after ~80 ms and emulates Telegram's flood control: more than 30
messages (sends, edits) in any 1 s, or a second message to one chat within 1 s, is refused
with 429 retry_after=1, and nothing is accepted until that has passed. One run measures:
1. baseline: an unpaced sender (30 concurrent requests, no limiter) on the same fake;
2. the real bot in a child process (post_init starts the sender, polling gets updates from
   the fake) while `--active` users send commands (/start, /book, /mysearch, /help) about
   every `--command-every` seconds: first for `--idle` seconds with nothing else to do (their
   idle latency), then during a broadcast to every recipient; the fake kills the bot with
   SIGKILL when half of the recipients have their message;
3. a new child process finishes the broadcast; the fake answers one request with 429
   retry_after at three quarters.
It prints the rate against the cap, the most sends in any 1 s window, the sends during a
429 pause, the 429s our own pacing caused, every command answered or not and its latency
during the broadcast against idle, and per recipient how many got nothing or got it twice.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
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
from tests.fakes import max_in_window, message_update  # noqa: E402

TOKEN = "4242:BENCH"
STAFF_CHAT = 1
FIRST_CHAT = 1_000_000
MESSAGE_METHODS = ("sendMessage", "editMessageText", "sendDocument")
BROADCAST_MARK = "[broadcast]"
COMMANDS = ("/start", "/book", "/mysearch", "/help")


@dataclass
class Command:
    chat: int
    text: str
    sent_at: float
    answered_at: float | None = None
    by_first_bot: bool = True


@dataclass
class FakeBotApi:
    """Answers like Telegram after `latency`, with its flood control; logs every message."""

    latency: float
    log: list[tuple[float, str, int]] = field(default_factory=list)  # (arrival, method, chat)
    broadcast_log: list[float] = field(default_factory=list)  # arrivals of broadcast messages
    polling: asyncio.Event = field(default_factory=asyncio.Event)  # the bot asked for updates
    delivered: Counter[int] = field(default_factory=Counter)  # recipient chat → messages
    kill_at: int | None = None  # SIGKILL the child when this many recipients have theirs
    child_pid: int | None = None
    flood_at: int | None = None  # answer 429 when this many recipients have theirs
    retry_after: int = 3
    # Each 429: (its request arrived, its answer left the server, the pause ends).
    pauses: list[tuple[float, float, float]] = field(default_factory=list)
    pause_until: float = 0.0
    ours: Counter[str] = field(default_factory=Counter)  # 429s our pacing caused, by limit
    accepted: deque[float] = field(default_factory=deque)  # accepted messages in the last 1 s
    last_by_chat: dict[int, float] = field(default_factory=dict)
    killed_at: float | None = None
    next_id: int = 1
    # Updates for getUpdates, and the commands the active users sent.
    updates: list[dict[str, Any]] = field(default_factory=list)
    new_update: asyncio.Event = field(default_factory=asyncio.Event)
    commands: list[Command] = field(default_factory=list)

    def reset(self) -> None:
        self.log.clear()
        self.broadcast_log.clear()
        self.delivered.clear()
        self.pauses.clear()
        self.ours.clear()
        self.accepted.clear()
        self.last_by_chat.clear()
        self.pause_until = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        arrival = time.monotonic()
        method = request.match_info["method"]
        form = await request.post()
        if method == "getUpdates":
            return await self._updates(form)
        chat_id = int(str(form.get("chat_id", 0)))
        is_broadcast = BROADCAST_MARK in str(form.get("text", ""))
        if method in MESSAGE_METHODS:
            self.log.append((arrival, method, chat_id))
            if is_broadcast:
                self.broadcast_log.append(arrival)
            refused = self._flood_control(arrival, chat_id)
            if refused is not None:
                await asyncio.sleep(self.latency)
                return self._flood(refused)
            self._answered(chat_id, str(form.get("text", "")), arrival)
            if (
                method == "sendMessage"
                and chat_id >= FIRST_CHAT
                and BROADCAST_MARK in str(form.get("text", ""))
            ):
                if len(self.delivered) == self.flood_at:
                    self.flood_at = None
                    return await self._refuse(arrival, self.retry_after)
                self.delivered[chat_id] += 1
                if len(self.delivered) == self.kill_at and self.child_pid:
                    os.kill(self.child_pid, signal.SIGKILL)  # its answer never arrives
                    self.kill_at, self.killed_at = None, arrival
        await asyncio.sleep(self.latency)
        return web.json_response({"ok": True, "result": self._result(method, form, chat_id)})

    def _flood_control(self, arrival: float, chat_id: int) -> float | None:
        """Seconds to wait if Telegram would refuse this message now, else None (accepted)."""
        if arrival < self.pause_until:
            return self.pause_until - arrival
        while self.accepted and self.accepted[0] <= arrival - 1.0:
            self.accepted.popleft()
        if len(self.accepted) >= MESSAGES_PER_SECOND:
            self.ours["30 per second"] += 1
        elif self.last_by_chat.get(chat_id, -1.0) > arrival - 1.0:
            self.ours["1 per second in a chat"] += 1
        else:
            self.accepted.append(arrival)
            self.last_by_chat[chat_id] = arrival
            return None
        self.pause_until = arrival + self.latency + 1
        self.pauses.append((arrival, arrival + self.latency, self.pause_until))
        return 1.0

    async def _refuse(self, arrival: float, seconds: int) -> web.Response:
        self.pause_until = arrival + self.latency + seconds
        await asyncio.sleep(self.latency)
        self.pauses.append((arrival, time.monotonic(), self.pause_until))
        return self._flood(seconds)

    def _flood(self, seconds: float) -> web.Response:
        wait = max(1, round(seconds))
        body = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {wait}",
            "parameters": {"retry_after": wait},
        }
        return web.json_response(body, status=429)

    def _answered(self, chat_id: int, text: str, arrival: float) -> None:
        if BROADCAST_MARK in text:
            return
        for command in self.commands:
            if command.chat == chat_id and command.answered_at is None:
                command.answered_at = arrival
                command.by_first_bot = self.killed_at is None
                return

    async def _updates(self, form: Mapping[str, Any]) -> web.Response:
        self.polling.set()
        offset = int(str(form.get("offset") or 0))
        self.updates = [update for update in self.updates if update["update_id"] >= offset]
        if not self.updates:
            self.new_update.clear()
            try:
                await asyncio.wait_for(self.new_update.wait(), float(str(form.get("timeout", 0))))
            except TimeoutError:
                pass
        await asyncio.sleep(self.latency)
        return web.json_response({"ok": True, "result": list(self.updates)})

    def command(self, chat_id: int, text: str) -> None:
        self.commands.append(Command(chat_id, text, time.monotonic()))
        self.updates.append(message_update(text, user_id=chat_id))
        self.new_update.set()

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


# The child: the real application, as `python -m bot` runs it.
def render_bench(params: Mapping[str, Any], tr: Translator) -> Rendered:
    # TRANSLATORS: not extracted (bench/ is outside the catalog's source dirs).
    return Rendered(f"{tr.gettext('Offers of flats')} #{params['listing']} {BROADCAST_MARK}")


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
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=5)
    await app.start()
    db = app.bot_data.db
    while True:
        await asyncio.sleep(0.5)
        rows = await db.conn.execute_fetchall(
            "SELECT count(*) FROM broadcasts WHERE finished_at IS NULL"
        )
        if next(iter(rows))[0] == 0:
            break
    await asyncio.sleep(2)  # commands fetched again after the restart get their answers
    await app.updater.stop()
    await app.stop()
    await app.post_stop(app)
    await app.shutdown()
    await app.post_shutdown(app)


# The parent: database, fake API, baseline, then the two child runs.
async def prepare(db_path: Path, recipients: int, idle: float) -> float:
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
            due_at=now + timedelta(seconds=idle),  # the active users' idle phase comes first
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
    bot = Bot(TOKEN, base_url=base_url, request=HTTPXRequest(connection_pool_size=64))
    limit = asyncio.Semaphore(MESSAGES_PER_SECOND)

    async def send(n: int) -> None:
        async with limit:
            try:
                await bot.send_message(FIRST_CHAT + n, f"baseline {BROADCAST_MARK}")
            except RetryAfter:
                pass

    async with bot:
        await asyncio.gather(*(send(n) for n in range(count)))
    return _figures(api)


def _figures(api: FakeBotApi) -> dict[str, float]:
    moments = api.sends()
    return {
        "rate": rate(moments),
        "max_1s": max_in_window(moments, 1.0),
        # Sent after a 429 had reached us, before its pause ended.
        "during_pause": sum(len(api.sends(told, until)) for _, told, until in api.pauses),
        # On their way already when the 429 answer left (not counting the refused one).
        "in_flight": sum(len(api.sends(asked, told)) - 1 for asked, told, _ in api.pauses),
        "ours": sum(api.ours.values()),
    }


async def run_child(db_path: Path, base_url: str, api: FakeBotApi) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--child", str(db_path), base_url
    )
    api.child_pid = process.pid
    return await process.wait()


async def active_user(api: FakeBotApi, chat_id: int, seed: int, every: float) -> None:
    """Sends a command every `every` seconds (± half) until the first bot is killed; four
    times as often before the broadcast starts, for enough idle samples."""
    chance = random.Random(seed)
    await api.polling.wait()
    await asyncio.sleep(chance.uniform(0, every / 4))
    while api.killed_at is None:
        api.command(chat_id, chance.choice(COMMANDS))
        gap = every if api.broadcast_log else every / 4
        await asyncio.sleep(chance.uniform(gap / 2, gap * 3 / 2))


def latencies(commands: list[Command]) -> tuple[float, float]:
    """Mean and 95th percentile in seconds of the answered commands."""
    waits = sorted(c.answered_at - c.sent_at for c in commands if c.answered_at is not None)
    if not waits:
        return float("nan"), float("nan")
    return sum(waits) / len(waits), waits[min(len(waits) - 1, int(0.95 * len(waits)))]


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
        enqueue_seconds = await prepare(db_path, n, args.idle)

        api.reset()
        api.kill_at = n // 2
        users = [
            FIRST_CHAT + n // 3 + k * (n // 2 // max(1, args.active)) for k in range(args.active)
        ]
        typing = [
            asyncio.create_task(active_user(api, chat, k, args.command_every))
            for k, chat in enumerate(users)
        ]
        code = await run_child(db_path, base_url, api)
        await asyncio.gather(*typing)
        first = list(api.broadcast_log)
        until_kill = [at for at in first if api.killed_at is None or at <= api.killed_at]
        first_rate = rate(until_kill)
        everything = api.sends(min(until_kill, default=0.0), max(until_kill, default=0.0))
        total_rate = (len(everything) - 1) / (max(until_kill) - min(until_kill))
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

    broadcast_from = min(first) if first else float("inf")
    idle = [c for c in api.commands if c.sent_at < broadcast_from]
    busy = [c for c in api.commands if broadcast_from <= c.sent_at]
    in_flight_at_kill = [c for c in busy if c.answered_at is None or not c.by_first_bot]
    busy_settled = [c for c in busy if c not in in_flight_at_kill]
    idle_mean, idle_p95 = latencies(idle)
    busy_mean, busy_p95 = latencies(busy_settled)
    unanswered = [c for c in api.commands if c.answered_at is None]
    own_notice = {chat: at for at, _, chat in api.log if chat in users and at in api.broadcast_log}
    after_notice = [  # answers that waited out the second after the user's own notice
        c
        for c in busy_settled
        if c.answered_at is not None
        and c.sent_at - 1.1 <= own_notice.get(c.chat, -9.0) <= c.answered_at
    ]

    print(f"recipients: {n}, fake API latency {args.latency * 1000:.0f} ms, cap {cap}/s")
    print(f"enqueue of the broadcast (one transaction): {enqueue_seconds * 1000:.0f} ms")
    print(
        f"baseline, unpaced sender: {base['rate']:.1f}/s = {base['rate'] / cap:.2f} x cap, "
        f"max {base['max_1s']} in 1 s, {base['ours']} 429s from the flood control, "
        f"{base['during_pause']} sends during its pauses"
    )
    print(
        f"first run with {args.active} users active, until SIGKILL at {delivered_first} "
        f"delivered (exit {code}): mean broadcast rate {first_rate:.1f}/s = "
        f"{first_rate / cap:.3f} x cap; all messages meanwhile (answers, staff status) "
        f"{total_rate:.1f}/s = {total_rate / cap:.3f} x cap"
    )
    print(
        f"whole run incl. restart and pause: max sends in any 1 s window {ours['max_1s']} "
        f"(baseline {base['max_1s']}, ratio {ours['max_1s'] / base['max_1s']:.2f})"
    )
    print(
        f"429s caused by our own pacing: {ours['ours']} {dict(api.ours)} (baseline {base['ours']})"
    )
    print(
        f"sends during 429 pauses (after the 429 reached us, incl. the injected "
        f"{args.retry_after} s one): {ours['during_pause']} (baseline {base['during_pause']}); "
        f"already on the way when a 429 left the server: {ours['in_flight']}"
    )
    print(
        f"commands: {len(api.commands)} sent, {len(api.commands) - len(unanswered)} answered, "
        f"{len(unanswered)} never answered; {len(in_flight_at_kill)} were sent around the "
        f"kill and excluded from the latency"
    )
    print(
        f"command latency idle: mean {idle_mean * 1000:.0f} ms, p95 {idle_p95 * 1000:.0f} ms "
        f"({len(idle)}); during the broadcast: mean {busy_mean * 1000:.0f} ms, p95 "
        f"{busy_p95 * 1000:.0f} ms ({len(busy_settled)}); ratio busy/idle: mean "
        f"{busy_mean / idle_mean:.2f}, p95 {busy_p95 / idle_p95:.2f}; "
        f"{len(after_notice)} came in the second after the user's own broadcast message"
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
    parser.add_argument("--active", type=int, default=5, help="users sending commands")
    parser.add_argument("--idle", type=float, default=15, help="seconds before the broadcast")
    parser.add_argument(
        "--command-every", type=float, default=8, help="mean seconds between a user's commands"
    )
    asyncio.run(main(parser.parse_args()))
