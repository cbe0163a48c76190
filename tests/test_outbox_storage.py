"""Enqueueing, deduplication and cancelling in the outbox (storage/outbox.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.outbox import Topic
from storage import outbox
from tests.conftest import Harness

HOUR = timedelta(hours=1)


async def _remind(harness: Harness, user_id: int, key: str, ref: str | None = None) -> bool:
    options = {"kind": "reminder", "params": {"booking": 42}, "due_in": HOUR, "ref": ref}
    return await harness.enqueue(user_id, key, topic=Topic.APPOINTMENTS, **options)


async def _states(harness: Harness) -> list[tuple[str, str]]:
    return await harness.rows("SELECT dedupe_key, state FROM outbox ORDER BY id")


async def test_scheduling_the_same_key_twice_is_a_no_op(harness: Harness):
    user = await harness.add_user(111)
    assert await _remind(harness, user.id, "booking:42:24h")
    assert not await _remind(harness, user.id, "booking:42:24h")
    assert await harness.rows("SELECT user_id, kind, topic, priority, state FROM outbox") == [
        (user.id, "reminder", "appointments", 0, "pending")
    ]


async def test_a_broadcast_to_7600_people_is_one_transaction_and_not_repeated(harness: Harness):
    recipients = await harness.add_users(7600)
    staff = await harness.add_user(500)

    first = await harness.broadcast(recipients, started_by=staff.id)
    again = await harness.broadcast(recipients, started_by=staff.id)
    assert (first.added, again.added, again.id) == (7600, 0, first.id)
    assert await harness.rows("SELECT count(*), count(DISTINCT user_id) FROM outbox") == [
        (7600, 7600)
    ]
    assert await harness.rows("SELECT DISTINCT ref, priority FROM outbox") == [("listing:17", 1)]


async def test_a_failed_transaction_leaves_no_row(harness: Harness):
    user = await harness.add_user(111)
    with pytest.raises(RuntimeError):
        async with harness.db.transaction() as db:
            await outbox.enqueue_message(
                db,
                user_id=user.id,
                kind="reminder",
                topic=Topic.APPOINTMENTS,
                params={},
                due_at=harness.clock(),
                dedupe_key="k",
                now=harness.clock(),
            )
            raise RuntimeError("the booking failed")
    assert await harness.rows("SELECT * FROM outbox") == []


async def test_cancel_by_ref_and_by_key_prefix_touch_only_unsent_rows(harness: Harness):
    user = await harness.add_user(111)
    for key in ("booking:42:24h", "booking:42:1h", "booking:420:1h", "booking:4_:1h"):
        await _remind(harness, user.id, key, ref=key.rsplit(":", 1)[0])
    async with harness.db.transaction() as db:
        await db.conn.execute(
            "UPDATE outbox SET state = 'sent' WHERE dedupe_key = ?", ("booking:42:1h",)
        )
        assert await outbox.cancel_by_ref(db, "booking:42", harness.clock()) == 1
        # A prefix is matched literally: _ and % are no wildcards.
        assert await outbox.cancel_by_key_prefix(db, "booking:4_", harness.clock()) == 1
    assert await _states(harness) == [
        ("booking:42:24h", "cancelled"),
        ("booking:42:1h", "sent"),
        ("booking:420:1h", "pending"),
        ("booking:4_:1h", "cancelled"),
    ]


async def test_a_cancelled_reminder_can_be_scheduled_again(harness: Harness):
    user = await harness.add_user(111)
    await _remind(harness, user.id, "booking:42:24h", ref="booking:42")
    async with harness.db.transaction() as db:
        await outbox.cancel_by_ref(db, "booking:42", harness.clock())
    harness.clock.advance(HOUR)
    assert await _remind(harness, user.id, "booking:42:24h", ref="booking:42")
    assert await harness.rows("SELECT state, due_at, finished_at FROM outbox") == [
        ("pending", "2026-11-25T13:00:00+00:00", None)
    ]


async def test_deleting_a_user_deletes_their_messages_and_settings(harness: Harness):
    user = await harness.add_user(111)
    await _remind(harness, user.id, "booking:42:24h")
    async with harness.db.transaction() as db:
        await outbox.set_topic_enabled(db, user.id, Topic.LISTINGS, False)
    await harness.send("/delete")
    await harness.press("dl:yes")
    assert await harness.rows("SELECT * FROM outbox") == []
    assert await harness.rows("SELECT * FROM topic_optouts") == []


async def test_settled_rows_are_purged_after_the_retention_period(harness: Harness):
    user = await harness.add_user(111)
    await _remind(harness, user.id, "old")
    await _remind(harness, user.id, "new")
    async with harness.db.transaction() as db:
        await db.conn.execute(
            "UPDATE outbox SET state = 'sent', finished_at = ? WHERE dedupe_key = 'old'",
            ("2026-10-01T00:00:00+00:00",),
        )
        await outbox.purge_finished(db, harness.clock() - timedelta(days=30))
    assert await _states(harness) == [("new", "pending")]
