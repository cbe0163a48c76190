"""The real Application on a real SQLite file, with a recording Bot API and a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import Update

from bot.app import build_application
from bot.context import BotApp
from bot.delivery import Sender
from bot.i18n import Translator
from bot.settings import Settings
from domain.accounts import Account, Role
from domain.outbox import QueuedBroadcast, Topic
from storage import accounts, outbox
from storage.db import Db, to_db
from tests.fakes import FakeClock, RecordingRequest, callback_update, message_update

ADMIN_ID = 900


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": "4242:TEST",
        "telegram_base_url": "http://127.0.0.1:9/bot",
        "database_path": tmp_path / "bot.sqlite3",
        "admin_ids": frozenset({ADMIN_ID}),
        "tz": ZoneInfo("Europe/Berlin"),
        "default_locale": "de",
        "erasure_key": b"test-erasure-key-of-32-characters",
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Harness:
    app: BotApp
    rec: RecordingRequest
    clock: FakeClock
    sender: Sender  # the outbox sender on the fake clock; the app's own loop is stopped

    @property
    def db(self) -> Db:
        return self.app.bot_data.db

    async def send(self, text: str | None = None, **kwargs: Any) -> None:
        await self.app.process_update(Update.de_json(message_update(text, **kwargs), self.app.bot))

    async def press(self, data: str, **kwargs: Any) -> None:
        await self.app.process_update(
            Update.de_json(callback_update(data, **kwargs), self.app.bot)
        )

    def tr(self, locale: str) -> Translator:
        """The translator of a user with `locale`: expected dates and amounts come from it."""
        return self.app.bot_data.catalogs.get(locale)

    def t(self, locale: str, msgid: str) -> str:
        """What a user with `locale` reads for `msgid`."""
        return self.tr(locale).gettext(msgid)

    async def restart(self, while_stopped: Callable[[], object] | None = None) -> None:
        """Stops the bot and starts a new one on the same database, as a deploy would;
        `while_stopped` runs in between (an operator restoring a backup)."""
        await _stop(self.app)
        if while_stopped is not None:
            while_stopped()
        self.app = await _start(self.app.bot_data.settings, self.rec, self.clock)
        self.sender = Sender.for_app(self.app)

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        async with self.db.conn.execute(sql, params) as cur:
            return [tuple(row) for row in await cur.fetchall()]

    async def add_user(
        self, telegram_id: int, locale: str = "en", role: Role = Role.SEEKER
    ) -> Account:
        async with self.db.transaction() as db:
            return await accounts.create_account(db, telegram_id, role, locale, self.clock())

    async def add_users(self, count: int, first_telegram_id: int = 1000) -> list[int]:
        """Registered seekers with Telegram ids first_telegram_id, +1, …; returns users.id."""
        now = to_db(self.clock())
        ids = range(first_telegram_id, first_telegram_id + count)
        async with self.db.transaction() as db:
            await db.conn.executemany(
                "INSERT INTO users (telegram_id, role, locale, consent_at, created_at,"
                " last_seen_at) VALUES (?, 'seeker', 'en', ?, ?, ?)",
                [(telegram_id, now, now, now) for telegram_id in ids],
            )
        rows = await self.rows(
            "SELECT id FROM users WHERE telegram_id BETWEEN ? AND ? ORDER BY telegram_id",
            ids[0],
            ids[-1],
        )
        return [row[0] for row in rows]

    async def enqueue(
        self,
        user_id: int,
        key: str,
        *,
        topic: Topic = Topic.LISTINGS,
        kind: str = "offer",
        params: dict[str, Any] | None = None,
        due_in: timedelta = timedelta(0),
        ref: str | None = None,
    ) -> bool:
        async with self.db.transaction() as db:
            return await outbox.enqueue_message(
                db,
                user_id=user_id,
                kind=kind,
                topic=topic,
                params=params or {},
                due_at=self.clock() + due_in,
                dedupe_key=key,
                ref=ref,
                now=self.clock(),
            )

    async def broadcast(
        self, recipients: list[int], started_by: int | None = None, key: str = "listing:17"
    ) -> QueuedBroadcast:
        async with self.db.transaction() as db:
            return await outbox.enqueue_broadcast(
                db,
                dedupe_key=key,
                started_by=started_by,
                kind="offer",
                topic=Topic.LISTINGS,
                params={"n": 17},
                recipients=recipients,
                due_at=self.clock(),
                now=self.clock(),
            )

    async def deliver(self) -> None:
        """Runs the outbox sender until nothing is due; its waits pass on the fake clock."""
        await self.sender.drain()

    async def restart_sender(self) -> None:
        """A new sender, as after a restart of the bot: in-doubt rows are recovered first."""
        self.sender = Sender.for_app(self.app)
        await self.sender.recover()


async def _start(settings: Settings, rec: RecordingRequest, clock: FakeClock) -> BotApp:
    app = build_application(settings, request=rec)
    app.bot_data.clock = clock
    app.bot_data.sleep = clock.sleep
    await app.initialize()
    await app.post_init(app)  # only run_polling/run_webhook call it
    await app.bot_data.sender.stop()  # tests run the sender step by step: harness.deliver()
    return app


async def _stop(app: BotApp) -> None:
    await app.shutdown()
    await app.post_shutdown(app)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    clock = FakeClock()
    rec = RecordingRequest(clock=clock)
    app = await _start(make_settings(tmp_path), rec, clock)
    h = Harness(app, rec, clock, Sender.for_app(app))
    try:
        yield h
    finally:
        await _stop(h.app)
    assert rec.invalid == [], "the bot made requests Telegram would refuse"
