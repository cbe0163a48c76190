"""The Pacer keeps Telegram's limits for any sequence of requests; quiet hours wrap midnight."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.limits import MESSAGES_PER_SECOND, PACING_WINDOW
from bot.settings import Settings, SettingsError
from domain.pacing import Pacer, QuietHours
from tests.fakes import TOKEN, max_in_window

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def _run(pacer: Pacer, requests: list[tuple[int, int]]) -> list[tuple[datetime, int]]:
    """Each request: (chat, milliseconds after the previous one was allowed). Returns starts."""
    now, starts = START, []
    for chat_id, gap_ms in requests:
        now = pacer.ready_at(now + timedelta(milliseconds=gap_ms), chat_id)
        pacer.record(now, chat_id)
        starts.append((now, chat_id))
    return starts


@given(st.lists(st.tuples(st.integers(1, 40), st.integers(0, 300)), max_size=300))
def test_never_more_than_the_cap_in_any_second_nor_two_to_one_chat(requests):
    starts = _run(Pacer(MESSAGES_PER_SECOND, PACING_WINDOW), requests)
    assert max_in_window([moment for moment, _ in starts]) <= MESSAGES_PER_SECOND
    for chat_id in {chat for _, chat in starts}:
        assert max_in_window([moment for moment, chat in starts if chat == chat_id]) <= 1


def test_a_burst_to_many_chats_runs_at_the_cap():
    starts = _run(Pacer(MESSAGES_PER_SECOND, PACING_WINDOW), [(n, 0) for n in range(300)])
    elapsed = (starts[-1][0] - starts[0][0]).total_seconds()
    assert 0.9 * MESSAGES_PER_SECOND <= (len(starts) - 1) / elapsed <= MESSAGES_PER_SECOND
    assert max_in_window([moment for moment, _ in starts], SECOND / 10) <= 3  # no bursts


def test_a_429_pause_holds_every_chat_and_never_shrinks():
    pacer = Pacer(MESSAGES_PER_SECOND, PACING_WINDOW)
    pacer.pause(START + 5 * SECOND)
    pacer.pause(START + 2 * SECOND)
    assert pacer.ready_at(START, 1) == START + 5 * SECOND
    assert pacer.ready_at(START + 6 * SECOND, 2) == START + 6 * SECOND


def test_a_chat_waits_but_others_do_not():
    pacer = Pacer(MESSAGES_PER_SECOND, PACING_WINDOW)
    pacer.record(START, 1)
    assert pacer.chat_ready_at(START, 1) == START + PACING_WINDOW
    assert pacer.ready_at(START, 1) == START + PACING_WINDOW
    assert pacer.ready_at(START, 2) == START + pacer.spacing  # evenly spaced, not in bursts


NIGHT = QuietHours(time(21, 0), time(8, 0))


@pytest.mark.parametrize(
    ("local", "quiet"),
    [((20, 59), False), ((21, 0), True), ((23, 30), True), ((3, 0), True), ((8, 0), False)],
)
def test_quiet_hours_wrap_past_midnight(local, quiet):
    moment = datetime(2026, 11, 25, *local, tzinfo=BERLIN)
    assert NIGHT.contains(moment, BERLIN) is quiet


def test_a_notice_queued_at_night_resumes_at_eight_the_next_morning():
    late = datetime(2026, 11, 25, 22, 15, tzinfo=BERLIN)
    assert NIGHT.resume_at(late, BERLIN) == datetime(2026, 11, 26, 8, 0, tzinfo=BERLIN)
    early = datetime(2026, 11, 26, 6, 0, tzinfo=BERLIN)
    assert NIGHT.resume_at(early, BERLIN) == datetime(2026, 11, 26, 8, 0, tzinfo=BERLIN)


def test_resume_on_the_night_the_clocks_go_back():
    hours = QuietHours(time(1, 0), time(2, 30))
    second_two_fifteen = datetime(2026, 10, 25, 1, 15, tzinfo=UTC)  # 02:15 CET, after 02:15 CEST
    resume = hours.resume_at(second_two_fifteen, BERLIN)
    assert resume.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


@given(
    st.times(),
    st.times(),
    st.datetimes(timezones=st.just(UTC), min_value=datetime(2000, 1, 1)),  # noqa: DTZ001
)
def test_resume_is_never_before_now_and_never_quiet(start, end, now):
    start, end = start.replace(microsecond=0), end.replace(microsecond=0)
    if start == end:
        return
    hours = QuietHours(start, end)
    resume = hours.resume_at(now, BERLIN)
    assert resume >= now
    assert not hours.contains(resume, BERLIN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21:00-08:00", NIGHT),
        (" 22:30-06:15 ", QuietHours(time(22, 30), time(6, 15))),
        ("off", None),
        ("OFF", None),
    ],
)
def test_quiet_hours_parse(text, expected):
    assert QuietHours.parse(text) == expected


@given(st.text(max_size=15))
def test_quiet_hours_parse_accepts_only_its_format(text):
    try:
        parsed = QuietHours.parse(text)
    except ValueError:
        return
    assert parsed is None or parsed.start != parsed.end


@pytest.mark.parametrize("text", ["", "21-8", "21:00-21:00", "24:00-08:00", "21:00\u201308:00"])
def test_quiet_hours_parse_refuses(text):
    with pytest.raises(ValueError):
        QuietHours.parse(text)


def test_quiet_hours_come_from_the_environment():
    assert Settings.from_env({"BOT_TOKEN": TOKEN}).quiet_hours == NIGHT
    assert Settings.from_env({"BOT_TOKEN": TOKEN, "QUIET_HOURS": "off"}).quiet_hours is None
    with pytest.raises(SettingsError, match="QUIET_HOURS"):
        Settings.from_env({"BOT_TOKEN": TOKEN, "QUIET_HOURS": "nights"})
