"""Which carriers may see a seeker's data, and the audit log of every staff access."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from domain.access import DENIED_PREFIX
from domain.accounts import AuditEntry
from domain.cases import ConsentAnswer, ConsentRequest
from storage import cases
from storage.db import Db, from_db, to_db


async def grant_consent(db: Db, user_id: int, carrier_id: int, now: datetime) -> None:
    await db.conn.execute(
        "INSERT INTO carrier_consents (user_id, carrier_id, granted_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id, carrier_id) DO NOTHING",
        (user_id, carrier_id, to_db(now)),
    )
    await cases.open_case(db, user_id, carrier_id, now)  # every consenting household has one


async def withdraw_consent(db: Db, user_id: int, carrier_id: int) -> None:
    await db.conn.execute(
        "DELETE FROM carrier_consents WHERE user_id = ? AND carrier_id = ?",
        (user_id, carrier_id),
    )


async def has_consent(db: Db, user_id: int, carrier_id: int) -> bool:
    return await consent_granted_at(db, user_id, carrier_id) is not None


async def consent_granted_at(db: Db, user_id: int, carrier_id: int) -> datetime | None:
    async with db.conn.execute(
        "SELECT granted_at FROM carrier_consents WHERE user_id = ? AND carrier_id = ?",
        (user_id, carrier_id),
    ) as cur:
        row = await cur.fetchone()
    return from_db(row[0]) if row else None


async def consented_carriers(db: Db, user_id: int) -> list[int]:
    async with db.conn.execute(
        "SELECT carrier_id FROM carrier_consents WHERE user_id = ? ORDER BY carrier_id",
        (user_id,),
    ) as cur:
        return [row[0] for row in await cur.fetchall()]


_REQUEST_COLUMNS = (
    "SELECT id, user_id, carrier_id, requested_by, requested_at, answer, answered_at"
    " FROM consent_requests"
)


def _request(row: aiosqlite.Row) -> ConsentRequest:
    requested = from_db(row["requested_at"])
    assert requested is not None  # NOT NULL column
    return ConsentRequest(
        id=row["id"],
        user_id=row["user_id"],
        carrier_id=row["carrier_id"],
        requested_by=row["requested_by"],
        requested_at=requested,
        answer=ConsentAnswer(row["answer"]) if row["answer"] else None,
        answered_at=from_db(row["answered_at"]),
    )


async def get_consent_request(db: Db, request_id: int) -> ConsentRequest | None:
    async with db.conn.execute(_REQUEST_COLUMNS + " WHERE id = ?", (request_id,)) as cur:
        row = await cur.fetchone()
    return _request(row) if row else None


async def latest_consent_request(db: Db, user_id: int, carrier_id: int) -> ConsentRequest | None:
    async with db.conn.execute(
        _REQUEST_COLUMNS + " WHERE user_id = ? AND carrier_id = ?", (user_id, carrier_id)
    ) as cur:
        row = await cur.fetchone()
    return _request(row) if row else None


async def open_consent_request(
    db: Db, user_id: int, carrier_id: int, requested_by: int, now: datetime
) -> int:
    """Replaces the carrier's earlier request with a new id, so its old buttons expire."""
    async with db.conn.execute(
        "INSERT OR REPLACE INTO consent_requests (user_id, carrier_id, requested_by,"
        " requested_at) VALUES (?, ?, ?, ?)",
        (user_id, carrier_id, requested_by, to_db(now)),
    ) as cur:
        assert cur.lastrowid is not None
        return cur.lastrowid


async def answer_consent_request(
    db: Db, request_id: int, answer: ConsentAnswer, now: datetime
) -> None:
    await db.conn.execute(
        "UPDATE consent_requests SET answer = ?, answered_at = ? WHERE id = ?",
        (answer.value, to_db(now), request_id),
    )


async def record_audit(
    db: Db,
    *,
    actor_telegram_id: int | None,
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


async def acted_as_staff(db: Db, telegram_id: int) -> bool:
    """Whether the audit log names this Telegram id as the actor of an allowed action."""
    rows = await db.conn.execute_fetchall(
        "SELECT 1 FROM audit_log WHERE actor_telegram_id = ? AND action NOT LIKE ? || '%' LIMIT 1",
        (telegram_id, DENIED_PREFIX),
    )
    return bool(rows)


_AUDIT_COLUMNS = (
    "SELECT a.at, a.actor_telegram_id, a.carrier_id, a.action, a.subject_user_id, a.detail,"
    " u.case_number FROM audit_log a LEFT JOIN users u ON u.id = a.subject_user_id"
)


def _audit_entry(row: aiosqlite.Row) -> AuditEntry:
    return AuditEntry(
        at=datetime.fromisoformat(row[0]),
        actor_telegram_id=row[1],
        carrier_id=row[2],
        action=row[3],
        subject_user_id=row[4],
        detail=row[5],
        subject_case_number=row[6],
    )


async def audit_for_subject(db: Db, subject_user_id: int) -> list[AuditEntry]:
    async with db.conn.execute(
        _AUDIT_COLUMNS + " WHERE a.subject_user_id = ? ORDER BY a.at, a.id", (subject_user_id,)
    ) as cur:
        return [_audit_entry(row) for row in await cur.fetchall()]


async def audit_for_carrier(
    db: Db, carrier_id: int | None, offset: int, limit: int
) -> list[AuditEntry]:
    """Newest first; one carrier's entries, or every entry for None (admins)."""
    async with db.conn.execute(
        _AUDIT_COLUMNS + " WHERE ? IS NULL OR a.carrier_id = ?"
        " ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?",
        (carrier_id, carrier_id, limit, offset),
    ) as cur:
        return [_audit_entry(row) for row in await cur.fetchall()]
