"""Scale benchmark: 100,000 stored reminders, 10,000 of them due at the same moment.

    python bench/reminders.py [--users 10000] [--per-user 10]

The real sender runs against the in-process recording fake (tests/fakes.py) on a fake clock,
so pacing waits take no wall time. All due reminders must go out exactly once, none dropped.
The baseline, measured in the same run, is the same sender with only the due rows stored
(one per user): the ratio of wall time per message shows what 90,000 rows not yet due cost.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.delivery import Sender, register_renderer  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.limits import MESSAGES_PER_SECOND  # noqa: E402
from bot.settings import Settings  # noqa: E402
from domain.outbox import Rendered  # noqa: E402
from storage.db import to_db  # noqa: E402
from tests.fakes import FakeClock, RecordingRequest  # noqa: E402


def render(params: Mapping[str, Any], tr: Translator) -> Rendered:
    return Rendered(f"{tr.gettext('Reminders of my appointments')} #{params['day']}")


async def run(directory: Path, users: int, per_user: int) -> dict[str, float]:
    clock = FakeClock()
    rec = RecordingRequest(clock=clock)
    settings = Settings(
        bot_token="4242:BENCH",
        telegram_base_url="http://127.0.0.1:9/bot",
        database_path=directory / f"reminders-{per_user}.sqlite3",
        admin_ids=frozenset(),
        tz=ZoneInfo("Europe/Berlin"),
        default_locale="de",
    )
    app = build_application(settings, request=rec)
    app.bot_data.clock, app.bot_data.sleep = clock, clock.sleep
    register_renderer(app, "reminder", render)
    await app.initialize()
    await app.post_init(app)
    await app.bot_data.sender.stop()  # driven below on the fake clock
    db, now = app.bot_data.db, clock()
    async with db.transaction():
        await db.conn.executemany(
            "INSERT INTO users (telegram_id, role, locale, consent_at, created_at, last_seen_at)"
            " VALUES (?, 'seeker', 'uk', ?, ?, ?)",
            [(10_000 + n, to_db(now), to_db(now), to_db(now)) for n in range(users)],
        )
        # Day 0 is due now, the others on the following days.
        await db.conn.execute(
            "INSERT INTO outbox (user_id, kind, params, topic, priority, due_at, dedupe_key,"
            " created_at) SELECT u.id, 'reminder', json_object('day', d.value), 'appointments',"
            " 0, CASE d.value WHEN 0 THEN ? ELSE ? END, 'r:' || u.id || ':' || d.value, ?"
            " FROM users u, json_each(?) d",
            (
                to_db(now),
                to_db(now + timedelta(days=1)),
                to_db(now),
                str(list(range(per_user))),
            ),
        )
    stored = next(iter(await db.conn.execute_fetchall("SELECT count(*) FROM outbox")))[0]
    started = time.perf_counter()
    await Sender.for_app(app).drain()
    wall = time.perf_counter() - started
    virtual = (clock() - now).total_seconds()
    per_chat = Counter(c.params["chat_id"] for c in rec.calls if c.endpoint == "sendMessage")
    await app.shutdown()
    await app.post_shutdown(app)
    return {
        "stored": stored,
        "sent": sum(per_chat.values()),
        "recipients": len(per_chat),
        "duplicated": sum(1 for n in per_chat.values() if n > 1),
        "wall_per_message": wall / max(1, sum(per_chat.values())),
        "virtual_rate": sum(per_chat.values()) / virtual if virtual else 0.0,
        "wall": wall,
    }


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = await run(Path(tmp), args.users, 1)
        big = await run(Path(tmp), args.users, args.per_user)
    due = args.users
    print(f"stored {big['stored']:,}, due now {due:,}")
    print(
        f"sent {big['sent']:,} to {big['recipients']:,} people = {big['sent'] / due:.3f} of due,"
        f" dropped {due - big['recipients']}, duplicated {big['duplicated']}"
    )
    print(
        f"rate on the fake clock {big['virtual_rate']:.1f}/s = "
        f"{big['virtual_rate'] / MESSAGES_PER_SECOND:.3f} x cap"
    )
    print(
        f"wall time {big['wall']:.1f} s, {big['wall_per_message'] * 1000:.2f} ms per message; "
        f"baseline with only the due rows stored {base['wall_per_message'] * 1000:.2f} ms "
        f"(ratio {big['wall_per_message'] / base['wall_per_message']:.2f})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--per-user", type=int, default=10)
    asyncio.run(main(parser.parse_args()))
