"""Migrations: empty to latest, a failed one rolls back, a newer database is refused."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from storage.db import SchemaTooNew, migrate, migration_files, open_db, split_statements


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
