"""Which carriers may see a seeker's data, and the audit log of every staff access."""

from __future__ import annotations

from datetime import datetime

from domain.accounts import AuditEntry
from storage.db import Db, to_db


async def grant_consent(db: Db, user_id: int, carrier_id: int, now: datetime) -> None:
    await db.conn.execute(
        "INSERT INTO carrier_consents (user_id, carrier_id, granted_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id, carrier_id) DO NOTHING",
        (user_id, carrier_id, to_db(now)),
    )


async def withdraw_consent(db: Db, user_id: int, carrier_id: int) -> None:
    await db.conn.execute(
        "DELETE FROM carrier_consents WHERE user_id = ? AND carrier_id = ?",
        (user_id, carrier_id),
    )


async def has_consent(db: Db, user_id: int, carrier_id: int) -> bool:
    async with db.conn.execute(
        "SELECT 1 FROM carrier_consents WHERE user_id = ? AND carrier_id = ?",
        (user_id, carrier_id),
    ) as cur:
        return await cur.fetchone() is not None


async def consented_carriers(db: Db, user_id: int) -> list[int]:
    async with db.conn.execute(
        "SELECT carrier_id FROM carrier_consents WHERE user_id = ? ORDER BY carrier_id",
        (user_id,),
    ) as cur:
        return [row[0] for row in await cur.fetchall()]


async def record_audit(
    db: Db,
    *,
    actor_telegram_id: int,
    action: str,
    now: datetime,
    carrier_id: int | None = None,
    subject_user_id: int | None = None,
    detail: str | None = None,
) -> None:
    """Call inside the transaction of the staff action it records (reads get their own)."""
    await db.conn.execute(
        "INSERT INTO audit_log (at, actor_telegram_id, carrier_id, action, subject_user_id,"
        " detail) VALUES (?, ?, ?, ?, ?, ?)",
        (to_db(now), actor_telegram_id, carrier_id, action, subject_user_id, detail),
    )


async def audit_for_subject(db: Db, subject_user_id: int) -> list[AuditEntry]:
    async with db.conn.execute(
        "SELECT at, actor_telegram_id, carrier_id, action, subject_user_id, detail"
        " FROM audit_log WHERE subject_user_id = ? ORDER BY at, id",
        (subject_user_id,),
    ) as cur:
        rows = await cur.fetchall()
    return [
        AuditEntry(
            at=datetime.fromisoformat(row[0]),
            actor_telegram_id=row[1],
            carrier_id=row[2],
            action=row[3],
            subject_user_id=row[4],
            detail=row[5],
        )
        for row in rows
    ]
