"""Migration 002 keeps existing staff working: they become caseworkers, seekers stay findable."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from storage import accounts
from storage.db import MIGRATIONS_DIR, Db, migrate, migration_files


async def test_existing_staff_become_caseworkers_and_case_numbers_are_unique(tmp_path: Path):
    first_only = tmp_path / "migrations"
    first_only.mkdir()
    shutil.copy(MIGRATIONS_DIR / "001_init.sql", first_only)
    async with aiosqlite.connect(tmp_path / "db.sqlite3", isolation_level=None) as conn:
        conn.row_factory = aiosqlite.Row
        assert await migrate(conn, first_only) == 1
        for telegram_id, role in ((1, "staff"), (2, "seeker"), (3, "seeker")):
            await conn.execute(
                "INSERT INTO users (telegram_id, role, locale, created_at, last_seen_at)"
                " VALUES (?, ?, 'de', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
                (telegram_id, role),
            )
        await conn.execute(
            "INSERT INTO staff_members (user_id, carrier_id, added_by, added_at)"
            " VALUES (1, 2, 900, '2026-01-01T00:00:00+00:00')"
        )
        assert await migrate(conn) == len(migration_files())
        db = Db(conn)
        staff = await accounts.get_account(db, 1)
        assert staff is not None and staff.staff_role == "caseworker" and staff.carrier_id == 2
        async with db.transaction():
            number = await accounts.assign_case_number(db, 2)
            assert await accounts.assign_case_number(db, 2) == number  # keeps the first
        with pytest.raises(sqlite3.IntegrityError):
            await conn.execute("UPDATE users SET case_number = ? WHERE id = 3", (number,))


async def test_a_taken_case_number_is_drawn_again(harness, monkeypatch):
    letters = iter("AAAAAAAAAAAABBBBBB")
    monkeypatch.setattr(accounts.secrets, "choice", lambda alphabet: next(letters))
    for telegram_id in (1, 2):
        async with harness.db.transaction() as db:
            await db.conn.execute(
                "INSERT INTO users (telegram_id, role, locale, created_at, last_seen_at)"
                " VALUES (?, 'seeker', 'de', '2026-01-01T00:00:00+00:00',"
                " '2026-01-01T00:00:00+00:00')",
                (telegram_id,),
            )
            [(user_id,)] = await harness.rows(
                "SELECT id FROM users WHERE telegram_id = ?", telegram_id
            )
            await accounts.assign_case_number(db, user_id)
    assert await harness.rows("SELECT case_number FROM users ORDER BY id") == [
        ("AAAAAA",),
        ("BBBBBB",),
    ]
