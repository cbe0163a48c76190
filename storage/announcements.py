"""Announcements while staff write them, and the people they can go to."""

from __future__ import annotations

import json
from datetime import datetime

import aiosqlite

from domain.accounts import Audience, Role
from domain.announcements import Announcement, Person, Step
from storage.db import Db, from_db, to_db

_COLUMNS = """
    SELECT id, created_by, step, body, audience, district, locale, asking_since, created_at,
           sent_at
    FROM announcements
"""


def _announcement(row: aiosqlite.Row) -> Announcement:
    created = from_db(row["created_at"])
    assert created is not None  # NOT NULL column
    return Announcement(
        id=row["id"],
        created_by=row["created_by"],
        step=Step(row["step"]),
        created_at=created,
        body=row["body"],
        audience=Audience(row["audience"]) if row["audience"] else None,
        district=row["district"],
        locale=row["locale"],
        asking_since=from_db(row["asking_since"]),
        sent_at=from_db(row["sent_at"]),
    )


async def get_announcement(db: Db, announcement_id: int) -> Announcement | None:
    rows = await db.conn.execute_fetchall(_COLUMNS + " WHERE id = ?", (announcement_id,))
    return _announcement(next(iter(rows))) if rows else None


async def find_draft(db: Db, staff_user_id: int) -> Announcement | None:
    rows = await db.conn.execute_fetchall(
        _COLUMNS + " WHERE created_by = ? AND sent_at IS NULL", (staff_user_id,)
    )
    return _announcement(next(iter(rows))) if rows else None


async def draft_asking_since(db: Db, staff_user_id: int) -> datetime | None:
    rows = await db.conn.execute_fetchall(
        "SELECT asking_since FROM announcements WHERE created_by = ? AND sent_at IS NULL",
        (staff_user_id,),
    )
    return from_db(next(iter(rows))[0]) if rows else None


async def create_draft(db: Db, staff_user_id: int, now: datetime) -> Announcement:
    """A new announcement that waits for its text, or the staff member's unsent one."""
    await db.conn.execute(
        "INSERT INTO announcements (created_by, step, asking_since, created_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (created_by) WHERE sent_at IS NULL DO NOTHING",
        (staff_user_id, Step.TEXT.value, to_db(now), to_db(now)),
    )
    draft = await find_draft(db, staff_user_id)
    assert draft is not None
    return draft


async def save_announcement(db: Db, announcement: Announcement) -> None:
    a = announcement
    await db.conn.execute(
        "UPDATE announcements SET step = ?, body = ?, audience = ?, district = ?, locale = ?,"
        " asking_since = ?, sent_at = ? WHERE id = ?",
        (
            a.step.value,
            a.body,
            None if a.audience is None else a.audience.value,
            a.district,
            a.locale,
            None if a.asking_since is None else to_db(a.asking_since),
            None if a.sent_at is None else to_db(a.sent_at),
            a.id,
        ),
    )


async def delete_draft(db: Db, announcement_id: int) -> None:
    await db.conn.execute(
        "DELETE FROM announcements WHERE id = ? AND sent_at IS NULL", (announcement_id,)
    )


async def list_people(db: Db, roles: frozenset[Role]) -> list[Person]:
    """Registered (consented) users with one of `roles`."""
    rows = await db.conn.execute_fetchall(
        "SELECT id, role, locale FROM users WHERE consent_at IS NOT NULL"
        " AND role IN (SELECT value FROM json_each(?)) ORDER BY id",
        (json.dumps(sorted(role.value for role in roles)),),
    )
    return [Person(row[0], Role(row[1]), row[2]) for row in rows]
