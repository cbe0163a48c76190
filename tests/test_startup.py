"""A bad start explains itself in one line, retries the network, and leaves the database alone."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from telegram.error import NetworkError

from bot.app import build_application
from bot.startup import FIRST_RETRY_DELAY, START_TRIES, StartFailed, check_start
from storage.db import DatabaseUnusable, migration_files, open_db
from tests.conftest import make_settings
from tests.fakes import BOT_USER, TOKEN, InProcessRequest, RecordingRequest, snapshot

ROOT = Path(__file__).parent.parent


class FlakyTelegram(InProcessRequest):
    """getMe fails with a network error `failures` times, then answers with `code`."""

    def __init__(self, failures: int = 0, code: int = 200) -> None:
        super().__init__()
        self.failures, self.code, self.calls = failures, code, 0

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls <= self.failures:
            raise NetworkError("connection refused")
        if self.code != 200:
            body = {"ok": False, "error_code": self.code, "description": "Unauthorized"}
            return self.code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": BOT_USER}).encode()


class Pauses(list[float]):
    """Stands in for asyncio.sleep: records the pauses, waits for none."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


async def test_an_unreachable_telegram_is_tried_again_then_explained_in_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    pauses = Pauses()
    settings = make_settings(tmp_path, telegram_base_url="http://127.0.0.1:9/bot")  # closed
    with pytest.raises(StartFailed) as raised:
        await check_start(settings, sleep=pauses)
    message = str(raised.value)
    assert "\n" not in message and "http://127.0.0.1:9/bot" in message
    assert "TELEGRAM_BASE_URL" in message and settings.bot_token not in message
    assert pauses == [FIRST_RETRY_DELAY, 2 * FIRST_RETRY_DELAY]  # growing, START_TRIES in all
    retries = [r for r in caplog.records if r.name == "bot.startup" and r.levelname == "WARNING"]
    assert len(retries) == START_TRIES - 1


async def test_a_network_failure_that_passes_lets_the_bot_start(tmp_path: Path):
    pauses, telegram = Pauses(), FlakyTelegram(failures=1)
    await check_start(make_settings(tmp_path), sleep=pauses, request=telegram)
    assert telegram.calls == 2 and pauses == [FIRST_RETRY_DELAY]


async def test_a_token_telegram_refuses_is_one_line_without_the_token_and_not_retried(
    tmp_path: Path,
):
    pauses, telegram = Pauses(), FlakyTelegram(code=401)
    settings = make_settings(tmp_path, bot_token=TOKEN)
    with pytest.raises(StartFailed, match="BOT_TOKEN was refused") as raised:
        await check_start(settings, sleep=pauses, request=telegram)
    assert TOKEN not in str(raised.value) and "\n" not in str(raised.value)
    assert telegram.calls == 1 and pauses == []


async def test_a_start_that_fails_at_telegram_writes_no_database(tmp_path: Path):
    new = make_settings(tmp_path, database_path=tmp_path / "new" / "bot.sqlite3")
    with pytest.raises(StartFailed):
        await check_start(new, sleep=Pauses(), request=FlakyTelegram(code=401))
    assert snapshot(tmp_path) == {}  # the database is made only once the bot runs

    existing = make_settings(tmp_path)
    await (await open_db(existing.database_path)).close()
    before = snapshot(tmp_path)
    with pytest.raises(StartFailed):
        await check_start(existing, sleep=Pauses(), request=FlakyTelegram(code=401))
    assert snapshot(tmp_path) == before


async def test_the_database_is_checked_before_telegram_is_asked(tmp_path: Path):
    (tmp_path / "data").mkdir()
    telegram = FlakyTelegram()
    settings = make_settings(tmp_path, database_path=tmp_path / "data")
    with pytest.raises(DatabaseUnusable, match="is a folder"):
        await check_start(settings, sleep=Pauses(), request=telegram)
    assert telegram.calls == 0


async def test_a_webhook_port_that_is_taken_is_one_line_before_telegram_is_asked(
    tmp_path: Path,
):
    telegram = FlakyTelegram()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = make_settings(tmp_path, webhook_url="https://bot.example.org/hook", port=port)
        with pytest.raises(StartFailed, match=f"PORT {port}"):
            await check_start(settings, sleep=Pauses(), request=telegram)
    assert telegram.calls == 0


async def test_shutting_down_after_a_failed_start_closes_what_was_opened(tmp_path: Path):
    app = build_application(make_settings(tmp_path), request=RecordingRequest())
    await app.post_shutdown(app)  # post_init never ran: no database, no sender

    await app.initialize()
    await app.post_init(app)  # the sender runs; then starting failed, so post_stop never ran
    await app.shutdown()
    await app.post_shutdown(app)
    assert [task for task in asyncio.all_tasks() if task.get_name() == "outbox-sender"] == []


def _text_file(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "bot.sqlite3").write_text("not a database\n" * 20)
    return {"DATABASE_PATH": str(tmp_path / "bot.sqlite3")}


def _newer_schema(tmp_path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as conn:
        conn.execute(f"PRAGMA user_version = {len(migration_files()) + 1:d}")
    return {"DATABASE_PATH": str(tmp_path / "bot.sqlite3")}


def _a_folder(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "bot.sqlite3").mkdir()
    return {"DATABASE_PATH": str(tmp_path / "bot.sqlite3")}


def _under_a_file(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "notes").write_text("a regular file")
    return {"DATABASE_PATH": str(tmp_path / "notes" / "bot.sqlite3")}


@pytest.mark.parametrize(
    ("make_env", "first_words"),
    [
        (lambda _: {"BOT_TOKEN": "abc"}, "configuration error: BOT_TOKEN"),
        (_a_folder, "database error: DATABASE_PATH"),
        (_under_a_file, "database error: DATABASE_PATH"),
        (_text_file, "database error: DATABASE_PATH"),
        (_newer_schema, "database error: the database is at schema version"),
        pytest.param(
            lambda _: {"DATABASE_PATH": "/proc/bot.sqlite3"},
            "database error: DATABASE_PATH",
            marks=pytest.mark.skipif(not Path("/proc/self").exists(), reason="no /proc here"),
        ),
    ],
    ids=["token", "folder", "under a file", "text file", "newer schema", "in /proc"],
)
def test_python_m_bot_says_one_line_and_exits_nonzero(tmp_path: Path, make_env, first_words):
    """The real entry point, before any network: Telegram's address is closed anyway."""
    env = {
        "PATH": "/usr/bin:/bin",
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
        "DATABASE_PATH": str(tmp_path / "unused.sqlite3"),
        **make_env(tmp_path),
    }
    before = snapshot(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(first_words), result.stderr
    assert snapshot(tmp_path) == before
