"""Deleting a person "as by /delete", and keeping them deleted when a backup is restored.

What stays after a deletion (README "What stays after a deletion" lists it per table): the audit
log's entries of staff actions, without their subject; refused attempts, without their actor;
one keyed hash of the Telegram id in `erased`. Everything else about the person goes: their
users row and, by ON DELETE CASCADE or SET NULL, every row that names them; notices about them
queued for other people are deleted here.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime

from domain.access import DENIED_PREFIX
from storage.db import Db, from_db, to_db

_log = logging.getLogger(__name__)
ERASED_CASE = "case=deleted"  # in the audit log's details, where the case number was


def erasure_digest(key: bytes, telegram_id: int) -> str:
    """One-way and keyed: without ERASURE_KEY nobody can test which Telegram ids are in it."""
    return hmac.new(key, str(telegram_id).encode(), hashlib.sha256).hexdigest()


async def erase_user(db: Db, user_id: int, now: datetime, erasure_key: bytes | None) -> bool:
    """Inside a transaction: deletes the user (users.id) and all their personal data; False if
    there is no such user. After the commit call `db.checkpoint()`, so no copy stays in the WAL.
    Without a key nothing is recorded, and a restored older backup would bring them back."""
    rows = await db.conn.execute_fetchall(
        "SELECT telegram_id, case_number FROM users WHERE id = ?", (user_id,)
    )
    if not rows:
        return False
    telegram_id, case_number = next(iter(rows))
    await _forget_notices(db, user_id)
    if case_number is not None:  # staff looked it up, or tried to: "case=K7M2QX" in the log
        await db.conn.execute(
            "UPDATE audit_log SET detail = replace(detail, :code, :gone)"
            " WHERE (subject_user_id = :user OR subject_user_id IS NULL)"
            " AND instr(detail, :code) > 0",
            {"code": f"case={case_number}", "gone": ERASED_CASE, "user": user_id},
        )
    # Their own refused attempts stay counted, but no longer say whose they were. Actions done
    # as staff keep their actor: the carrier answers for what its employees did.
    await db.conn.execute(
        "UPDATE audit_log SET actor_telegram_id = NULL"
        " WHERE actor_telegram_id = ? AND action LIKE ? || '%'",
        (telegram_id, DENIED_PREFIX),
    )
    await db.conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
    if erasure_key is not None:
        await db.conn.execute(
            "INSERT INTO erased (digest, erased_at) VALUES (?, ?) ON CONFLICT (digest)"
            " DO UPDATE SET erased_at = max(erased_at, excluded.erased_at)",
            (erasure_digest(erasure_key, telegram_id), to_db(now)),
        )
    return True


async def _forget_notices(db: Db, user_id: int) -> None:
    """Their own outbox rows go by cascade; these are the notices to other people (staff, a
    volunteer, the household) about the person's case, viewings, bookings, questions or the
    accompaniment they gave, found by the `ref` and `dedupe_key` prefixes their senders use.
    A new kind of notice about a person needs a ref or dedupe key with one of these prefixes
    (or a new one here)."""
    rows = await db.conn.execute_fetchall(
        "SELECT 'companion:' || id FROM accompaniment_requests"
        " WHERE user_id = :user OR volunteer_id = :user"
        " UNION ALL SELECT 'viewing:' || id FROM viewings WHERE user_id = :user"
        " UNION ALL SELECT 'ticket:' || id FROM tickets WHERE user_id = :user"
        " UNION ALL SELECT 'booking:' || id FROM bookings WHERE user_id = :user"
        " UNION ALL SELECT 'case:' || :user UNION ALL SELECT 'aftercare:' || :user",
        {"user": user_id},
    )
    # "ref:" up to "ref;" (the next character) is every key that starts with "ref:"; unlike
    # LIKE, a range uses the indexes on ref and dedupe_key.
    await db.conn.executemany(
        "DELETE FROM outbox WHERE ref = :ref"
        " OR (ref > :ref || ':' AND ref < :ref || ';')"
        " OR (dedupe_key > :ref || ':' AND dedupe_key < :ref || ';')",
        [{"ref": row[0]} for row in rows],
    )


async def reapply_erasures(db: Db, erasure_key: bytes | None, now: datetime) -> int:
    """At start: deletes again everyone a restored backup brought back, i.e. each account
    created before its Telegram id was erased. Returns how many were deleted."""
    if erasure_key is None:
        _log.warning(
            "ERASURE_KEY is not set: deletions are not recorded, so restoring a backup would "
            "bring deleted users back"
        )
        return 0
    async with db.transaction():
        erased = {
            row[0]: from_db(row[1])
            for row in await db.conn.execute_fetchall("SELECT digest, erased_at FROM erased")
        }
        if not erased:
            return 0
        users = await db.conn.execute_fetchall("SELECT id, telegram_id, created_at FROM users")
        again = []
        for user_id, telegram_id, created_at in users:
            erased_at = erased.get(erasure_digest(erasure_key, telegram_id))
            created = from_db(created_at)
            if erased_at is not None and created is not None and created < erased_at:
                again.append(int(user_id))
        for user_id in again:
            await erase_user(db, user_id, now, erasure_key)
    if again:
        await db.checkpoint()
        _log.info("deleted %d users again whom a restored backup had brought back", len(again))
    return len(again)
