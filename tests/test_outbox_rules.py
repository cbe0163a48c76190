"""What each answer from Telegram means for an outbox row (domain/outbox.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.limits import OUTBOX_RETRY
from domain.outbox import (
    FloodWait,
    OutboxMessage,
    Rejected,
    Sent,
    State,
    Topic,
    Transient,
    Unreachable,
    after_interruption,
    after_send,
    before_send,
    classify_bad_request,
)

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


def test_sent_is_final():
    result = after_send(Sent(5), 0, NOW, OUTBOX_RETRY)
    assert (result.state, result.attempts, result.block_user) == (State.SENT, 0, False)


def test_429_puts_the_row_back_after_the_pause_without_using_an_attempt():
    result = after_send(FloodWait(timedelta(seconds=7)), 2, NOW, OUTBOX_RETRY)
    assert result.state is State.PENDING
    assert result.attempts == 2
    assert result.due_at == NOW + timedelta(seconds=7)


def test_unreachable_marks_the_user_blocked():
    result = after_send(
        Unreachable("Forbidden: bot was blocked by the user"), 0, NOW, OUTBOX_RETRY
    )
    assert result.state is State.UNREACHABLE and result.block_user
    assert "blocked" in (result.error or "")


@pytest.mark.parametrize(
    ("description", "kind"),
    [
        ("Bad Request: chat not found", Unreachable),
        ("Bad Request: Chat not found", Unreachable),
        ("Bad Request: message is too long", Rejected),
    ],
)
def test_bad_requests_are_unreachable_only_for_a_missing_chat(description, kind):
    assert isinstance(classify_bad_request(description), kind)


def test_transient_errors_back_off_exponentially_then_fail_with_the_reason():
    attempts, delays = 0, []
    while True:
        result = after_send(Transient("Bad Gateway"), attempts, NOW, OUTBOX_RETRY)
        if result.state is State.FAILED:
            break
        assert result.state is State.PENDING and result.due_at is not None
        delays.append(result.due_at - NOW)
        attempts = result.attempts
    assert delays == [timedelta(seconds=30 * 2**n) for n in range(OUTBOX_RETRY.max_attempts - 1)]
    assert result.attempts == OUTBOX_RETRY.max_attempts
    assert "Bad Gateway" in (result.error or "")


def test_an_interrupted_row_is_resent_at_once_until_it_was_in_doubt_too_often():
    again = after_interruption(0, NOW, OUTBOX_RETRY)
    assert (again.state, again.due_at, again.attempts) == (State.PENDING, NOW, 1)
    given_up = after_interruption(OUTBOX_RETRY.max_attempts - 1, NOW, OUTBOX_RETRY)
    assert given_up.state is State.FAILED


def _message(**changes) -> OutboxMessage:
    values = {
        "id": 1,
        "user_id": 1,
        "chat_id": 111,
        "locale": "en",
        "kind": "k",
        "params": {},
        "topic": Topic.LISTINGS,
        "attempts": 0,
        "recipient_blocked": False,
        "topic_enabled": True,
    }
    return OutboxMessage(**{**values, **changes})


def test_before_send_settles_blocked_recipients_and_turned_off_topics():
    assert before_send(_message()) is None
    assert before_send(_message(recipient_blocked=True)).state is State.UNREACHABLE
    assert before_send(_message(topic_enabled=False)).state is State.SKIPPED


def test_reminders_go_first_and_ignore_quiet_hours():
    assert Topic.APPOINTMENTS.is_reminder and Topic.VIEWINGS.is_reminder
    assert not Topic.LISTINGS.is_reminder
    assert Topic.APPOINTMENTS.priority < Topic.ANNOUNCEMENTS.priority


def test_essential_messages_go_out_even_when_their_topic_is_turned_off():
    assert before_send(_message(topic_enabled=False), essential=True) is None
    blocked = _message(recipient_blocked=True, topic_enabled=False)
    assert before_send(blocked, essential=True).state is State.UNREACHABLE
