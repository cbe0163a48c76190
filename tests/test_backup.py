"""`python -m bot backup PATH` while the bot runs, and a restore that still honours the
deletions done since the backup."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from bot.backup import BackupError, backup, restore
from bot.backup import main as backup_main
from storage import accounts
from tests.conftest import Harness
from tests.privacy_setup import SEEKER, delete_by_chat
from tests.staffing import register_seeker


def _telegram_ids(path: Path) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT telegram_id FROM users ORDER BY id")]


async def test_a_backup_is_a_consistent_copy_taken_while_the_bot_writes(
    harness: Harness, tmp_path: Path
):
    await register_seeker(harness, SEEKER)
    target = tmp_path / "copies" / "backup.sqlite3"
    target.parent.mkdir()
    async with harness.db.transaction() as db:  # a write in progress is not in the copy
        await db.conn.execute(
            "INSERT INTO users (telegram_id, role, locale, consent_at, created_at,"
            " last_seen_at) VALUES (?, 'seeker', 'en', 'x', 'x', 'x')",
            (SEEKER + 1,),
        )
        backup(harness.app.bot_data.settings.database_path, target)
    assert _telegram_ids(target) == [SEEKER]
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not target.with_name("backup.sqlite3-wal").exists()  # one self-contained file


async def test_a_backup_never_overwrites_unless_forced(harness: Harness, tmp_path: Path):
    database = harness.app.bot_data.settings.database_path
    target = tmp_path / "backup.sqlite3"
    target.write_bytes(b"yesterday")
    with pytest.raises(BackupError, match="exists already"):
        backup(database, target)
    assert target.read_bytes() == b"yesterday"
    await register_seeker(harness, SEEKER)
    backup(database, target, force=True)
    assert _telegram_ids(target) == [SEEKER]
    with pytest.raises(BackupError, match="itself"):
        backup(database, database, force=True)


def _cli(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_PATH": str(database)}
    env.pop("BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, check=False
    )


async def test_the_command_answers_in_one_line(
    harness: Harness,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    await register_seeker(harness, SEEKER)
    database = harness.app.bot_data.settings.database_path
    target = tmp_path / "backup.sqlite3"
    target.write_bytes(b"yesterday")
    monkeypatch.setenv("DATABASE_PATH", str(database))
    assert backup_main(["backup", str(target)]) == 1
    refused = capsys.readouterr()
    assert refused.out == "" and refused.err.count("\n") == 1 and "--force" in refused.err
    done = _cli("backup", str(target), "--force", database=database)  # through python -m bot
    assert done.returncode == 0 and _telegram_ids(target) == [SEEKER]
    with pytest.raises(BackupError, match="DATABASE_PATH"):
        backup(tmp_path / "none.sqlite3", tmp_path / "other.sqlite3")


async def test_a_restored_backup_deletes_again_who_deleted_since(harness: Harness, tmp_path: Path):
    database = harness.app.bot_data.settings.database_path
    stays = await register_seeker(harness, SEEKER + 1)
    await register_seeker(harness, SEEKER)
    harness.clock.advance(timedelta(days=1))
    saved = tmp_path / "backup.sqlite3"
    backup(database, saved)
    await delete_by_chat(harness, SEEKER)
    lost = await register_seeker(harness, SEEKER + 2)  # after the backup: lost by the restore
    carried: list[int] = []
    with ThreadPoolExecutor(1) as operator:  # a process of its own, as from the shell
        await harness.restart(
            lambda: carried.append(operator.submit(restore, saved, database).result())
        )
    assert carried == [1]
    assert await accounts.get_account(harness.db, SEEKER) is None
    assert await accounts.get_account(harness.db, SEEKER + 1) == stays
    assert await harness.rows("SELECT count(*) FROM users") == [(1,)]
    assert (await register_seeker(harness, SEEKER + 3)).id > lost.id  # its id stays used
    # Registering again afterwards is a new start, kept across restarts.
    harness.clock.advance(timedelta(days=1))
    again = await register_seeker(harness, SEEKER)
    await harness.restart()
    assert await accounts.get_account(harness.db, SEEKER) == again


async def test_restore_refuses_a_missing_backup_and_keeps_the_database(
    harness: Harness, tmp_path: Path
):
    await register_seeker(harness, SEEKER)
    database = harness.app.bot_data.settings.database_path
    with pytest.raises(BackupError, match="no backup"):
        restore(tmp_path / "none.sqlite3", database)
    assert await accounts.get_account(harness.db, SEEKER) is not None


async def test_restore_refuses_a_backup_of_a_newer_bot_and_keeps_the_database(
    harness: Harness, tmp_path: Path
):
    await register_seeker(harness, SEEKER)
    database = harness.app.bot_data.settings.database_path
    newer = tmp_path / "newer.sqlite3"
    with contextlib.closing(sqlite3.connect(newer)) as conn:
        conn.execute("PRAGMA user_version = 999")
    with ThreadPoolExecutor(1) as operator, pytest.raises(BackupError, match="newer version"):
        operator.submit(restore, newer, database).result()
    assert not database.with_name(database.name + ".restoring").exists()
    assert await accounts.get_account(harness.db, SEEKER) is not None
