"""The outbox sender against the recording Bot API, on the fake clock (no real waiting)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.delivery import Sender, register_renderer
from bot.i18n import Translator
from bot.limits import MESSAGES_PER_SECOND, OUTBOX_RETRY, PROGRESS_EVERY
from domain.accounts import Role
from domain.outbox import Rendered, Topic
from handlers.onboarding.notifications import TOPIC_LABELS
from handlers.onboarding.routes import NOTIFICATIONS
from storage import outbox
from tests.conftest import Harness
from tests.fakes import Call, Crash, max_in_window

SECOND = timedelta(seconds=1)
BERLIN = ZoneInfo("Europe/Berlin")


def render_offer(params: Mapping[str, Any], tr: Translator) -> Rendered:
    """A message in the recipient's language (a msgid every catalog has) and one button."""
    text = f"{tr.gettext(TOPIC_LABELS[Topic.LISTINGS])} #{params['n']}"
    return Rendered(text, buttons=(((tr.gettext("Workshops"), NOTIFICATIONS.data("show")),),))


@pytest.fixture
def harness(harness: Harness) -> Harness:
    register_renderer(harness.app, "offer", render_offer)
    return harness


async def enqueue(harness: Harness, user_id: int, n: int, **options: Any) -> None:
    await harness.enqueue(user_id, f"test:{n}", params={"n": n}, **options)


def sends(harness: Harness, chat_id: int | None = None) -> list[Call]:
    return [
        call
        for call in harness.rec.calls
        if call.endpoint in ("sendMessage", "sendDocument")
        and (chat_id is None or call.params["chat_id"] == chat_id)
    ]


def times(calls: list[Call]) -> list[datetime]:
    return [call.at for call in calls if call.at is not None]


async def states(harness: Harness) -> Counter[str]:
    return Counter(row[0] for row in await harness.rows("SELECT state FROM outbox"))


async def test_text_follows_the_language_the_recipient_has_when_it_is_sent(harness: Harness):
    user = await harness.add_user(111, "en")
    await enqueue(harness, user.id, 1)
    await harness.press("lg:tr")  # switches language after the message was queued
    harness.rec.clear()
    await harness.deliver()
    [call] = sends(harness, 111)
    assert call.text == "Daire teklifleri #1"  # Turkish, the language at the time of sending
    assert call.callback_data == ["nt:show"]
    assert await states(harness) == {"sent": 1}


async def test_nothing_goes_out_before_it_is_due(harness: Harness):
    user = await harness.add_user(111)
    await enqueue(harness, user.id, 1, topic=Topic.APPOINTMENTS, due_in=timedelta(hours=1))
    await harness.deliver()
    assert sends(harness) == []
    harness.clock.advance(timedelta(hours=1))
    await harness.deliver()
    assert len(sends(harness)) == 1


async def test_reminders_go_before_notices_and_each_in_due_order(harness: Harness):
    first, second, third = await harness.add_users(3)
    await enqueue(harness, first, 1, due_in=-timedelta(minutes=10))
    await enqueue(harness, second, 2, topic=Topic.APPOINTMENTS, due_in=-timedelta(minutes=1))
    await enqueue(harness, third, 3, due_in=-timedelta(minutes=5))
    await harness.deliver()
    assert [call.text.rsplit("#", 1)[1] for call in sends(harness)] == ["2", "1", "3"]


async def test_pacing_keeps_the_cap_overall_and_one_per_second_per_chat(harness: Harness):
    recipients = await harness.add_users(300)
    await harness.broadcast(recipients)
    for n in range(5):  # five reminders to one person, all due at once
        await enqueue(harness, recipients[0], 100 + n, topic=Topic.APPOINTMENTS)
    await harness.deliver()
    calls = sends(harness)
    assert len(calls) == 305
    assert max_in_window(times(calls)) <= MESSAGES_PER_SECOND
    assert max_in_window(times(sends(harness, 1000))) == 1
    elapsed = (calls[-1].at - calls[0].at).total_seconds()
    assert (len(calls) - 1) / elapsed >= 0.9 * MESSAGES_PER_SECOND


async def test_after_a_429_nothing_goes_out_until_retry_after_has_passed(harness: Harness):
    recipients = await harness.add_users(60)
    harness.rec.script[1010] = [(429, "Too Many Requests", 3)]
    await harness.broadcast(recipients)
    await harness.deliver()
    # The fake refuses (and the harness fails on) any request during the pause.
    assert harness.rec.invalid == []
    assert harness.rec.paused_until is not None
    calls = sends(harness)
    pause_start = harness.rec.paused_until - 3 * SECOND
    during = [c for c in calls if pause_start < c.at < harness.rec.paused_until]
    assert during == []
    assert any(c.at >= harness.rec.paused_until for c in calls)  # sending resumed
    assert Counter(c.params["chat_id"] for c in calls)[1010] == 2  # refused once, then sent
    assert await states(harness) == {"sent": 60}


async def test_a_user_who_blocked_the_bot_is_marked_and_gets_nothing_more(harness: Harness):
    blocked, other = await harness.add_users(2)
    harness.rec.unreachable[1000] = (403, "Forbidden: bot was blocked by the user")
    await enqueue(harness, blocked, 1, topic=Topic.APPOINTMENTS)
    await enqueue(harness, blocked, 2, topic=Topic.APPOINTMENTS, due_in=timedelta(minutes=1))
    await enqueue(harness, other, 3)
    await harness.deliver()
    harness.clock.advance(timedelta(minutes=1))
    await harness.deliver()
    assert len(sends(harness, 1000)) == 1
    assert len(sends(harness, 1001)) == 1
    assert await harness.rows(
        "SELECT blocked_at IS NOT NULL FROM users WHERE id = ?", blocked
    ) == [(1,)]
    assert await harness.rows(
        "SELECT state, error FROM outbox WHERE user_id = ? ORDER BY id", blocked
    ) == [
        ("unreachable", "Forbidden: bot was blocked by the user"),
        ("unreachable", "the user blocked the bot"),
    ]


async def test_a_user_who_writes_again_gets_messages_again(harness: Harness):
    user = await harness.add_user(111)
    harness.rec.unreachable[111] = (403, "Forbidden: bot was blocked by the user")
    await enqueue(harness, user.id, 1)
    await harness.deliver()
    del harness.rec.unreachable[111]
    await harness.send("/menu")
    await enqueue(harness, user.id, 2)
    await harness.deliver()
    assert [call.text.rsplit("#", 1)[1] for call in sends(harness, 111) if "#" in call.text] == [
        "1",
        "2",
    ]


async def test_chat_not_found_counts_as_unreachable(harness: Harness):
    user = await harness.add_user(111)
    harness.rec.unreachable[111] = (400, "Bad Request: chat not found")
    await enqueue(harness, user.id, 1)
    await harness.deliver()
    assert await states(harness) == {"unreachable": 1}
    assert await harness.rows("SELECT blocked_at IS NOT NULL FROM users") == [(1,)]


async def test_a_5xx_is_retried_after_a_backoff(harness: Harness):
    user = await harness.add_user(111)
    harness.rec.script[111] = [(502, "Bad Gateway", None)]
    await enqueue(harness, user.id, 1)
    await harness.deliver()
    assert await harness.rows("SELECT state, attempts, error FROM outbox") == [
        ("pending", 1, "Bad Gateway")
    ]
    harness.clock.advance(OUTBOX_RETRY.first_delay)
    await harness.deliver()
    assert await states(harness) == {"sent": 1}
    assert len(sends(harness, 111)) == 2


async def test_a_lasting_server_error_fails_after_the_maximum_attempts(harness: Harness):
    user = await harness.add_user(111)
    harness.rec.unreachable[111] = (500, "Internal Server Error")
    await enqueue(harness, user.id, 1)
    for _ in range(OUTBOX_RETRY.max_attempts):
        await harness.deliver()
        harness.clock.advance(OUTBOX_RETRY.max_delay)
    assert len(sends(harness, 111)) == OUTBOX_RETRY.max_attempts
    [(state, error)] = await harness.rows("SELECT state, error FROM outbox")
    assert state == "failed" and "Internal Server Error" in error


async def test_an_unknown_kind_or_a_broken_renderer_fails_only_its_row(harness: Harness):
    def broken(params: Mapping[str, Any], tr: Translator) -> Rendered:
        raise KeyError("listing")

    register_renderer(harness.app, "broken", broken)
    first, second, third = await harness.add_users(3)
    await enqueue(harness, first, 1, kind="no_such_kind")
    await enqueue(harness, second, 2, kind="broken")
    await enqueue(harness, third, 3)
    await harness.deliver()
    assert await harness.rows("SELECT kind, state, error FROM outbox ORDER BY id") == [
        ("no_such_kind", "failed", "no renderer for kind 'no_such_kind'"),
        ("broken", "failed", "rendering failed: KeyError"),
        ("offer", "sent", None),
    ]
    assert len(sends(harness)) == 1


async def test_a_message_with_a_calendar_file_is_sent_as_a_document(harness: Harness):
    register_renderer(
        harness.app,
        "with_ics",
        lambda params, tr: Rendered("See you", document=("termin.ics", b"BEGIN:VCALENDAR")),
    )
    user = await harness.add_user(111)
    await enqueue(harness, user.id, 1, kind="with_ics", topic=Topic.APPOINTMENTS)
    await harness.deliver()
    [call] = sends(harness, 111)
    assert (call.endpoint, call.params["caption"]) == ("sendDocument", "See you")


async def test_quiet_hours_hold_notices_until_morning_but_not_reminders(harness: Harness):
    harness.clock.moment = datetime(2026, 11, 25, 22, 0, tzinfo=BERLIN)
    first, second = await harness.add_users(2)
    await enqueue(harness, first, 1)
    await enqueue(harness, second, 2, topic=Topic.VIEWINGS)
    await harness.deliver()
    assert [call.params["chat_id"] for call in sends(harness)] == [1001]
    harness.clock.moment = datetime(2026, 11, 26, 7, 59, tzinfo=BERLIN)
    await harness.deliver()
    assert len(sends(harness)) == 1
    harness.clock.moment = datetime(2026, 11, 26, 8, 0, tzinfo=BERLIN)
    await harness.deliver()
    assert [call.params["chat_id"] for call in sends(harness)] == [1001, 1000]


async def test_a_topic_turned_off_is_never_sent(harness: Harness):
    user = await harness.add_user(111)
    await enqueue(harness, user.id, 1)
    await harness.press("ns:listings:off")
    await enqueue(harness, user.id, 2, topic=Topic.APPOINTMENTS)
    harness.rec.clear()
    await harness.deliver()
    assert [call.text.rsplit("#", 1)[1] for call in sends(harness)] == ["2"]
    assert await harness.rows("SELECT topic, state FROM outbox ORDER BY id") == [
        ("listings", "skipped"),
        ("appointments", "sent"),
    ]


async def test_a_cancelled_reminder_is_not_sent(harness: Harness):
    user = await harness.add_user(111)
    await harness.enqueue(user.id, "booking:42:1h", params={"n": 1}, ref="booking:42")
    async with harness.db.transaction() as db:
        await outbox.cancel_by_ref(db, "booking:42", harness.clock())
    await harness.deliver()
    assert sends(harness) == []


async def test_a_crash_mid_batch_loses_nothing_and_resends_only_the_message_in_flight(
    harness: Harness,
):
    recipients = await harness.add_users(40)
    await harness.broadcast(recipients)
    harness.rec.script[1015] = [Crash()]  # dies while its request to 1015 is out
    await harness.deliver()
    before = Counter(call.params["chat_id"] for call in sends(harness))
    assert sum(before.values()) == 16
    assert (await states(harness))["sending"] > 0  # claimed, result never recorded

    harness.rec.dead = False  # the bot starts again
    await harness.restart_sender()
    await harness.deliver()
    per_chat = Counter(call.params["chat_id"] for call in sends(harness))
    assert set(per_chat) == {1000 + n for n in range(40)}  # nobody lost
    assert {chat for chat, n in per_chat.items() if n > 1} == {1015}  # at-least-once
    assert await states(harness) == {"sent": 40}


async def test_staff_see_progress_edited_every_few_seconds_and_a_summary(harness: Harness):
    staff = await harness.add_user(500, "de", Role.STAFF)
    recipients = await harness.add_users(300)
    harness.rec.unreachable[1007] = (403, "Forbidden: user is deactivated")
    await harness.broadcast(recipients, started_by=staff.id)
    await harness.deliver()
    to_staff = [call for call in harness.rec.sent() if call.params["chat_id"] == 500]
    status, *edits, summary = to_staff
    assert status.endpoint == "sendMessage"
    assert len(edits) >= 2
    assert all(edit.endpoint == "editMessageText" for edit in edits)
    assert all(edit.params["message_id"] == edits[0].params["message_id"] for edit in edits)
    gaps = [b.at - a.at for a, b in zip([status, *edits], edits, strict=False)]
    assert min(gaps) >= PROGRESS_EVERY
    assert "299" in edits[-1].text and "300" in summary.text  # 299 of 300 reached
    assert summary.endpoint == "sendMessage"
    assert await harness.rows("SELECT finished_at IS NOT NULL FROM broadcasts") == [(1,)]


async def test_staff_see_that_a_broadcast_waits_for_the_morning(harness: Harness):
    harness.clock.moment = datetime(2026, 11, 25, 23, 0, tzinfo=BERLIN)
    staff = await harness.add_user(500, "en", Role.STAFF)
    await harness.broadcast(await harness.add_users(3), started_by=staff.id)
    await harness.deliver()
    [status] = harness.rec.sent()
    morning = harness.tr("en").time(datetime(2026, 11, 26, 8, 0, tzinfo=BERLIN))
    assert "quiet hours" in status.text and f"at {morning}." in status.text
    assert sends(harness, 1000) == []


async def test_many_reminders_due_at_once_are_all_sent_once(harness: Harness):
    recipients = await harness.add_users(1000)
    now = harness.clock()
    rows = [
        (
            user_id,
            "offer",
            '{"n": 1}',
            "appointments",
            0,
            now + timedelta(days=day),
            f"r:{user_id}:{day}",
        )
        for day in range(10)
        for user_id in recipients
    ]
    async with harness.db.transaction() as db:
        await db.conn.executemany(
            "INSERT INTO outbox (user_id, kind, params, topic, priority, due_at, dedupe_key,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row[:5], row[5].isoformat(), row[6], now.isoformat()) for row in rows],
        )
    await harness.deliver()
    per_chat = Counter(call.params["chat_id"] for call in sends(harness))
    assert len(per_chat) == 1000 and set(per_chat.values()) == {1}
    assert await states(harness) == {"sent": 1000, "pending": 9000}


async def test_the_background_loop_recovers_sends_and_stops_in_post_stop(harness: Harness):
    user = await harness.add_user(111)
    await enqueue(harness, user.id, 1)
    async with harness.db.transaction() as db:  # left in flight by a crash before the start
        await outbox.claim_message(db, 1, harness.clock())
    idle = asyncio.Event()

    async def sleep(seconds: float) -> None:
        idle.set()  # the loop's first wait comes after its first round of sending
        await harness.clock.sleep(seconds)

    harness.app.bot_data.sleep = sleep
    harness.app.bot_data.sender = Sender.for_app(harness.app)
    harness.app.bot_data.sender.start()
    await idle.wait()
    await harness.app.post_stop(harness.app)
    assert len(sends(harness, 111)) == 1
    assert await states(harness) == {"sent": 1}


async def test_a_turned_off_topic_still_gets_essential_news_about_what_the_user_booked(
    harness: Harness,
):
    register_renderer(harness.app, "cancelled", render_offer, essential=True)
    account = await harness.add_user(501)
    async with harness.db.transaction() as db:
        await outbox.set_topic_enabled(db, account.id, Topic.APPOINTMENTS, False)
    await enqueue(harness, account.id, 1, topic=Topic.APPOINTMENTS)  # a reminder: skipped
    await harness.enqueue(
        account.id, "test:2", kind="cancelled", topic=Topic.APPOINTMENTS, params={"n": 2}
    )
    await harness.deliver()
    assert [call.text.rsplit("#", 1)[1] for call in sends(harness, 501)] == ["2"]
    assert await states(harness) == Counter({"skipped": 1, "sent": 1})
