"""The one line staff type to create or change consultation hours, for example

    2026-12-03 10:00-12:00 8 Kalker Hauptstr. 247, 51103 Köln

the day, the time window (local time in Köln), a number and the address. The number is the
places of a Sprechstunde, or the minutes of each conversation of a Beratung (10:00-12:00 with
30 makes four conversations). Days are read like other dates (3.12.2026, 2026-12-03, 3.12.).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.accounts import Audience
from domain.advice import measured_length
from domain.appointments import SlotKind, SlotPlan, minutes_of
from domain.user_input import Problem, ascii_digits, read_date

MAX_CAPACITY = 40  # places of one Sprechstunde: two attendance buttons each fit a message
MIN_MINUTES, MAX_MINUTES = 10, 240  # one Beratung conversation
MAX_WINDOW = timedelta(hours=12)
MAX_ADDRESS = 120  # characters
MAX_DAYS_AHEAD = 366
MAX_WEEKS = 12  # a weekly series

_CLOCK = r"[0-9]{1,2}(?:[:.][0-9]{2})?"
_LINE = re.compile(
    rf"(?P<day>\S+) (?P<start>{_CLOCK}) ?- ?(?P<end>{_CLOCK}) (?P<number>[0-9]{{1,4}}) "
    r"(?P<address>\S.*)"
)
# En dash, em dash, figure dash: phones turn "-" into these.
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-"})


class LineProblem(StrEnum):
    SHAPE = "shape"  # not "day time-time number address"
    NOT_A_DATE = "not_a_date"
    IN_THE_PAST = "in_the_past"
    TOO_FAR = "too_far"
    NOT_A_TIME = "not_a_time"
    END_BEFORE_START = "end_before_start"
    TOO_LONG = "too_long"  # the window is longer than MAX_WINDOW
    PLACES = "places"  # not 1 to MAX_CAPACITY
    MINUTES = "minutes"  # not MIN_MINUTES to MAX_MINUTES, or longer than the window
    ONE_CONVERSATION = "one_conversation"  # a change of one Beratung must keep one
    ADDRESS_TOO_LONG = "address_too_long"


@dataclass(frozen=True, slots=True)
class SlotLine:
    day: date
    start: time
    end: time
    number: int
    address: str


def parse_slot_line(
    text: str, kind: SlotKind, now: datetime, tz: ZoneInfo, *, single: bool = False
) -> SlotLine | LineProblem:
    """Reads a line; `single` for a change of one Beratung conversation. Never raises."""
    cleaned = " ".join(ascii_digits(text).translate(_DASHES).split())
    match = _LINE.fullmatch(cleaned)
    if match is None:
        return LineProblem.SHAPE
    today = now.astimezone(tz).date()
    day = read_date(match["day"], today, today + timedelta(days=MAX_DAYS_AHEAD))
    if isinstance(day, Problem):
        return {
            Problem.IN_THE_PAST: LineProblem.IN_THE_PAST,
            Problem.TOO_FAR: LineProblem.TOO_FAR,
        }.get(day, LineProblem.NOT_A_DATE)
    start, end = _clock(match["start"]), _clock(match["end"])
    if start is None or end is None:
        return LineProblem.NOT_A_TIME
    window = minutes_of(end) - minutes_of(start)
    if window <= 0:
        return LineProblem.END_BEFORE_START
    if timedelta(minutes=window) > MAX_WINDOW:
        return LineProblem.TOO_LONG
    if datetime.combine(day, start, tzinfo=tz) <= now:
        return LineProblem.IN_THE_PAST
    number = int(match["number"])
    problem = _number_problem(kind, number, window, single)
    if problem is not None:
        return problem
    address = match["address"]
    if measured_length(address) > MAX_ADDRESS:  # as sent, in captions of calendar files
        return LineProblem.ADDRESS_TOO_LONG
    return SlotLine(day, start, end, number, address)


def _number_problem(kind: SlotKind, number: int, window: int, single: bool) -> LineProblem | None:
    if kind is SlotKind.SPRECHSTUNDE:
        return None if 1 <= number <= MAX_CAPACITY else LineProblem.PLACES
    if not MIN_MINUTES <= number <= min(MAX_MINUTES, window):
        return LineProblem.MINUTES
    if single and number != window:
        return LineProblem.ONE_CONVERSATION
    return None


def _clock(text: str) -> time | None:
    hours, _, minutes = text.replace(".", ":").partition(":")
    hour, minute = int(hours), int(minutes or 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None


def format_slot_line(line: SlotLine) -> str:
    """The line as staff would type it: shown as the example when they change a slot."""
    start, end = line.start.isoformat("minutes"), line.end.isoformat("minutes")
    return f"{line.day.isoformat()} {start}-{end} {line.number} {line.address}"


@dataclass(frozen=True, slots=True)
class SlotDraft:
    """A staff member's new or changed slot until they save it: the line, then the choices."""

    user_id: int
    carrier_id: int
    kind: SlotKind
    slot_id: int | None = None  # the slot being changed; None for new ones
    line: SlotLine | None = None
    audience: Audience = Audience.BOTH
    weeks: int = 1
    languages: tuple[str, ...] = ()
    asking_since: datetime | None = None  # while the bot waits for the typed line

    @property
    def is_change(self) -> bool:
        return self.slot_id is not None

    def plan(self) -> SlotPlan | None:
        if self.line is None:
            return None
        line = self.line
        weeks = 1 if self.is_change else self.weeks
        return SlotPlan(self.kind, line.day, line.start, line.end, line.number, weeks)


def toggle_language(
    languages: tuple[str, ...], code: str, offered: tuple[str, ...]
) -> tuple[str, ...]:
    """Adds or removes one interpreter language, keeping the order of `offered`."""
    chosen = set(languages) ^ {code}
    return tuple(c for c in offered if c in chosen)
