"""`python -m bot backup PATH [--force]` and `python -m bot restore BACKUP`.

A backup is SQLite's online backup of DATABASE_PATH in one step: a consistent copy while the
bot keeps running. A restore replaces the database (the bot must be stopped) but first carries
over the `erased` table of the database it replaces, so the next start deletes again everyone
who deleted their data after the backup was made (storage/erasure.py), and its highest ids, so
no id given since is given twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.settings import database_path
from storage.db import SchemaTooNew, open_db


class BackupError(RuntimeError):
    """One line for the operator: what went wrong and what to do."""


def backup(database: Path, target: Path, *, force: bool = False) -> None:
    if not database.is_file():
        raise BackupError(f"no database at {database}: check DATABASE_PATH")
    if target.exists() and not force:
        raise BackupError(f"{target} exists already: choose another path or add --force")
    if target.exists() and target.resolve() == database.resolve():
        raise BackupError("the backup cannot overwrite the database itself")
    _copy(database, target)


def restore(source: Path, database: Path) -> int:
    """Replaces `database` by the backup `source`; returns how many erasures it carried over."""
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    kept = _kept(database)
    restoring = _sidecar(database, ".restoring")
    _copy(source, restoring)
    try:
        asyncio.run(_keep(restoring, kept))
    except BaseException as error:
        _remove_with_sidecars(restoring)  # the database stays as it was
        if isinstance(error, SchemaTooNew):
            raise BackupError(str(error)) from None
        raise
    _remove_with_sidecars(database, keep_main=True)  # a stale WAL would corrupt the restore
    restoring.replace(database)
    return len(kept.erased)


def _remove_with_sidecars(path: Path, *, keep_main: bool = False) -> None:
    for suffix in ("-wal", "-shm"):
        _sidecar(path, suffix).unlink(missing_ok=True)
    if not keep_main:
        path.unlink(missing_ok=True)


def _copy(source: Path, target: Path) -> None:
    """Through a temporary file, so a failed copy never leaves a half backup at `target`."""
    partial = _sidecar(target, ".partial")
    partial.unlink(missing_ok=True)
    try:
        with contextlib.closing(sqlite3.connect(source)) as src:
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # is it a database?
            with contextlib.closing(sqlite3.connect(partial)) as dst:
                src.backup(dst)  # all pages in one step: one consistent snapshot
                dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot copy {source} to {target}: {error}") from None
    partial.replace(target)


@dataclass(frozen=True, slots=True)
class _Kept:
    """What a restore keeps of the database it replaces."""

    erased: list[tuple[str, str]]  # (digest, erased_at): deleted since the backup, perhaps
    sequences: list[tuple[str, int]]  # (table, highest id given): ids given since stay used


def _kept(database: Path) -> _Kept:
    if not database.is_file():
        return _Kept([], [])
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return _Kept(
            _rows(conn, "SELECT digest, erased_at FROM erased"),
            _rows(conn, "SELECT name, seq FROM sqlite_sequence"),
        )


def _rows(conn: sqlite3.Connection, sql: str) -> list[Any]:
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # a database from before migration 010
        return []


async def _keep(path: Path, kept: _Kept) -> None:
    db = await open_db(path)  # migrates an older backup, so its tables are those of today
    try:
        async with db.transaction():
            await db.conn.executemany(
                "INSERT INTO erased (digest, erased_at) VALUES (?, ?) ON CONFLICT (digest)"
                " DO UPDATE SET erased_at = max(erased_at, excluded.erased_at)",
                kept.erased,
            )
            await db.conn.executemany(
                "INSERT INTO sqlite_sequence (name, seq) SELECT ?1, 0"
                " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)",
                [(name,) for name, _ in kept.sequences],
            )
            await db.conn.executemany(
                "UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1", kept.sequences
            )
    finally:
        await db.close()


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="copy the database while the bot runs")
    make.add_argument("path", type=Path)
    make.add_argument("--force", action="store_true", help="overwrite an existing file")
    back = commands.add_parser("restore", help="replace the stopped bot's database by a backup")
    back.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    database = database_path()
    try:
        if args.command == "backup":
            backup(database, args.path, force=args.force)
            print(f"backup written to {args.path}")  # noqa: T201
        else:
            carried = restore(args.path, database)
            print(f"restored {args.path} to {database}; {carried} deletions kept")  # noqa: T201
    except (BackupError, OSError) as error:
        print(f"{args.command} error: {error}", file=sys.stderr)  # noqa: T201
        return 1
    return 0
