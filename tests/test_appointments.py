"""Appointments as staff type them, reminders, documents, companions and figures: pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.accompaniment import (
    Acceptance,
    Kind,
    Offer,
    Request,
    RequestStatus,
    acceptance,
    fitting,
)
from domain.accompaniment import expires_at as request_expiry
from domain.searches import Document
from domain.stats import count_by_period, month_bounds, week_bounds
from domain.viewings import (
    MAX_PLACE_LENGTH,
    Appointment,
    AppointmentProblem,
    document_lists,
    format_appointment,
    parse_appointment,
    reminder_times,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=BERLIN)


def at(day: int, month: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "28.11. 14:30\nVenloer Str. 12, Ehrenfeld\nvor der Haustür",
            Appointment(at(28, 11, 14, 30), "Venloer Str. 12, Ehrenfeld", "vor der Haustür"),
        ),
        (
            "28.11.2026 14 Uhr; Deutzer Freiheit 5",
            Appointment(at(28, 11, 14), "Deutzer Freiheit 5"),
        ),
        ("2026-12-01 9.15\nKalk Post", Appointment(at(1, 12, 9, 15), "Kalk Post")),
        (  # Arabic-Indic digits
            "\u0662\u0668.\u0661\u0661. \u0661\u0664:\u0663\u0660\nVenloer Str. 12",
            Appointment(at(28, 11, 14, 30), "Venloer Str. 12"),
        ),
        ("3.1. 10h\nA\nB\nC", Appointment(at(3, 1, 10, year=2027), "A", "B C")),
    ],
)
def test_appointments_as_staff_type_them(text, expected):
    assert parse_appointment(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", AppointmentProblem.EMPTY),
        ("28.11.\nVenloer Str. 12", AppointmentProblem.NO_TIME),
        ("morgen 14:30\nVenloer Str. 12", AppointmentProblem.NOT_A_DATE),
        ("28.11. 25:00\nVenloer Str. 12", AppointmentProblem.NO_TIME),
        ("25.11. 11:59\nVenloer Str. 12", AppointmentProblem.IN_THE_PAST),
        ("1.1.2026 10:00\nVenloer Str. 12", AppointmentProblem.IN_THE_PAST),
        ("1.1.2028 10:00\nVenloer Str. 12", AppointmentProblem.TOO_FAR),
        ("28.11. 14:30", AppointmentProblem.NO_PLACE),
        ("28.11. 14:30\n" + "x" * (MAX_PLACE_LENGTH + 1), AppointmentProblem.TOO_LONG),
    ],
)
def test_what_cannot_be_read_is_named(text, problem):
    assert parse_appointment(text, NOW) == problem


@given(st.text())
def test_parsing_never_raises(text):
    assert isinstance(parse_appointment(text, NOW), Appointment | AppointmentProblem)


places = (
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters=";"),
        min_size=1,
        max_size=MAX_PLACE_LENGTH,
    )
    .map(str.strip)
    .filter(bool)
)


@given(
    st.integers(1, 170 * 24 * 60).map(lambda minutes: NOW + timedelta(minutes=minutes)),
    places,
    st.one_of(st.none(), places),
)
def test_the_example_format_reads_back(starts, place, meeting):
    appointment = Appointment(starts.replace(second=0, microsecond=0), place, meeting)
    if appointment.starts_at <= NOW:
        return
    assert parse_appointment(format_appointment(appointment, BERLIN), NOW) == appointment


def test_reminders_that_would_lie_in_the_past_are_left_out():
    starts = NOW + timedelta(hours=30)
    assert reminder_times(starts, NOW) == [
        ("24h", starts - timedelta(hours=24)),
        ("2h", starts - timedelta(hours=2)),
    ]
    assert reminder_times(NOW + timedelta(hours=5), NOW) == [("2h", NOW + timedelta(hours=3))]
    assert reminder_times(NOW + timedelta(hours=1), NOW) == []


def test_documents_not_answered_count_as_missing():
    held, missing = document_lists({Document.RESIDENCE: True, Document.SCHUFA: False})
    assert held == [Document.RESIDENCE]
    assert missing == [d for d in Document if d is not Document.RESIDENCE]


def _offer(user_id: int, **changes) -> Offer:
    values = {
        "user_id": user_id,
        "first_name": "Jana",
        "districts": frozenset({"Ehrenfeld"}),
        "languages": frozenset({"uk", "de"}),
        "kinds": frozenset({Kind.VIEWING}),
        "active": True,
    } | changes
    return Offer(**values)


def test_requests_go_to_active_volunteers_who_fit_by_kind_district_and_language():
    offers = [
        _offer(1),
        _offer(2, active=False),
        _offer(3, districts=frozenset({"Porz"})),
        _offer(4, languages=frozenset({"ar"})),
        _offer(5, kinds=frozenset({Kind.JOBCENTER})),
    ]
    assert fitting(offers, Kind.VIEWING, "Ehrenfeld", "uk") == [1]
    assert fitting(offers, Kind.VIEWING, None, "uk") == [1, 3]  # district unknown: any


def _request(**changes) -> Request:
    values = {
        "id": 7, "user_id": 10, "carrier_id": 1, "requested_by": None, "viewing_id": None,
        "kind": Kind.VIEWING, "starts_at": NOW + timedelta(days=2), "place": "A",
        "meeting_point": None, "district": None, "language": "uk",
        "status": RequestStatus.OPEN, "volunteer_id": None, "created_at": NOW,
        "expires_at": NOW + timedelta(hours=24),
    } | changes  # fmt: skip
    return Request(**values)


def test_only_who_was_asked_may_accept_and_only_while_open():
    assert acceptance(_request(), 1, True, NOW) is Acceptance.ACCEPTED
    assert acceptance(_request(), 1, False, NOW) is Acceptance.NOT_ASKED
    assert acceptance(None, 1, True, NOW) is Acceptance.NOT_ASKED
    taken = _request(status=RequestStatus.TAKEN, volunteer_id=1)
    assert acceptance(taken, 1, True, NOW) is Acceptance.YOURS_ALREADY
    assert acceptance(taken, 2, True, NOW) is Acceptance.TAKEN
    assert acceptance(_request(), 1, True, NOW + timedelta(hours=24)) is Acceptance.CLOSED


def test_a_request_expires_in_time_for_staff_to_act():
    wait, lead = timedelta(hours=24), timedelta(hours=3)
    assert request_expiry(NOW, NOW + timedelta(days=5), wait, lead) == NOW + wait
    assert request_expiry(NOW, NOW + timedelta(hours=10), wait, lead) == NOW + timedelta(hours=7)
    assert request_expiry(NOW, NOW + timedelta(hours=1), wait, lead) == NOW


def test_months_and_weeks_for_the_figures():
    now = datetime(2026, 1, 15, 12, tzinfo=UTC)
    assert month_bounds(now, BERLIN, 3) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert week_bounds(now, BERLIN, 2, ahead=1) == [
        date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26)
    ]  # fmt: skip
    moments = [
        datetime(2025, 11, 30, 23, 30, tzinfo=UTC),  # 1 December in Cologne
        datetime(2025, 10, 31, 12, tzinfo=UTC),  # before the first month: not counted
        datetime(2026, 1, 31, 12, tzinfo=UTC),
        datetime(2026, 2, 1, 12, tzinfo=UTC),  # after the last month: not counted
    ]
    assert count_by_period(moments, month_bounds(now, BERLIN, 3), BERLIN) == [0, 1, 1]


def test_the_clock_time_of_an_appointment_is_local():
    appointment = parse_appointment("29.3.2027 10:00\nA", NOW)
    assert isinstance(appointment, Appointment)
    assert appointment.starts_at.astimezone(BERLIN).time() == time(10, 0)  # summer time
