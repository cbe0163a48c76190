"""The line staff type for consultation hours, and the calendar files of bookings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from domain.appointments import SlotKind
from domain.calendar import CalendarEntry, booking_uid, to_ics
from domain.slot_line import (
    MAX_ADDRESS,
    MAX_CAPACITY,
    LineProblem,
    SlotLine,
    format_slot_line,
    parse_slot_line,
    toggle_language,
)
from domain.user_input import ascii_digits

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # 12:00 in Köln
SPRECHSTUNDE, BERATUNG = SlotKind.SPRECHSTUNDE, SlotKind.BERATUNG


def parse(text: str, kind: SlotKind = SPRECHSTUNDE, **kw):
    return parse_slot_line(text, kind, NOW, BERLIN, **kw)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-03 10:00-12:00 8 Kalker Hauptstr. 247",
        "3.12.2026 10-12 8 Kalker Hauptstr. 247",
        "  3.12. 10.00 – 12.00   8  Kalker Hauptstr. 247 ",  # noqa: RUF001 - a phone's dash
        "٣.١٢.٢٠٢٦ ١٠:٠٠-١٢:٠٠ ٨ Kalker Hauptstr. 247",  # noqa: RUF001 - Arabic-Indic digits
    ],
)
def test_a_line_is_read_however_it_is_typed(text):
    assert parse(text) == SlotLine(
        date(2026, 12, 3), time(10), time(12), 8, "Kalker Hauptstr. 247"
    )


@pytest.mark.parametrize(
    ("text", "kind", "problem"),
    [
        ("Kalker Hauptstr. 247", SPRECHSTUNDE, LineProblem.SHAPE),
        ("2026-12-03 10:00-12:00 Kalker Hauptstr. 247", SPRECHSTUNDE, LineProblem.SHAPE),
        ("31.02.2027 10:00-12:00 8 Kalk", SPRECHSTUNDE, LineProblem.NOT_A_DATE),
        ("2026-11-24 10:00-12:00 8 Kalk", SPRECHSTUNDE, LineProblem.IN_THE_PAST),
        ("2026-11-25 11:00-12:00 8 Kalk", SPRECHSTUNDE, LineProblem.IN_THE_PAST),  # today, gone
        ("2028-01-10 10:00-12:00 8 Kalk", SPRECHSTUNDE, LineProblem.TOO_FAR),
        ("2026-12-03 25:00-26:00 8 Kalk", SPRECHSTUNDE, LineProblem.NOT_A_TIME),
        ("2026-12-03 12:00-10:00 8 Kalk", SPRECHSTUNDE, LineProblem.END_BEFORE_START),
        ("2026-12-03 06:00-19:00 8 Kalk", SPRECHSTUNDE, LineProblem.TOO_LONG),
        ("2026-12-03 10:00-12:00 0 Kalk", SPRECHSTUNDE, LineProblem.PLACES),
        ("2026-12-03 10:00-12:00 500 Kalk", SPRECHSTUNDE, LineProblem.PLACES),
        ("2026-12-03 10:00-12:00 5 Kalk", BERATUNG, LineProblem.MINUTES),
        ("2026-12-03 10:00-10:30 45 Kalk", BERATUNG, LineProblem.MINUTES),
        ("2026-12-03 10:00-12:00 8 " + "x" * (MAX_ADDRESS + 1), SPRECHSTUNDE,
         LineProblem.ADDRESS_TOO_LONG),
    ],
)  # fmt: skip
def test_a_wrong_line_names_its_problem(text, kind, problem):
    assert parse(text, kind) is problem


def test_today_later_is_fine_and_a_beratung_change_keeps_one_conversation():
    assert isinstance(parse("25.11.2026 14:00-15:00 3 Kalk"), SlotLine)
    assert isinstance(parse("2026-12-03 10:00-12:00 30 Kalk", BERATUNG), SlotLine)
    one = parse("2026-12-03 10:00-12:00 30 Kalk", BERATUNG, single=True)
    assert one is LineProblem.ONE_CONVERSATION
    assert isinstance(parse("2026-12-03 10:00-10:30 30 Kalk", BERATUNG, single=True), SlotLine)


@given(st.text(max_size=80))
def test_any_text_gives_a_line_or_a_problem(text):
    assert isinstance(parse(text), SlotLine | LineProblem)


@given(
    day=st.dates(date(2026, 11, 26), date(2027, 11, 25)),
    start=st.integers(6 * 60, 12 * 60),
    length=st.integers(1, 6 * 60),
    number=st.integers(1, MAX_CAPACITY),
    # Addresses are read like the numbers: compatible form (NFKC), ASCII digits.
    address=st.text(
        st.characters(codec="utf-8", exclude_categories=("C", "Z")), min_size=1, max_size=40
    )
    .filter(lambda s: ascii_digits(s) == s)
    .map(lambda s: f"{s} 1"),
)
def test_the_line_shown_to_change_a_slot_reads_back_the_same(day, start, length, number, address):
    begin, end = time(start // 60, start % 60), time((start + length) // 60, (start + length) % 60)
    line = SlotLine(day, begin, end, number, address)
    assert parse(format_slot_line(line)) == line


def test_interpreter_languages_toggle_in_a_fixed_order():
    offered = ("uk", "ru", "ar")
    assert toggle_language((), "ar", offered) == ("ar",)
    assert toggle_language(("ar",), "uk", offered) == ("uk", "ar")
    assert toggle_language(("uk", "ar"), "uk", offered) == ("ar",)


# Calendar files -----------------------------------------------------------------------------

ENTRY = CalendarEntry(
    booking_id=42,
    sequence=0,
    starts_at=datetime(2026, 10, 25, 9, 0, tzinfo=UTC),
    ends_at=datetime(2026, 10, 25, 11, 0, tzinfo=UTC),
    summary="Sprechstunde у Caritas",  # noqa: RUF001 - Ukrainian
    description="Номер бронювання 42",
    location="Kalker Hauptstr. 247",
)


def _event(data: bytes):
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_a_calendar_file_has_a_stable_uid_and_local_times():
    calendar, event = _event(to_ics(ENTRY, BERLIN, NOW))
    assert str(event["uid"]) == booking_uid(42) == "booking-42@auszug-bot"
    assert event.decoded("dtstart") == datetime(2026, 10, 25, 10, 0, tzinfo=BERLIN)
    assert event.decoded("dtstart").utcoffset().total_seconds() == 3600  # CET after the change
    assert str(event["summary"]) == ENTRY.summary
    assert (str(calendar["method"]), str(event["status"])) == ("PUBLISH", "CONFIRMED")
    assert calendar.walk("VTIMEZONE")  # so a calendar app knows Europe/Berlin


def test_a_cancelling_calendar_file_keeps_the_uid_and_raises_the_sequence():
    _, first = _event(to_ics(ENTRY, BERLIN, NOW))
    calendar, cancelled = _event(to_ics(replace(ENTRY, sequence=1, cancelled=True), BERLIN, NOW))
    assert cancelled["uid"] == first["uid"]
    assert (int(first["sequence"]), int(cancelled["sequence"])) == (0, 1)
    assert (str(calendar["method"]), str(cancelled["status"])) == ("CANCEL", "CANCELLED")
