"""One aiosqlite connection per process, explicit write transactions, numbered migrations."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"([0-9]{3})_[a-z0-9_]+\.sql")


# SQLite's file header (https://sqlite.org/fileformat.html#the_database_header).
_HEADER = b"SQLite format 3\x00"
_HEADER_SIZE = 100


class SchemaTooNew(RuntimeError):
    """The database was written by a newer version of the bot; refuse rather than corrupt it."""


class DatabaseUnusable(RuntimeError):
    """DATABASE_PATH cannot be the bot's database; it was left exactly as it was."""


class Db:
    """All writes go through `transaction()`; reads may use `conn` directly.

    `reader` is the same database on a read-only connection with its own thread, for long
    reads (matching a flat against every search) and for the account read that starts every
    update: they need not queue behind a large write on `conn`'s thread, so other users are
    answered meanwhile. It sees what is committed (WAL lets it read while `conn` writes), so
    nothing inside a transaction reads through it.
    """

    def __init__(self, conn: aiosqlite.Connection, reader: aiosqlite.Connection | None = None):
        self.conn = conn
        self._write_lock = asyncio.Lock()
        self.reader: Db = Db(reader) if reader is not None else self

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
        if self.reader is not self:
            await self.reader.close()
        await self.conn.close()


async def open_db(path: Path) -> Db:
    """Checks the file before anything may write to it (WAL mode, migrations), then opens it."""
    if not await check_db(path):
        _make_folder(path)
        await asyncio.to_thread(_create, path)
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    try:
        await _set_pragmas(conn, path)
        await migrate(conn)
        reader = await _open_reader(path)
    except BaseException:
        await conn.close()
        raise
    return Db(conn, reader)


async def _open_reader(path: Path) -> aiosqlite.Connection:
    """The second, read-only connection (see Db.reader), once the schema is in place."""
    reader = await aiosqlite.connect(path, isolation_level=None)
    reader.row_factory = aiosqlite.Row
    for pragma in ("query_only = ON", "busy_timeout = 5000"):
        await reader.execute(f"PRAGMA {pragma}")
    return reader


async def _set_pragmas(conn: aiosqlite.Connection, path: Path) -> None:
    """Outside any transaction, as journal mode requires; the first statement opens the file."""
    try:
        for pragma in (
            "journal_mode = WAL",
            "foreign_keys = ON",
            "busy_timeout = 5000",
            "synchronous = NORMAL",
            "secure_delete = ON",  # deleted rows are overwritten with zeros, not just unlinked
        ):
            await conn.execute(f"PRAGMA {pragma}")
    except sqlite3.Error as error:
        raise _cannot_open(path, error) from None


def _create(path: Path) -> None:
    """Plain sqlite3 here: a failed aiosqlite.connect leaves its thread behind, which then
    prints a traceback into the closed event loop."""
    try:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error as error:
        raise _cannot_open(path, error) from None


def _cannot_open(path: Path, error: sqlite3.Error) -> DatabaseUnusable:
    """E.g. in /proc, in a folder we may not write to, or locked by another process."""
    return _unusable(
        path,
        f"cannot be opened for writing ({error})",
        "choose a writable place that no other bot process uses",
    )


async def check_db(path: Path) -> bool:
    """Refuses what cannot be our database, writing nothing; False: a new one is to be made."""
    if not _has_content(path):
        _check_folder(path)
        return False
    _check_header(path)
    await _check_readable(path, known_version=len(migration_files()))
    return True


def _has_content(path: Path) -> bool:
    """An empty or missing file becomes a new database, as SQLite itself treats it."""
    if path.is_dir():
        raise _unusable(path, "is a folder", f"name a file in it, such as {path / 'bot.sqlite3'}")
    try:
        return path.exists() and path.stat().st_size > 0
    except OSError as error:
        raise _unusable(path, f"cannot be read ({error.strerror})", "check the path") from None


def _check_folder(path: Path) -> None:
    """The nearest folder that exists must be a folder we may write in."""
    existing = path.parent
    while not existing.exists():  # also False below a regular file
        existing = existing.parent
    if not existing.is_dir():
        raise _unusable(path, f"needs the folder {existing}, which is a file", _WRITABLE)
    try:  # a nameless file where the system has them: nothing shows in the folder
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:  # read-only, not ours, or /proc (where root passes os.access)
        raise _unusable(
            path, f"cannot be created in {existing} ({error.strerror})", _WRITABLE
        ) from None


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # e.g. a regular file where a folder should be
        raise _unusable(
            path,
            f"needs the folder {path.parent}, which cannot be made ({error.strerror})",
            _WRITABLE,
        ) from None


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as file:
            header = file.read(_HEADER_SIZE)
    except OSError as error:
        raise _unusable(
            path, f"cannot be read ({error.strerror})", "check its permissions"
        ) from None
    if len(header) < _HEADER_SIZE or not header.startswith(_HEADER):
        raise _unusable(path, "is not an SQLite database", _POINT_OR_RESTORE)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    size_is_valid = pages > 0 and header[24:28] == header[92:96]  # SQLite's own rule
    # A checkpoint cut short by a crash leaves the file short of its header; the -wal heals it.
    if size_is_valid and not _wal_pending(path) and path.stat().st_size < pages * page_size:
        raise _unusable(path, "is cut short (truncated)", "restore it from a backup")


async def _check_readable(path: Path, *, known_version: int) -> None:
    """Reads the schema and version on a read-only connection, which writes nothing."""
    try:
        async with (
            aiosqlite.connect(_read_only_uri(path), uri=True) as conn,
            conn.execute("SELECT count(*) FROM sqlite_master") as cur,
        ):
            await cur.fetchone()
            version = await _user_version(conn)
    except sqlite3.Error as error:  # "file is not a database", "malformed", ...
        raise _unusable(
            path, f"cannot be read as a database ({error})", _POINT_OR_RESTORE
        ) from None
    if version > known_version:
        raise _schema_too_new(version, known_version)


def _read_only_uri(path: Path) -> str:
    """immutable=1 leaves no -wal or -shm behind; it ignores a -wal, so only when none is left."""
    immutable = "" if _wal_pending(path) else "&immutable=1"
    return f"{path.resolve().as_uri()}?mode=ro{immutable}"


def _wal_pending(path: Path) -> bool:
    """Writes not yet copied into the database file (after a crash, or while another runs)."""
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


_WRITABLE = "choose a path in a writable folder"
_POINT_OR_RESTORE = "set DATABASE_PATH to the bot's database or restore it from a backup"


def _unusable(path: Path, problem: str, fix: str) -> DatabaseUnusable:
    return DatabaseUnusable(f"DATABASE_PATH {path} {problem}: {fix}; nothing was changed")


def _schema_too_new(version: int, known_version: int) -> SchemaTooNew:
    return SchemaTooNew(
        f"the database is at schema version {version} but this bot knows only "
        f"{known_version}: run a newer version of the bot or restore a matching backup; "
        "nothing was changed"
    )


async def _user_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


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
    current = await _user_version(conn)
    if current > len(files):
        raise _schema_too_new(current, len(files))
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
