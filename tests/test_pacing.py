"""The Pacer keeps Telegram's limits for any sequence of requests; quiet hours wrap midnight."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.limits import MESSAGES_PER_SECOND, PACING_WINDOW
from bot.settings import Settings, SettingsError
from domain.pacing import Lane, Pacer, QuietHours
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


@dataclass(frozen=True)
class Ask:
    arrival: datetime
    lane: Lane
    chat_id: int


@dataclass(frozen=True)
class Start:
    at: datetime
    ask: Ask
    answers_waiting: int  # for the budget, when it started


def _drive(
    pacer: Pacer, asks: list[Ask], pause: tuple[datetime, timedelta] | None = None
) -> list[Start]:
    """Runs requests through the Pacer as bot/limiter.py does: each starts when the Pacer lets
    it, the outbox one by one in order (the sender is one loop), and the outbox asks first at
    each moment, so only the Pacer gives answers their priority. `pause`: a 429 arrives at
    this moment and asks to wait this long."""
    waiting = sorted(asks, key=lambda ask: ask.arrival)
    starts: list[Start] = []
    now = START
    while waiting:
        if pause is not None and pause[0] <= now:
            pacer.pause(pause[0] + pause[1])
            pause = None
        arrived = [ask for ask in waiting if ask.arrival <= now]
        answers = [ask for ask in arrived if ask.lane is Lane.ANSWER]
        outbox = [ask for ask in arrived if ask.lane is Lane.OUTBOX][:1]
        # An answer held by its own chat (a notice just went there) does not hold the outbox.
        waiting_for_budget = [a for a in answers if pacer.after_notice_at(now, a.chat_id) <= now]
        ready = {
            ask: pacer.ready_at(
                now, ask.chat_id, ask.lane, answers_waiting=len(waiting_for_budget)
            )
            for ask in outbox + answers
        }
        go = next((ask for ask, at in ready.items() if at <= now), None)
        if go is None:
            later = [*ready.values(), *(ask.arrival for ask in waiting if ask.arrival > now)]
            now = min([*later, pause[0]] if pause is not None else later)
            continue
        pacer.record(now, go.chat_id, go.lane)
        starts.append(Start(now, go, len(waiting_for_budget)))
        waiting.remove(go)
    return starts


asks = st.lists(
    st.builds(
        Ask,
        st.integers(0, 4000).map(lambda ms: START + timedelta(milliseconds=ms)),
        st.sampled_from(Lane),
        st.integers(1, 30),
    ),
    max_size=200,
)


@settings(deadline=None)
@given(asks, st.none() | st.tuples(st.integers(0, 4000), st.integers(1, 3)))
def test_answers_and_outbox_together_keep_the_cap_the_chats_and_the_pause(asks, pause):
    at, seconds = pause if pause is not None else (0, 0)
    pause_at = START + timedelta(milliseconds=at)
    starts = _drive(
        Pacer(MESSAGES_PER_SECOND, PACING_WINDOW),
        asks,
        (pause_at, seconds * SECOND) if pause is not None else None,
    )
    assert len(starts) == len(asks)  # everyone gets a turn
    assert max_in_window([start.at for start in starts]) <= MESSAGES_PER_SECOND
    for index, start in enumerate(starts):
        # A notice never within a second after any send to its chat, nor an answer after one.
        earlier = [
            s.at
            for s in starts[:index]
            if s.ask.chat_id == start.ask.chat_id and Lane.OUTBOX in (s.ask.lane, start.ask.lane)
        ]
        assert all(start.at - moment >= SECOND for moment in earlier)
        if start.ask.lane is Lane.OUTBOX:
            assert start.answers_waiting == 0  # (an answer held by its own chat may wait)
    if pause is not None:
        assert not [s for s in starts if pause_at <= s.at < pause_at + seconds * SECOND]


@settings(deadline=None, max_examples=30)  # each example is a 400-message broadcast
@given(st.lists(st.integers(1100, 3000), min_size=1, max_size=10))
def test_a_broadcast_delays_an_answer_by_one_slot_at_most(gaps_ms):
    """A broadcast to 400 people runs; now and then a user asks something."""
    pacer = Pacer(MESSAGES_PER_SECOND, PACING_WINDOW)
    outbox = [Ask(START, Lane.OUTBOX, 1000 + n) for n in range(400)]
    moments = itertools.accumulate(timedelta(milliseconds=gap) for gap in gaps_ms)
    answers = [Ask(START + moment, Lane.ANSWER, n) for n, moment in enumerate(moments)]
    starts = _drive(pacer, outbox + answers)
    for start in starts:
        if start.ask.lane is Lane.ANSWER:
            assert start.at - start.ask.arrival <= pacer.spacing
    broadcast = [start.at for start in starts if start.ask.lane is Lane.OUTBOX]
    elapsed = (broadcast[-1] - broadcast[0]).total_seconds()
    assert (len(starts) - 1) / elapsed >= 0.9 * MESSAGES_PER_SECOND  # answers use the budget too


def test_answers_in_a_conversation_are_not_held_but_a_notice_is_kept_apart():
    pacer = Pacer(MESSAGES_PER_SECOND, PACING_WINDOW)
    pacer.record(START, 1, Lane.ANSWER)
    assert pacer.ready_at(START, 1, Lane.ANSWER) == START  # the next screen goes at once
    later = START + PACING_WINDOW / 2
    pacer.record(later, 1, Lane.ANSWER)
    assert pacer.chat_ready_at(later, 1) == later + PACING_WINDOW  # a notice waits
    pacer.record(later + PACING_WINDOW, 1)  # the notice
    assert pacer.ready_at(later + PACING_WINDOW, 1, Lane.ANSWER) == later + 2 * PACING_WINDOW


def test_an_album_counts_each_photo():
    pacer = Pacer(MESSAGES_PER_SECOND, PACING_WINDOW)
    for chat_id in range(MESSAGES_PER_SECOND - 5):
        pacer.record(START, chat_id, Lane.ANSWER)
    assert pacer.ready_at(START, 99, Lane.ANSWER, count=5) == START
    assert pacer.ready_at(START, 99, Lane.ANSWER, count=6) == START + PACING_WINDOW


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
