"""One aiosqlite connection per process, explicit write transactions, numbered migrations."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"([0-9]{3})_[a-z0-9_]+\.sql")


class SchemaTooNew(RuntimeError):
    """The database was written by a newer version of the bot; refuse rather than corrupt it."""


class Db:
    """All writes go through `transaction()`; reads may use `conn` directly."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Db]:
        # On a shared connection another coroutine's statement would join an open transaction,
        # so writers queue here before BEGIN IMMEDIATE.
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:  # cancellation too; always re-raised
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def checkpoint(self) -> None:
        """Moves the WAL into the database file and empties it: call after a deletion or purge
        commits, so deleted rows (zeroed in the file by secure_delete) leave no copy behind."""
        async with self._write_lock:  # not inside another coroutine's open transaction
            await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        await self.conn.close()


async def open_db(path: Path) -> Db:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    try:
        # Journal mode and pragmas must be set outside any transaction.
        for pragma in (
            "journal_mode = WAL",
            "foreign_keys = ON",
            "busy_timeout = 5000",
            "synchronous = NORMAL",
            "secure_delete = ON",  # deleted rows are overwritten with zeros, not just unlinked
        ):
            await conn.execute(f"PRAGMA {pragma}")
        await migrate(conn)
    except BaseException:
        await conn.close()
        raise
    return Db(conn)


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    """The numbered migrations in order; a gap or a stray name is a bug, not a skip."""
    files = sorted(directory.glob("*.sql"))
    for expected, path in enumerate(files, start=1):
        match = _MIGRATION_NAME.fullmatch(path.name)
        if match is None or int(match[1]) != expected:
            raise RuntimeError(f"migration {path.name} should be numbered {expected:03d}")
    return files


async def migrate(conn: aiosqlite.Connection, directory: Path = MIGRATIONS_DIR) -> int:
    """Run pending migrations, each with its version bump in one transaction."""
    files = migration_files(directory)
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row else 0
    if current > len(files):
        raise SchemaTooNew(
            f"the database is at schema version {current} but this bot knows only "
            f"{len(files)}: run a newer version of the bot or restore a matching backup"
        )
    if current == len(files):
        return current
    # A migration may rebuild a table other tables refer to (SQLite's 12-step ALTER): with
    # foreign keys on, its DROP TABLE would cascade into the children. The switch only works
    # outside a transaction, so it is off for the run and every file must leave no dangling
    # reference before its COMMIT.
    async with conn.execute("PRAGMA foreign_keys") as cur:
        row = await cur.fetchone()
    enforced = bool(row and row[0])
    await conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for version, path in enumerate(files[current:], start=current + 1):
            await _run_migration(conn, path.name, path.read_text(encoding="utf-8"), version)
    finally:
        if enforced:
            await conn.execute("PRAGMA foreign_keys = ON")
    return len(files)


async def _run_migration(conn: aiosqlite.Connection, name: str, script: str, version: int) -> None:
    await conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in split_statements(script):
            await conn.execute(statement)
        async with conn.execute("PRAGMA foreign_key_check") as cur:
            broken = await cur.fetchone()
        if broken is not None:
            raise sqlite3.IntegrityError(
                f"migration {name} leaves a row of {broken[0]} pointing at a missing "
                f"row of {broken[2]}"
            )
        await conn.execute(f"PRAGMA user_version = {version:d}")
    except BaseException:
        await conn.execute("ROLLBACK")
        raise
    await conn.execute("COMMIT")


def split_statements(script: str) -> list[str]:
    """Split SQL into statements; executescript() would COMMIT our open transaction."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not _only_comments(buffer):
        raise ValueError(f"incomplete SQL statement at the end: {buffer.strip()[:60]!r}")
    return statements


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


def to_db(moment: datetime) -> str:
    """Timestamps are stored as UTC ISO-8601 with offset."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat()


def from_db(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
