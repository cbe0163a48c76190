"""Migrations: empty to latest, a failed one rolls back, a newer database is refused."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import aiosqlite
import pytest

from storage.db import (
    DatabaseUnusable,
    SchemaTooNew,
    migrate,
    migration_files,
    open_db,
    split_statements,
)
from tests.fakes import snapshot


async def test_an_empty_database_migrates_to_the_latest_version(tmp_path: Path):
    db = await open_db(tmp_path / "new.sqlite3")
    try:
        async with db.conn.execute("PRAGMA user_version") as cur:
            assert (await cur.fetchone())[0] == len(migration_files())
        async with db.conn.execute("SELECT code FROM carriers ORDER BY id") as cur:
            assert [row[0] for row in await cur.fetchall()] == ["caritas", "drk", "kfr"]
        async with db.conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
    finally:
        await db.close()
    again = await open_db(tmp_path / "new.sqlite3")  # a second start migrates nothing
    await again.close()


async def test_a_database_newer_than_the_code_is_refused_and_left_alone(tmp_path: Path):
    path = tmp_path / "future.sqlite3"
    async with aiosqlite.connect(path) as conn:
        await conn.execute(f"PRAGMA user_version = {len(migration_files()) + 1}")
        await conn.commit()
    with pytest.raises(SchemaTooNew, match="newer version"):
        await open_db(path)
    async with aiosqlite.connect(path) as conn, conn.execute("PRAGMA user_version") as cur:
        assert (await cur.fetchone())[0] == len(migration_files()) + 1


async def test_a_failing_migration_rolls_back_and_stays_pending(tmp_path: Path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "001_ok.sql").write_text("CREATE TABLE a (x INTEGER);\n")
    (migrations / "002_bad.sql").write_text(
        "CREATE TABLE b (x INTEGER);\nINSERT INTO nope VALUES (1);\n"
    )
    async with aiosqlite.connect(tmp_path / "db.sqlite3", isolation_level=None) as conn:
        with pytest.raises(aiosqlite.OperationalError):
            await migrate(conn, migrations)
        async with conn.execute("PRAGMA user_version") as cur:
            assert (await cur.fetchone())[0] == 1
        async with conn.execute("SELECT name FROM sqlite_master WHERE name = 'b'") as cur:
            assert await cur.fetchone() is None


def test_migration_numbers_have_no_gaps(tmp_path: Path):
    (tmp_path / "001_a.sql").write_text("")
    (tmp_path / "003_c.sql").write_text("")
    with pytest.raises(RuntimeError, match="002"):
        migration_files(tmp_path)


def test_statements_are_split_without_breaking_triggers():
    script = """
    -- a comment; with a semicolon
    CREATE TABLE t (x TEXT DEFAULT 'a;b');
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = 'c'; END;
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].endswith("END;")


async def _bot_database(path: Path, *, version_offset: int = 0) -> Path:
    """A database the bot wrote (WAL mode, every table), its version moved by the offset."""
    await (await open_db(path)).close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {len(migration_files()) + version_offset:d}")
    return path


def _truncated(path: Path, keep: int) -> None:
    path.write_bytes(path.read_bytes()[:keep])


async def _bad_file(kind: str, folder: Path) -> Path:
    path = folder / "bot.sqlite3"
    if kind == "newer schema":
        return await _bot_database(path, version_offset=1)
    if kind == "newer schema, no WAL":
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("CREATE TABLE future (x)")
            conn.execute(f"PRAGMA user_version = {len(migration_files()) + 5:d}")
        return path
    if kind == "random bytes":
        path.write_bytes(random.Random(14).randbytes(8192))
    elif kind == "text file":
        path.write_text("BOT_TOKEN=123\nthis is not a database\n" * 40)
    elif kind.startswith("truncated"):
        await _bot_database(path)
        keep = 50 if kind == "truncated header" else path.stat().st_size // 2
        _truncated(path, keep)
    return path


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("newer schema", SchemaTooNew),
        ("newer schema, no WAL", SchemaTooNew),
        ("random bytes", DatabaseUnusable),
        ("text file", DatabaseUnusable),
        ("truncated header", DatabaseUnusable),
        ("truncated pages", DatabaseUnusable),
    ],
)
async def test_a_file_that_is_not_our_database_is_refused_in_one_line_and_not_touched(
    tmp_path: Path, kind: str, error: type[Exception]
):
    path = await _bad_file(kind, tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(error) as raised:
        await open_db(path)
    assert "\n" not in str(raised.value) and "nothing was changed" in str(raised.value)
    assert snapshot(tmp_path) == before  # the same bytes and times, and no -wal/-shm left


ON_LINUX = pytest.mark.skipif(not Path("/proc/self").exists(), reason="no /proc here")


def _under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "notes.txt").write_text("a regular file")
    return tmp_path / "notes.txt" / "bot.sqlite3"


def _a_folder(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    return tmp_path / "data"


@pytest.mark.parametrize(
    ("place", "problem"),
    [
        (_under_a_file, "which is a file"),
        (_a_folder, "is a folder"),
        pytest.param(
            lambda _: Path("/proc/bot.sqlite3"), "cannot be created in /proc", marks=ON_LINUX
        ),
        pytest.param(lambda _: Path("/proc/self/status"), "cannot be created", marks=ON_LINUX),
    ],
    ids=["under a regular file", "a folder", "in /proc", "a file in /proc"],
)
async def test_a_path_that_cannot_hold_the_database_is_refused_in_one_line(
    tmp_path: Path, place: Callable[[Path], Path], problem: str
):
    path = place(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(DatabaseUnusable, match=problem) as raised:
        await open_db(path)
    assert "\n" not in str(raised.value) and str(raised.value).startswith("DATABASE_PATH")
    assert snapshot(tmp_path) == before


async def test_an_empty_file_becomes_a_new_database(tmp_path: Path):
    path = tmp_path / "bot.sqlite3"
    path.touch()
    await (await open_db(path)).close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migration_files())


def _crashed_mid_checkpoint(live: Path, crash: Path) -> None:
    """The state kill -9 leaves during a checkpoint: page 1 (with the new size) copied into
    the file, later pages not yet; the -wal still holds them all."""
    with closing(sqlite3.connect(live, isolation_level=None)) as conn:
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        short = live.stat().st_size
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 200)
        crash.mkdir()
        shutil.copy(live.with_name(live.name + "-wal"), crash / (live.name + "-wal"))
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        (crash / live.name).write_bytes(live.read_bytes()[:short])


async def test_a_database_left_by_a_crash_mid_checkpoint_opens_with_its_wal(tmp_path: Path):
    live = tmp_path / "bot.sqlite3"
    await (await open_db(live)).close()
    with closing(sqlite3.connect(live)) as conn:
        conn.execute("CREATE TABLE t (x TEXT)")
        conn.commit()
    _crashed_mid_checkpoint(live, tmp_path / "crash")
    db = await open_db(tmp_path / "crash" / "bot.sqlite3")
    try:
        async with db.conn.execute("SELECT count(*) FROM t") as cur:
            assert (await cur.fetchone())[0] == 200
    finally:
        await db.close()
