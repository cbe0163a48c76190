"""Flat viewings and other appointments staff type in: when, where, where to meet.

Staff type an appointment as up to three lines (or parts separated by ";"):

    28.11. 14:30
    Venloer Str. 12, Ehrenfeld
    in front of the house door

The first line is the date and time, the second the address, the third (optional) the
meeting point; without one, people meet at the address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from domain.advice import measured_length
from domain.searches import Document
from domain.user_input import Problem, ascii_digits, read_date

MAX_PLACE_LENGTH = 200  # an address or a meeting point
MAX_DAYS_AHEAD = 180
EXAMPLE_TIME = time(14, 30)  # in the example staff are shown
VIEWING_LENGTH = timedelta(minutes=45)  # for the calendar entry
# Reminders before a viewing: key (part of the outbox dedupe key) and how long before.
REMINDERS: tuple[tuple[str, timedelta], ...] = (
    ("24h", timedelta(hours=24)),
    ("2h", timedelta(hours=2)),
)

_TIME = re.compile(r"([0-9]{1,2})(?:[:.h]([0-9]{2}))?(?:uhr|h)?")
_PARTS = re.compile(r"\s*(?:\n|;)\s*")


class ViewingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class ViewingAnswer(StrEnum):
    COMING = "coming"
    NOT_COMING = "not_coming"


class ViewingOutcome(StrEnum):
    OFFER = "offer"  # the landlord offers the flat
    NO_OFFER = "no_offer"
    DECLINED = "declined"  # the household does not want the flat
    NO_SHOW = "no_show"  # the household did not come


class AppointmentProblem(StrEnum):
    EMPTY = "empty"
    NO_TIME = "no_time"
    NOT_A_DATE = "not_a_date"
    IN_THE_PAST = "in_the_past"
    TOO_FAR = "too_far"
    NO_PLACE = "no_place"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class Appointment:
    starts_at: datetime  # aware, in the time zone of `now` given to the parser
    place: str  # the address of the flat or office
    meeting_point: str | None = None  # None: meet at the place

    @property
    def meet_at(self) -> str:
        return self.meeting_point or self.place


@dataclass(frozen=True, slots=True)
class Viewing:
    id: int
    user_id: int  # the household
    carrier_id: int
    scheduled_by: int | None  # users.id of the staff member, None once they left
    listing_id: int | None
    address: str
    meeting_point: str | None
    starts_at: datetime
    sequence: int  # iCalendar SEQUENCE: raised with each change
    status: ViewingStatus
    answer: ViewingAnswer | None
    outcome: ViewingOutcome | None
    created_at: datetime

    @property
    def appointment(self) -> Appointment:
        return Appointment(self.starts_at, self.address, self.meeting_point)

    def is_upcoming(self, now: datetime) -> bool:
        return self.status is ViewingStatus.SCHEDULED and self.starts_at > now


def calendar_uid(viewing_id: int) -> str:
    """Stable across changes, so a calendar updates its entry instead of adding one."""
    return f"viewing-{viewing_id}@auszug-bot"


def parse_appointment(
    text: str, now: datetime, default_place: str | None = None
) -> Appointment | AppointmentProblem:
    """Reads the three lines described above; `now` is aware and in the local time zone.
    With a `default_place` (a listing's address) the first line alone is enough."""
    parts = [part for part in _PARTS.split(text.strip()) if part]
    if not parts:
        return AppointmentProblem.EMPTY
    when = _read_when(parts[0], now)
    if isinstance(when, AppointmentProblem):
        return when
    place = parts[1] if len(parts) > 1 else default_place
    if place is None:
        return AppointmentProblem.NO_PLACE
    meeting = " ".join(parts[2:]) or None
    # Measured as sent: the invitation is the caption of its calendar file.
    if max(measured_length(place), measured_length(meeting or "")) > MAX_PLACE_LENGTH:
        return AppointmentProblem.TOO_LONG
    return Appointment(when, place, meeting)


def _read_when(text: str, now: datetime) -> datetime | AppointmentProblem:
    words = ascii_digits(text).casefold().split()
    if len(words) < 2:
        return AppointmentProblem.NO_TIME
    clock = _read_time("".join(words[1:]))
    if clock is None:
        return AppointmentProblem.NO_TIME
    today = now.date()
    day = read_date(words[0], today, today + timedelta(days=MAX_DAYS_AHEAD))
    if isinstance(day, Problem):
        return _DATE_PROBLEMS.get(day, AppointmentProblem.NOT_A_DATE)
    moment = datetime.combine(day, clock, tzinfo=now.tzinfo)
    return moment if moment > now else AppointmentProblem.IN_THE_PAST


_DATE_PROBLEMS = {
    Problem.IN_THE_PAST: AppointmentProblem.IN_THE_PAST,
    Problem.TOO_FAR: AppointmentProblem.TOO_FAR,
}


def _read_time(text: str) -> time | None:
    match = _TIME.fullmatch(text)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None


def format_appointment(appointment: Appointment, tz: tzinfo) -> str:
    """The typed form of an appointment: what parse_appointment reads back."""
    local = appointment.starts_at.astimezone(tz)
    lines = [
        f"{local.day}.{local.month}.{local.year} {local.hour:02d}:{local.minute:02d}",
        appointment.place,
    ]
    if appointment.meeting_point:
        lines.append(appointment.meeting_point)
    return "\n".join(lines)


def reminder_times(starts_at: datetime, now: datetime) -> list[tuple[str, datetime]]:
    """The reminders still worth sending: none that would be due in the past."""
    return [(key, starts_at - before) for key, before in REMINDERS if starts_at - before > now]


def document_lists(documents: Mapping[Document, bool]) -> tuple[list[Document], list[Document]]:
    """(held, missing): what to bring, and what is still missing (not held or not answered)."""
    held = [d for d in Document if documents.get(d)]
    return held, [d for d in Document if not documents.get(d)]


def example_day(now: datetime) -> date:
    """A day for the example in the question: a week ahead, so it never lies in the past."""
    return now.date() + timedelta(days=7)


class Purpose(StrEnum):
    """What a staff member's typed appointment is for."""

    VIEWING = "viewing"  # a new viewing
    RESCHEDULE = "reschedule"  # a new time or place for a viewing
    COMPANION = "companion"  # an office visit a volunteer should accompany


@dataclass(frozen=True, slots=True)
class StaffQuestion:
    """The open question a staff member answers by typing an appointment."""

    user_id: int  # the staff member
    purpose: Purpose
    case_user_id: int  # the household
    viewing_id: int | None
    kind: str | None  # for COMPANION: domain.accompaniment.Kind
    asked_at: datetime
    listing_id: int | None = None  # for VIEWING from a listing's shortlist
