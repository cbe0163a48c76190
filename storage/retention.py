"""The retention rules: reads and purges (periods: domain/retention.py, the daily job:
handlers/onboarding/retention.py).

Each function takes the moment before which data is old, so tests drive them on the fake
clock. Deleting a person is not done here: that is /delete's one path
(handlers/onboarding/menu.py).
"""

from __future__ import annotations

from datetime import datetime

from domain.access import DENIED_PREFIX
from storage.db import Db, to_db

# Activity of a household: its last message or button to the bot, a change of its search, a
# step of its case.
_INACTIVE_SINCE = """
    SELECT s.id, s.user_id FROM searches s JOIN users u ON u.id = s.user_id
    WHERE s.still_looking_asked_at IS NULL AND u.role = 'seeker'
      AND u.last_seen_at < :before AND s.updated_at < :before
      AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.user_id = s.user_id AND e.at >= :before)
    ORDER BY s.id
"""


async def inactive_searches(db: Db, before: datetime) -> list[tuple[int, int]]:
    """(search id, users.id) of searches not used since `before` and not asked about yet."""
    rows = await db.conn.execute_fetchall(_INACTIVE_SINCE, {"before": to_db(before)})
    return [(row[0], row[1]) for row in rows]


async def mark_asked(db: Db, search_id: int, now: datetime) -> None:
    await db.conn.execute(
        "UPDATE searches SET still_looking_asked_at = ? WHERE id = ?", (to_db(now), search_id)
    )


async def keep_search(db: Db, search_id: int, user_id: int) -> bool:
    """The household still looks: the question is settled. False if not its search."""
    async with db.conn.execute(
        "UPDATE searches SET still_looking_asked_at = NULL WHERE id = ? AND user_id = ?",
        (search_id, user_id),
    ) as cur:
        return cur.rowcount > 0


async def renew_active(db: Db) -> int:
    """Households that used the bot after being asked are still looking; returns how many."""
    async with db.conn.execute(
        "UPDATE searches SET still_looking_asked_at = NULL WHERE still_looking_asked_at"
        " IS NOT NULL AND (SELECT u.last_seen_at FROM users u WHERE u.id = searches.user_id)"
        " > still_looking_asked_at"
    ) as cur:
        return cur.rowcount


async def unanswered(db: Db, asked_before: datetime) -> list[tuple[int, int]]:
    """(users.id, Telegram id) of households asked before `asked_before` who never answered."""
    rows = await db.conn.execute_fetchall(
        "SELECT u.id, u.telegram_id FROM searches s JOIN users u ON u.id = s.user_id"
        " WHERE s.still_looking_asked_at < ? AND u.last_seen_at <= s.still_looking_asked_at"
        " ORDER BY u.id",
        (to_db(asked_before),),
    )
    return [(row[0], row[1]) for row in rows]


async def blocked_before(db: Db, before: datetime) -> list[tuple[int, int]]:
    """(users.id, Telegram id) of households and volunteers unreachable since `before`.

    Staff are left to their carrier, which removes them from its team."""
    rows = await db.conn.execute_fetchall(
        "SELECT id, telegram_id FROM users WHERE blocked_at < ? AND role != 'staff' ORDER BY id",
        (to_db(before),),
    )
    return [(row[0], row[1]) for row in rows]


async def purge_finished_appointments(db: Db, before: datetime) -> int:
    """Bookings, viewings, workshop places and accompaniments over before `before`, and the
    answers to flat offers closed before it; returns how many rows were deleted."""
    cutoff, deleted = to_db(before), 0
    for sql in (
        "DELETE FROM bookings WHERE slot_id IN (SELECT id FROM slots WHERE ends_at < ?)",
        "DELETE FROM viewings WHERE starts_at < ?",
        "DELETE FROM workshop_seats WHERE workshop_id IN"
        " (SELECT id FROM workshops WHERE ends_at < ?)",
        "DELETE FROM accompaniment_requests WHERE starts_at < ?",
        "DELETE FROM listing_recipients WHERE listing_id IN"
        " (SELECT id FROM listings WHERE status IN ('let', 'withdrawn') AND closed_at < ?)",
    ):
        async with db.conn.execute(sql, (cutoff,)) as cur:
            deleted += cur.rowcount
    return deleted


async def strip_closed_listings(db: Db, before: datetime) -> int:
    """Landlord contact and address of listings let or withdrawn before `before`."""
    async with db.conn.execute(
        "UPDATE listings SET landlord_contact = NULL, street = NULL, house_number = NULL"
        " WHERE status IN ('let', 'withdrawn') AND closed_at < ?"
        " AND (landlord_contact IS NOT NULL OR street IS NOT NULL OR house_number IS NOT NULL)",
        (to_db(before),),
    ) as cur:
        return cur.rowcount


async def strip_answered_questions(db: Db, before: datetime) -> int:
    """The text of questions answered or solved and untouched since `before`: the question,
    the household's first name and every message. The ticket stays, for the carrier's count."""
    cutoff = to_db(before)
    await db.conn.execute(
        "UPDATE ticket_messages SET body = '' WHERE body != '' AND ticket_id IN (SELECT id"
        " FROM tickets WHERE status IN ('answered', 'solved') AND updated_at < ?)",
        (cutoff,),
    )
    async with db.conn.execute(
        "UPDATE tickets SET question = '', household = NULL"
        " WHERE status IN ('answered', 'solved') AND updated_at < ?"
        " AND (question != '' OR household IS NOT NULL)",
        (cutoff,),
    ) as cur:
        return cur.rowcount


async def purge_invites(db: Db, before: datetime) -> int:
    """Invitations used, or expired unused, before `before`."""
    async with db.conn.execute(
        "DELETE FROM staff_invites WHERE coalesce(used_at, expires_at) < ?", (to_db(before),)
    ) as cur:
        return cur.rowcount


async def purge_audit(db: Db, before: datetime) -> int:
    async with db.conn.execute("DELETE FROM audit_log WHERE at < ?", (to_db(before),)) as cur:
        return cur.rowcount


async def purge_refused_attempts(db: Db, before: datetime) -> int:
    """Refused attempts before `before` by anyone who is not staff now."""
    async with db.conn.execute(
        "DELETE FROM audit_log WHERE at < ? AND substr(action, 1, length(?)) = ?"
        " AND actor_telegram_id NOT IN (SELECT u.telegram_id FROM users u"
        "   JOIN staff_members s ON s.user_id = u.id)",
        (to_db(before), DENIED_PREFIX, DENIED_PREFIX),
    ) as cur:
        return cur.rowcount
