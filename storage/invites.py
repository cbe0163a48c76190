"""Staff invitations: the raw token leaves storage once, only its hash is kept."""

from __future__ import annotations

import secrets
from datetime import datetime

import aiosqlite

from domain.accounts import StaffRole
from domain.invites import TOKEN_BYTES, Invite, hash_token
from storage.db import Db, from_db, to_db


async def create_invite(
    db: Db,
    *,
    carrier_id: int,
    role: StaffRole,
    created_by: int,
    now: datetime,
    expires_at: datetime,
) -> str:
    """Stores a new invitation and returns its token, which is not kept anywhere."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await db.conn.execute(
        "INSERT INTO staff_invites (token_hash, carrier_id, role, created_by, created_at,"
        " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        (hash_token(token), carrier_id, role.value, created_by, to_db(now), to_db(expires_at)),
    )
    return token


def _invite(row: aiosqlite.Row) -> Invite:
    created, expires = from_db(row["created_at"]), from_db(row["expires_at"])
    assert created is not None and expires is not None  # NOT NULL columns
    return Invite(
        id=row["id"],
        carrier_id=row["carrier_id"],
        role=StaffRole(row["role"]),
        created_by=row["created_by"],
        created_at=created,
        expires_at=expires,
        used_at=from_db(row["used_at"]),
        used_by=row["used_by"],
    )


async def find_invite(db: Db, token: str) -> Invite | None:
    async with db.conn.execute(
        "SELECT id, carrier_id, role, created_by, created_at, expires_at, used_at, used_by"
        " FROM staff_invites WHERE token_hash = ?",
        (hash_token(token),),
    ) as cur:
        row = await cur.fetchone()
    return _invite(row) if row else None


async def mark_invite_used(db: Db, invite_id: int, telegram_id: int, now: datetime) -> None:
    """Call in the transaction that found the invite valid and makes the person staff."""
    await db.conn.execute(
        "UPDATE staff_invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
        (to_db(now), telegram_id, invite_id),
    )
