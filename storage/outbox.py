"""The outbox: reminders and broadcasts as rows, one per recipient, sent by bot/delivery.py.

For feature modules (call inside `async with db.transaction()`, like every write):

    await outbox.enqueue_message(db, user_id=account.id, kind="appointment_reminder",
        topic=Topic.APPOINTMENTS, params={"booking": 42}, due_at=start - timedelta(hours=24),
        dedupe_key="booking:42:24h", ref="booking:42", now=now)
    await outbox.cancel_by_ref(db, "booking:42", now)   # the booking was cancelled
    await outbox.update_pending_params(db, "booking:42", {"room": "B2"})  # not yet sent
    queued = await outbox.enqueue_broadcast(db, dedupe_key="listing:17", started_by=staff.id,
        kind="listing", topic=Topic.LISTINGS, params={"listing": 17},
        recipients=user_ids, due_at=now, now=now)

- `kind` names a renderer registered with bot.delivery.register_renderer; `params` is JSON
  for it: ids and values, never finished text, so the text is rendered at send time in the
  recipient's language of that moment.
- `dedupe_key` is required and unique: enqueueing the same key again changes nothing, unless
  that row was cancelled, in which case it is queued again with the new values (a booking
  cancelled and booked again). A broadcast's rows get `{dedupe_key}:{user_id}` and its
  `dedupe_key` as their ref, so `cancel_by_ref(db, "listing:17", now)` stops what is unsent.
- Recipients are users.id (not Telegram ids); deleting a user deletes their rows.
- The topic decides priority and quiet hours (domain.outbox.Topic). Turned-off topics and
  blocked users are settled when the row's turn comes, so enqueue to everyone it concerns.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import aiosqlite

from domain.outbox import (
    Broadcast,
    DueMessage,
    OutboxMessage,
    Progress,
    QueuedBroadcast,
    Result,
    State,
    Topic,
)
from storage.db import Db, to_db

# Reads here use execute_fetchall: one call on aiosqlite's thread, so the sender's writes on
# the shared connection cannot run between a query's first and last row.

# Inserts one row per recipient that still exists; a live row with the same key stays as it is.
_COLUMNS = """
    INSERT INTO outbox (user_id, kind, params, topic, priority, due_at, dedupe_key, ref,
                        broadcast_id, created_at)
"""
_ENQUEUE_ONE = """
    SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM users WHERE id = ?
"""
# A broadcast's rows in one statement: no Python per recipient, however many there are.
_ENQUEUE_MANY = """
    SELECT u.id, :kind, :params, :topic, :priority, :due_at, :key || ':' || u.id, :key,
           :broadcast_id, :now
    FROM json_each(:recipients) r JOIN users u ON u.id = r.value
    WHERE true  -- SQLite needs it before ON CONFLICT after a join
    ORDER BY r.key
"""
_UPSERT = """
    ON CONFLICT (dedupe_key) DO UPDATE SET
        kind = excluded.kind, params = excluded.params, topic = excluded.topic,
        priority = excluded.priority, due_at = excluded.due_at, ref = excluded.ref,
        broadcast_id = excluded.broadcast_id, created_at = excluded.created_at,
        state = 'pending', attempts = 0, error = NULL, finished_at = NULL
    WHERE outbox.state = 'cancelled'
"""


def _row_values(
    *,
    kind: str,
    params: Mapping[str, Any],
    topic: Topic,
    due_at: datetime,
    dedupe_key: str,
    ref: str | None,
    broadcast_id: int | None,
    now: datetime,
    user_id: int,
) -> tuple[object, ...]:
    return (
        kind,
        json.dumps(params, sort_keys=True),
        topic.value,
        topic.priority,
        to_db(due_at),
        dedupe_key,
        ref,
        broadcast_id,
        to_db(now),
        user_id,
    )


async def enqueue_message(
    db: Db,
    *,
    user_id: int,
    kind: str,
    topic: Topic,
    params: Mapping[str, Any],
    due_at: datetime,
    dedupe_key: str,
    now: datetime,
    ref: str | None = None,
) -> bool:
    """Queues one message; False if the key was queued before (or the user is gone)."""
    values = _row_values(
        kind=kind,
        params=params,
        topic=topic,
        due_at=due_at,
        dedupe_key=dedupe_key,
        ref=ref,
        broadcast_id=None,
        now=now,
        user_id=user_id,
    )
    async with db.conn.execute(_COLUMNS + _ENQUEUE_ONE + _UPSERT, values) as cur:
        return cur.rowcount > 0


async def enqueue_broadcast(
    db: Db,
    *,
    dedupe_key: str,
    started_by: int | None,
    kind: str,
    topic: Topic,
    params: Mapping[str, Any],
    recipients: Iterable[int],
    due_at: datetime,
    now: datetime,
) -> QueuedBroadcast:
    """One row per recipient; `started_by` (users.id of staff) sees progress and a summary."""
    await db.conn.execute(
        "INSERT INTO broadcasts (dedupe_key, topic, started_by, created_at, due_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
        (dedupe_key, topic.value, started_by, to_db(now), to_db(due_at)),
    )
    [row] = await db.conn.execute_fetchall(
        "SELECT id FROM broadcasts WHERE dedupe_key = ?", (dedupe_key,)
    )
    broadcast_id = int(row[0])
    values = {
        "kind": kind,
        "params": json.dumps(params, sort_keys=True),
        "topic": topic.value,
        "priority": topic.priority,
        "due_at": to_db(due_at),
        "key": dedupe_key,
        "broadcast_id": broadcast_id,
        "now": to_db(now),
        "recipients": json.dumps(list(recipients)),
    }
    async with db.conn.execute(_COLUMNS + _ENQUEUE_MANY + _UPSERT, values) as cur:
        added = max(cur.rowcount, 0)
    if added:
        # Rows cancelled before and queued again: show progress again.
        await db.conn.execute(
            "UPDATE broadcasts SET finished_at = NULL WHERE id = ?", (broadcast_id,)
        )
    return QueuedBroadcast(broadcast_id, added)


async def cancel_by_ref(db: Db, ref: str, now: datetime) -> int:
    """Cancels unsent rows about `ref` (e.g. 'booking:42'); returns how many."""
    async with db.conn.execute(
        "UPDATE outbox SET state = 'cancelled', finished_at = ?"
        " WHERE ref = ? AND state = 'pending'",
        (to_db(now), ref),
    ) as cur:
        return cur.rowcount


async def cancel_by_key_prefix(db: Db, prefix: str, now: datetime) -> int:
    """Cancels unsent rows whose dedupe_key starts with `prefix`; returns how many."""
    async with db.conn.execute(
        "UPDATE outbox SET state = 'cancelled', finished_at = ?"
        " WHERE substr(dedupe_key, 1, length(?)) = ? AND state = 'pending'",
        (to_db(now), prefix, prefix),
    ) as cur:
        return cur.rowcount


async def update_pending_params(db: Db, ref: str, changes: Mapping[str, Any]) -> int:
    """Changes some params of the unsent rows about `ref`, for a reminder whose content
    changed before it goes out (a viewing's missing documents); returns how many."""
    async with db.conn.execute(
        "UPDATE outbox SET params = json_patch(params, ?) WHERE ref = ? AND state = 'pending'",
        (json.dumps(changes, sort_keys=True), ref),
    ) as cur:
        return cur.rowcount


async def recipients_by_ref(db: Db, ref: str, state: State) -> list[int]:
    """users.id of whoever has a row about `ref` in `state` (e.g. who got a request)."""
    rows = await db.conn.execute_fetchall(
        "SELECT DISTINCT user_id FROM outbox WHERE ref = ? AND state = ? ORDER BY user_id",
        (ref, state.value),
    )
    return [row[0] for row in rows]


async def due_messages(
    db: Db, now: datetime, *, include_notices: bool, limit: int
) -> list[DueMessage]:
    """Pending rows due by `now`: reminders first, then (outside quiet hours) notices."""
    found: list[DueMessage] = []
    for priority in (0, 1) if include_notices else (0,):
        rows = await db.conn.execute_fetchall(
            "SELECT o.id, u.telegram_id, o.topic FROM outbox o JOIN users u ON u.id = o.user_id"
            " WHERE o.state = 'pending' AND o.priority = ? AND o.due_at <= ?"
            " ORDER BY o.due_at, o.id LIMIT ?",
            (priority, to_db(now), limit - len(found)),
        )
        found += [DueMessage(row[0], row[1], Topic(row[2])) for row in rows]
        if len(found) >= limit:
            break
    return found


async def claim_message(db: Db, outbox_id: int, now: datetime) -> OutboxMessage | None:
    """Marks a pending row `sending` and returns it with its recipient as they are now."""
    rows = await db.conn.execute_fetchall(
        "SELECT o.id, o.user_id, u.telegram_id, u.locale, u.blocked_at, o.kind, o.params,"
        " o.topic, o.attempts, EXISTS (SELECT 1 FROM topic_optouts t"
        "   WHERE t.user_id = o.user_id AND t.topic = o.topic) AS opted_out"
        " FROM outbox o JOIN users u ON u.id = o.user_id"
        " WHERE o.id = ? AND o.state = 'pending'",
        (outbox_id,),
    )
    row = next(iter(rows), None)
    if row is None:
        return None  # cancelled, or its user deleted, since it was read
    await db.conn.execute(
        "UPDATE outbox SET state = 'sending', claimed_at = ? WHERE id = ?",
        (to_db(now), outbox_id),
    )
    return OutboxMessage(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["telegram_id"],
        locale=row["locale"],
        kind=row["kind"],
        params=json.loads(row["params"]),
        topic=Topic(row["topic"]),
        attempts=row["attempts"],
        recipient_blocked=row["blocked_at"] is not None,
        topic_enabled=not row["opted_out"],
    )


async def record_result(db: Db, outbox_id: int, result: Result, now: datetime) -> None:
    """Stores what a try gave; an unreachable recipient is marked blocked for every row."""
    await db.conn.execute(
        "UPDATE outbox SET state = ?, attempts = ?, error = ?, due_at = coalesce(?, due_at),"
        " claimed_at = NULL, finished_at = ? WHERE id = ? AND state = 'sending'",
        (
            result.state.value,
            result.attempts,
            result.error,
            to_db(result.due_at) if result.due_at else None,
            to_db(now) if result.state.is_final else None,
            outbox_id,
        ),
    )
    if result.block_user:
        await db.conn.execute(
            "UPDATE users SET blocked_at = ? WHERE id = (SELECT user_id FROM outbox WHERE id = ?)",
            (to_db(now), outbox_id),
        )


async def in_doubt(db: Db) -> list[tuple[int, int]]:
    """(id, attempts) of rows left `sending` by a process that stopped mid-request."""
    rows = await db.conn.execute_fetchall(
        "SELECT id, attempts FROM outbox WHERE state = 'sending'"
    )
    return [(row[0], row[1]) for row in rows]


def _broadcast(row: aiosqlite.Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        topic=Topic(row["topic"]),
        staff_chat_id=row["telegram_id"],
        staff_locale=row["locale"],
        status_message_id=row["status_message_id"],
    )


async def active_broadcasts(db: Db, now: datetime) -> list[Broadcast]:
    """Broadcasts that are due and have no final summary yet."""
    rows = await db.conn.execute_fetchall(
        "SELECT b.id, b.topic, b.status_message_id, u.telegram_id, u.locale"
        " FROM broadcasts b LEFT JOIN users u ON u.id = b.started_by"
        " WHERE b.finished_at IS NULL AND b.due_at <= ? ORDER BY b.id",
        (to_db(now),),
    )
    return [_broadcast(row) for row in rows]


async def broadcast_progress(db: Db, broadcast_id: int) -> Progress:
    rows = await db.conn.execute_fetchall(
        "SELECT state, count(*) FROM outbox WHERE broadcast_id = ? GROUP BY state",
        (broadcast_id,),
    )
    return Progress(Counter({State(row[0]): int(row[1]) for row in rows}))


async def progress_of(db: Db, dedupe_key: str) -> Progress | None:
    """The progress of the broadcast made with `dedupe_key`; None if there was none or it
    was purged (OUTBOX_KEEP after it finished)."""
    rows = await db.conn.execute_fetchall(
        "SELECT id FROM broadcasts WHERE dedupe_key = ?", (dedupe_key,)
    )
    return await broadcast_progress(db, int(next(iter(rows))[0])) if rows else None


async def save_status_message(db: Db, broadcast_id: int, message_id: int) -> None:
    await db.conn.execute(
        "UPDATE broadcasts SET status_message_id = ? WHERE id = ?", (message_id, broadcast_id)
    )


async def finish_broadcast(db: Db, broadcast_id: int, now: datetime) -> None:
    await db.conn.execute(
        "UPDATE broadcasts SET finished_at = ? WHERE id = ?", (to_db(now), broadcast_id)
    )


async def purge_finished(db: Db, before: datetime) -> None:
    """Deletes settled rows and broadcasts finished before `before`: we keep no history.

    A broadcast's rows go with it (ON DELETE CASCADE) once its summary is that old.
    """
    await db.conn.execute("DELETE FROM broadcasts WHERE finished_at < ?", (to_db(before),))
    await db.conn.execute(
        "DELETE FROM outbox WHERE finished_at < ? AND broadcast_id IS NULL", (to_db(before),)
    )


async def disabled_topics(db: Db, user_id: int) -> frozenset[Topic]:
    rows = await db.conn.execute_fetchall(
        "SELECT topic FROM topic_optouts WHERE user_id = ?", (user_id,)
    )
    return frozenset(Topic(row[0]) for row in rows)


async def set_topic_enabled(db: Db, user_id: int, topic: Topic, enabled: bool) -> None:
    if enabled:
        await db.conn.execute(
            "DELETE FROM topic_optouts WHERE user_id = ? AND topic = ?", (user_id, topic.value)
        )
    else:
        await db.conn.execute(
            "INSERT INTO topic_optouts (user_id, topic) VALUES (?, ?)"
            " ON CONFLICT (user_id, topic) DO NOTHING",
            (user_id, topic.value),
        )
