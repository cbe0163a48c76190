"""A popular workshop: everyone presses "Register" at once. Never overbooked, and how fast?

N volunteers press Register on one announced workshop with 30 places, all their updates
handled concurrently (as PTB does with concurrent_updates) through the full application on a
real SQLite file, against an in-process Bot API. Baseline in the same run: the same people
opening the main menu (one account read and one message each). Registering is one write
transaction (promotion check, seat, two reminders) plus the calendar file.
Run: python bench/workshops.py [volunteers]
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from telegram import Update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_application
from bot.context import BotApp
from domain.accounts import Audience, Role
from domain.workshops import WorkshopDetails, WorkshopTopic
from storage import workshops
from tests.conftest import make_settings
from tests.fakes import BOT_USER, InProcessRequest, callback_update

PLACES = 30
FIRST_ID = 10_000


class MessageRequest(InProcessRequest):
    """Answers every send or edit with a message at once and checks nothing."""

    async def do_request(self, url: str, *args: object, **kwargs: object) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        result: object = True
        if endpoint == "getMe":
            result = BOT_USER
        elif endpoint.startswith(("send", "edit")):
            result = {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 1, "type": "private"},
                "from": BOT_USER,
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def _setup(app: BotApp, volunteers: int) -> None:
    db, now = app.bot_data.db, app.bot_data.clock()
    async with db.transaction() as tx:
        await tx.conn.executemany(
            "INSERT INTO users (telegram_id, role, locale, consent_at, created_at, last_seen_at)"
            " VALUES (?, ?, 'de', ?, ?, ?)",
            [
                (FIRST_ID + n, Role.VOLUNTEER.value, *[now.isoformat()] * 3)
                for n in range(volunteers)
            ],
        )
        start = now + timedelta(days=7)
        details = WorkshopDetails(
            title="Bewerbung",
            description="Wie es geht.",
            topic=WorkshopTopic.APPLICATION,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="Köln",
            capacity=PLACES,
            audience=Audience.VOLUNTEERS,
            language="de",
        )
        workshop = await workshops.create_workshop(tx, 1, details, None, now)
        await workshops.mark_announced(tx, workshop.id, now)


async def _rush(app: BotApp, data: str, volunteers: int) -> float:
    """Updates per second with every volunteer's press handled at the same time."""
    updates = [
        Update.de_json(callback_update(data, user_id=FIRST_ID + n, lang="de"), app.bot)
        for n in range(volunteers)
    ]
    started = time.perf_counter()
    await asyncio.gather(*(app.process_update(update) for update in updates))
    return volunteers / (time.perf_counter() - started)


async def main(volunteers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = build_application(make_settings(Path(tmp)), request=MessageRequest())
        await app.initialize()
        await app.post_init(app)
        await app.bot_data.sender.stop()  # measure the handlers, not the outbox
        await _setup(app, volunteers)
        baseline = await _rush(app, "mn:home", volunteers)
        registering = await _rush(app, "or:1", volunteers)
        seats = await app.bot_data.db.conn.execute_fetchall(
            "SELECT seat, count(*) FROM workshop_seats GROUP BY seat ORDER BY seat"
        )
        reminders = await app.bot_data.db.conn.execute_fetchall(
            "SELECT count(*) FROM outbox WHERE kind = 'workshop_reminder'"
        )
        await app.shutdown()
        await app.post_shutdown(app)
    counts = {seat: n for seat, n in seats}
    print(f"{volunteers} volunteers press Register at once for {PLACES} places")
    print(f"  main menu (baseline): {baseline:8.0f} updates/s")
    print(f"  Register:             {registering:8.0f} updates/s")
    print(f"  ratio Register / baseline: {registering / baseline:.2f}")
    print(f"  seats: {counts}, reminders queued: {reminders[0][0]}")
    assert counts == {"registered": PLACES, "waitlisted": volunteers - PLACES}, "overbooked!"
    assert reminders[0][0] == 2 * PLACES


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
