"""Migration 010 on a database that has lived: ids never come back, not even one deleted before
the migration, foreign keys hold, and the audit log forgets strangers and the dead."""

from __future__ import annotations

import shutil
from pathlib import Path

import aiosqlite

from storage.db import MIGRATIONS_DIR, migrate, open_db

USER = (
    "INSERT INTO users (telegram_id, role, locale, consent_at, created_at, last_seen_at)"
    " VALUES (?, 'seeker', 'en', '2024-01-01', ?, '2024-01-01')"
)
AUDIT = (
    "INSERT INTO audit_log (at, actor_telegram_id, carrier_id, action, subject_user_id, detail)"
    " VALUES (?, ?, 1, ?, ?, NULL)"
)


async def _database_at_009(tmp_path: Path) -> Path:
    """Users 1 and 2 live; 3 was deleted and its id given to the next user; a stranger tried."""
    older = tmp_path / "migrations"
    older.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql"))[:9]:
        shutil.copy(path, older / path.name)
    path = tmp_path / "bot.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await conn.execute("PRAGMA foreign_keys = ON")
        await migrate(conn, older)
        for telegram_id in (101, 102, 103):
            await conn.execute(USER, (telegram_id, "2024-01-01"))
        await conn.execute("INSERT INTO carrier_consents VALUES (2, 1, '2024-01-02')")
        await conn.execute(AUDIT, ("2024-02-01", 501, "case.view", 3))
        await conn.execute(AUDIT, ("2024-02-01", 501, "case.view", 2))
        await conn.execute(AUDIT, ("2024-02-01", 777, "denied.case.find", None))
        await conn.execute(AUDIT, ("2024-02-01", 101, "denied.case.find", None))
        await conn.execute("DELETE FROM users WHERE id = 3")
        # Before 010 the id of the deleted 3 went to the next user, who "inherited" its log.
        await conn.execute(USER, (104, "2024-03-01"))
        await conn.execute(AUDIT, ("2024-03-15", 501, "case.view", 3))
        await conn.execute(USER, (106, "2024-04-01"))  # id 4, the highest, deleted
        await conn.execute(AUDIT, ("2024-04-02", 501, "case.view", 4))
        await conn.execute("UPDATE audit_log SET detail = 'case=GONE42 status=offer' WHERE id = 6")
        await conn.execute("UPDATE users SET case_number = 'LIVE42' WHERE id = 2")
        await conn.execute("UPDATE audit_log SET detail = 'case=LIVE42' WHERE id = 2")
        await conn.execute("DELETE FROM users WHERE id = 4")
    return path


async def test_ids_deleted_before_the_migration_are_not_handed_out_again(tmp_path: Path):
    db = await open_db(await _database_at_009(tmp_path))
    try:
        assert await db.conn.execute_fetchall("PRAGMA foreign_key_check") == []
        assert [tuple(r) for r in await db.conn.execute_fetchall("PRAGMA foreign_keys")] == [(1,)]
        async with db.transaction():
            await db.conn.execute(USER, (105, "2025-01-01"))
        rows = await db.conn.execute_fetchall("SELECT id, telegram_id FROM users ORDER BY id")
        assert [tuple(r) for r in rows] == [(1, 101), (2, 102), (3, 104), (5, 105)]
        consents = await db.conn.execute_fetchall("SELECT user_id FROM carrier_consents")
        assert [tuple(r) for r in consents] == [(2,)]  # the rebuild cascaded nothing away
        audit = await db.conn.execute_fetchall(
            "SELECT actor_telegram_id, action, subject_user_id FROM audit_log ORDER BY id"
        )
        details = await db.conn.execute_fetchall("SELECT detail FROM audit_log ORDER BY id")
        assert [row[0] for row in details] == [
            None, "case=LIVE42", None, None, None, "case=deleted status=offer"
        ]  # fmt: skip
        assert [tuple(r) for r in audit] == [
            (501, "case.view", None),  # the deleted user 3, not the later holder of its id
            (501, "case.view", 2),
            (None, "denied.case.find", None),  # a stranger
            (101, "denied.case.find", None),  # a user: kept until they delete
            (501, "case.view", 3),  # the later holder
            (501, "case.view", None),  # the deleted 4
        ]
    finally:
        await db.close()


async def test_a_migration_leaving_a_dangling_reference_is_rolled_back(tmp_path: Path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "001_a.sql").write_text(
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE b (a_id INTEGER REFERENCES a (id));\n"
        "INSERT INTO b VALUES (7);\n"
    )
    async with aiosqlite.connect(tmp_path / "db.sqlite3", isolation_level=None) as conn:
        await conn.execute("PRAGMA foreign_keys = ON")
        try:
            await migrate(conn, migrations)
        except aiosqlite.IntegrityError as error:
            assert "001_a.sql" in str(error)
        else:
            raise AssertionError("a dangling reference was committed")
        async with conn.execute("PRAGMA user_version") as cur:
            assert (await cur.fetchone())[0] == 0
        async with conn.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
