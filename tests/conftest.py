"""The real Application on a real SQLite file, with a recording Bot API and a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import Update

from bot.app import build_application
from bot.context import BotApp
from bot.settings import Settings
from storage.db import Db
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
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Harness:
    app: BotApp
    rec: RecordingRequest
    clock: FakeClock

    @property
    def db(self) -> Db:
        return self.app.bot_data.db

    async def send(self, text: str | None = None, **kwargs: Any) -> None:
        await self.app.process_update(Update.de_json(message_update(text, **kwargs), self.app.bot))

    async def press(self, data: str, **kwargs: Any) -> None:
        await self.app.process_update(
            Update.de_json(callback_update(data, **kwargs), self.app.bot)
        )

    def t(self, locale: str, msgid: str) -> str:
        """What a user with `locale` reads for `msgid`."""
        return self.app.bot_data.catalogs.get(locale).gettext(msgid)

    async def restart(self) -> None:
        """Stops the bot and starts a new one on the same database, as a deploy would."""
        await _stop(self.app)
        self.app = await _start(self.app.bot_data.settings, self.rec, self.clock)

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        async with self.db.conn.execute(sql, params) as cur:
            return [tuple(row) for row in await cur.fetchall()]


async def _start(settings: Settings, rec: RecordingRequest, clock: FakeClock) -> BotApp:
    app = build_application(settings, request=rec)
    app.bot_data.clock = clock
    await app.initialize()
    await app.post_init(app)  # only run_polling/run_webhook call it
    return app


async def _stop(app: BotApp) -> None:
    await app.shutdown()
    await app.post_shutdown(app)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    rec = RecordingRequest()
    clock = FakeClock()
    h = Harness(await _start(make_settings(tmp_path), rec, clock), rec, clock)
    try:
        yield h
    finally:
        await _stop(h.app)
    assert rec.invalid == [], "the bot made requests Telegram would refuse"
