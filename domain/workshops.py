"""Workshops of the carriers: the form staff type, places with a waitlist, reminders.

Staff describe a workshop in one message of `Key: value` lines (German or English keys);
`parse_form` reads it and `form_text` writes a workshop back into that form for editing.
Places: whoever registers gets a place while there is one, else a place on the waitlist;
freed places go to the waitlist in order (`promotions`). Nothing here reads the clock.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from domain.accounts import Audience, Role
from domain.locales import SUPPORTED_LOCALES
from domain.places import place_key
from domain.user_input import Problem, ascii_digits, read_count, read_date

MAX_TITLE = 120
MAX_DESCRIPTION = 1500
MAX_SHORT_TRANSLATION = 600  # a translated description is a short summary
MAX_PLACE = 200
MAX_CAPACITY = 500
MAX_DAYS_AHEAD = 730
DEFAULT_DURATION = timedelta(hours=2)
# Reminders before a workshop, each with the name of its outbox key.
REMINDER_LEADS: tuple[tuple[str, timedelta], ...] = (
    ("1d", timedelta(days=1)),
    ("2h", timedelta(hours=2)),
)
# A workshop's text may be translated into any language we speak except German itself.
TRANSLATION_LOCALES = tuple(code for code in SUPPORTED_LOCALES if code != "de")


class WorkshopTopic(StrEnum):
    SEARCH = "search"  # portals, adverts, viewings
    APPLICATION = "application"  # applying for a flat: SCHUFA, papers, landlords
    OFFICES = "offices"  # Jobcenter, Sozialamt, WBS, rent approval
    LEASE = "lease"  # the lease, deposit, rights and duties
    MOVING = "moving"  # moving in, Anmeldung, the first months
    OTHER = "other"


class WorkshopStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class Seat(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"


class Refusal(StrEnum):
    """Why someone cannot register."""

    ALREADY_REGISTERED = "already_registered"
    ALREADY_WAITLISTED = "already_waitlisted"
    STARTED = "started"  # it has begun or is over
    CANCELLED = "cancelled"
    NOT_FOR_YOU = "not_for_you"  # another audience


@dataclass(frozen=True, slots=True)
class Translation:
    title: str = ""  # empty: the German one is shown
    description: str = ""


@dataclass(frozen=True, slots=True)
class WorkshopDetails:
    """What staff type in the form."""

    title: str
    description: str
    topic: WorkshopTopic
    starts_at: datetime  # UTC
    ends_at: datetime
    place: str  # an address, or an https:// link
    capacity: int
    audience: Audience
    language: str
    translations: Mapping[str, Translation] = field(default_factory=dict)

    @property
    def is_online(self) -> bool:
        return self.place.startswith("https://")

    def title_in(self, locale: str) -> str:
        """The title in `locale` if staff translated it, else the German one."""
        return self.translations.get(locale, Translation()).title or self.title

    def description_in(self, locale: str) -> str:
        return self.translations.get(locale, Translation()).description or self.description


@dataclass(frozen=True, slots=True)
class Workshop:
    id: int
    carrier_id: int
    carrier_name: str
    details: WorkshopDetails
    status: WorkshopStatus
    sequence: int  # raised on every change; the .ics SEQUENCE
    announced_at: datetime | None


@dataclass(frozen=True, slots=True)
class Attendance:
    """One person's standing in a workshop."""

    seat: Seat | None
    registered: int  # places taken, by anyone
    position: int  # on the waitlist, from 1; 0 when not waiting


@dataclass(frozen=True, slots=True)
class SeatHolder:
    user_id: int
    first_name: str
    seat: Seat


# Places and the waitlist.


def seat_for(
    workshop: Workshop, registered: int, current: Seat | None, role: Role, now: datetime
) -> Seat | Refusal:
    """Where someone who asks to register ends up, given `registered` places taken."""
    if workshop.status is WorkshopStatus.CANCELLED:
        return Refusal.CANCELLED
    if workshop.details.starts_at <= now:
        return Refusal.STARTED
    if not workshop.details.audience.admits(role):
        return Refusal.NOT_FOR_YOU
    if current is Seat.REGISTERED:
        return Refusal.ALREADY_REGISTERED
    if current is Seat.WAITLISTED:
        return Refusal.ALREADY_WAITLISTED
    return Seat.REGISTERED if registered < workshop.details.capacity else Seat.WAITLISTED


def promotions(capacity: int, registered: int, waitlist: Sequence[int]) -> tuple[int, ...]:
    """Who on the waitlist (in its order) gets one of the free places."""
    return tuple(waitlist[: max(capacity - registered, 0)])


def capacity_fits(capacity: int, registered: int) -> bool:
    """Staff may lower the capacity only down to the places already given."""
    return capacity >= registered


def reminder_times(starts_at: datetime, now: datetime) -> tuple[tuple[str, datetime], ...]:
    """The reminders still ahead: nobody gets "tomorrow" two hours before."""
    return tuple(
        (name, starts_at - lead) for name, lead in REMINDER_LEADS if starts_at - lead > now
    )


def may_change(workshop: Workshop, now: datetime) -> bool:
    """A workshop can be edited, announced or cancelled until it begins."""
    return workshop.status is WorkshopStatus.PLANNED and workshop.details.starts_at > now


# The form.


class FormField(StrEnum):
    TITLE = "title"
    DESCRIPTION = "description"
    TOPIC = "topic"
    WHEN = "when"
    PLACE = "place"
    CAPACITY = "capacity"
    AUDIENCE = "audience"
    LANGUAGE = "language"


# The key before the colon: the German one is shown in the form, the English one understood.
FORM_KEYS: dict[FormField, tuple[str, ...]] = {
    FormField.TITLE: ("Titel", "Title"),
    FormField.DESCRIPTION: ("Beschreibung", "Description"),
    FormField.TOPIC: ("Thema", "Topic"),
    FormField.WHEN: ("Wann", "When"),
    FormField.PLACE: ("Ort", "Place", "Link"),
    FormField.CAPACITY: ("Plätze", "Places", "Capacity"),
    FormField.AUDIENCE: ("Für", "For", "Audience"),
    FormField.LANGUAGE: ("Sprache", "Language"),
}
TRANSLATABLE = (FormField.TITLE, FormField.DESCRIPTION)
TOPIC_WORDS: dict[WorkshopTopic, tuple[str, ...]] = {
    WorkshopTopic.SEARCH: ("Wohnungssuche", "Suche", "search"),
    WorkshopTopic.APPLICATION: ("Bewerbung", "application"),
    WorkshopTopic.OFFICES: ("Behörden", "Ämter", "offices"),
    WorkshopTopic.LEASE: ("Mietvertrag", "lease"),
    WorkshopTopic.MOVING: ("Umzug", "moving"),
    WorkshopTopic.OTHER: ("Sonstiges", "other"),
}
AUDIENCE_WORDS: dict[Audience, tuple[str, ...]] = {
    Audience.VOLUNTEERS: ("Ehrenamtliche", "volunteers"),
    Audience.SEEKERS: ("Haushalte", "Suchende", "households", "seekers"),
    Audience.BOTH: ("alle", "beide", "all", "both"),
}


class Issue(StrEnum):
    MISSING = "missing"
    INVALID = "invalid"
    TOO_LONG = "too_long"
    IN_THE_PAST = "in_the_past"


@dataclass(frozen=True, slots=True)
class FormProblem:
    field: FormField
    issue: Issue
    locale: str | None = None  # set for a translation line


_LINE = re.compile(r"\s*([^\W\d_]+)(?:[ \t]+([A-Za-z]{2,3}))?[ \t]*:[ \t]*(.*)")
_CLOCK = r"([0-9]{1,2})[:.]([0-9]{2})"
_WHEN = re.compile(rf"(\S+)\s+{_CLOCK}(?:\s*(?:uhr)?\s*[-\u2013]\s*{_CLOCK})?\s*(?:uhr)?", re.I)
_LINK = re.compile(r"https://\S+")
_KEYS = {place_key(key): form_field for form_field, keys in FORM_KEYS.items() for key in keys}

Key = tuple[FormField, str | None]  # a field, and the locale of a translation line


def _key(line: str) -> tuple[Key, str] | None:
    match = _LINE.fullmatch(line)
    form_field = _KEYS.get(place_key(match[1])) if match else None
    if match is None or form_field is None:
        return None
    locale = match[2].lower() if match[2] else None
    if locale is not None and form_field not in TRANSLATABLE:
        return None
    return (form_field, locale), match[3]


def _collect(text: str) -> dict[Key, str]:
    """Each key's value; lines without a key continue the value above (a description)."""
    values: dict[Key, list[str]] = {}
    current: Key | None = None
    for line in text.splitlines():
        found = _key(line)
        if found is not None:
            current, first = found
            values[current] = [first.strip()]
        elif current is not None:
            values[current].append(line.strip())
    return {key: "\n".join(lines).strip() for key, lines in values.items()}


# Readers of one field's value: the value, or the Issue to explain.
Reader = Callable[[str, datetime, ZoneInfo], Any]


def _fits(text: str, limit: int) -> bool:
    """Limits count the text as sent in an HTML message, so every message stays in bounds."""
    return len(html.escape(text)) <= limit


def _text(limit: int) -> Reader:
    return lambda raw, now, tz: raw if _fits(raw, limit) else Issue.TOO_LONG


def _place(raw: str, now: datetime, tz: ZoneInfo) -> str | Issue:
    if not _fits(raw, MAX_PLACE):
        return Issue.TOO_LONG
    if raw.casefold().startswith("http") and not _LINK.fullmatch(raw):
        return Issue.INVALID  # online workshops need a full https:// link
    return raw


def _choice(words: Mapping[Any, tuple[str, ...]]) -> Reader:
    def read(raw: str, now: datetime, tz: ZoneInfo) -> Any:
        wanted = place_key(raw)
        for choice, names in words.items():
            if wanted in map(place_key, names):
                return choice
        return Issue.INVALID

    return read


def _language(raw: str, now: datetime, tz: ZoneInfo) -> str | Issue:
    return raw.lower() if raw.lower() in SUPPORTED_LOCALES else Issue.INVALID


def _capacity(raw: str, now: datetime, tz: ZoneInfo) -> int | Issue:
    capacity = read_count(raw, 1, MAX_CAPACITY)
    return Issue.INVALID if isinstance(capacity, Problem) else capacity


def _clock(hours: str, minutes: str) -> time | None:
    h, m = int(hours), int(minutes)
    return time(h, m) if h < 24 and m < 60 else None


def _when(raw: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime] | Issue:
    """ "12.12.2026 18:00-20:00" in local time; without an end it lasts DEFAULT_DURATION."""
    match = _WHEN.fullmatch(ascii_digits(raw).strip())
    if match is None:
        return Issue.INVALID
    today = now.astimezone(tz).date()
    day = read_date(match[1], today, today + timedelta(days=MAX_DAYS_AHEAD))
    start = _clock(match[2], match[3])
    end = _clock(match[4], match[5]) if match[4] else None
    if day is Problem.IN_THE_PAST:
        return Issue.IN_THE_PAST
    if not isinstance(day, date) or start is None or (match[4] and end is None):
        return Issue.INVALID
    starts_at = datetime.combine(day, start, tzinfo=tz).astimezone(UTC)
    ends_at = starts_at + DEFAULT_DURATION
    if end is not None:
        ends_at = datetime.combine(day, end, tzinfo=tz).astimezone(UTC)
    if starts_at <= now:
        return Issue.IN_THE_PAST
    return (starts_at, ends_at) if ends_at > starts_at else Issue.INVALID


_READERS: dict[FormField, Reader] = {
    FormField.TITLE: _text(MAX_TITLE),
    FormField.DESCRIPTION: _text(MAX_DESCRIPTION),
    FormField.TOPIC: _choice(TOPIC_WORDS),
    FormField.WHEN: _when,
    FormField.PLACE: _place,
    FormField.CAPACITY: _capacity,
    FormField.AUDIENCE: _choice(AUDIENCE_WORDS),
    FormField.LANGUAGE: _language,
}


def parse_form(text: str, *, now: datetime, tz: ZoneInfo) -> WorkshopDetails | list[FormProblem]:
    """The workshop the form describes, or every problem in it at once."""
    values = _collect(text)
    problems: list[FormProblem] = []
    read: dict[FormField, Any] = {}
    for form_field, reader in _READERS.items():
        raw = values.get((form_field, None), "")
        result = reader(raw, now, tz) if raw else Issue.MISSING
        if isinstance(result, Issue):
            problems.append(FormProblem(form_field, result))
        else:
            read[form_field] = result
    translations = _translations(values, problems)
    if problems:
        return problems
    starts_at, ends_at = read[FormField.WHEN]
    return WorkshopDetails(
        title=read[FormField.TITLE],
        description=read[FormField.DESCRIPTION],
        topic=read[FormField.TOPIC],
        starts_at=starts_at,
        ends_at=ends_at,
        place=read[FormField.PLACE],
        capacity=read[FormField.CAPACITY],
        audience=read[FormField.AUDIENCE],
        language=read[FormField.LANGUAGE],
        translations=translations,
    )


def _translations(
    values: Mapping[Key, str], problems: list[FormProblem]
) -> dict[str, Translation]:
    texts: dict[str, dict[FormField, str]] = {}
    for (form_field, locale), text in values.items():
        if locale is None or not text:
            continue
        limit = MAX_TITLE if form_field is FormField.TITLE else MAX_SHORT_TRANSLATION
        if locale not in TRANSLATION_LOCALES:
            problems.append(FormProblem(form_field, Issue.INVALID, locale))
        elif not _fits(text, limit):
            problems.append(FormProblem(form_field, Issue.TOO_LONG, locale))
        else:
            texts.setdefault(locale, {})[form_field] = text
    return {
        locale: Translation(parts.get(FormField.TITLE, ""), parts.get(FormField.DESCRIPTION, ""))
        for locale, parts in sorted(texts.items())
    }


def when_text(details: WorkshopDetails, tz: ZoneInfo) -> str:
    """The time as the form takes it: "12.12.2026 18:00-20:00" (a format, not for reading)."""
    start, end = details.starts_at.astimezone(tz), details.ends_at.astimezone(tz)
    return f"{start.day:02d}.{start.month:02d}.{start.year} {start:%H:%M}-{end:%H:%M}"


def form_text(details: WorkshopDetails, tz: ZoneInfo) -> str:
    """The form filled in with `details`: what staff copy, change and send back to edit."""
    when = when_text(details, tz)
    lines = [
        (FormField.TITLE, details.title),
        (FormField.DESCRIPTION, details.description),
        (FormField.TOPIC, TOPIC_WORDS[details.topic][0]),
        (FormField.WHEN, when),
        (FormField.PLACE, details.place),
        (FormField.CAPACITY, str(details.capacity)),
        (FormField.AUDIENCE, AUDIENCE_WORDS[details.audience][0]),
        (FormField.LANGUAGE, details.language),
    ]
    text = [f"{FORM_KEYS[form_field][0]}: {value}" for form_field, value in lines]
    for locale, translation in details.translations.items():
        if translation.title:
            text.append(f"{FORM_KEYS[FormField.TITLE][0]} {locale}: {translation.title}")
        if translation.description:
            text.append(
                f"{FORM_KEYS[FormField.DESCRIPTION][0]} {locale}: {translation.description}"
            )
    return "\n".join(text)


# Workshops travel in outbox params as plain JSON, so reminders render without the database.


def to_params(workshop: Workshop) -> dict[str, Any]:
    details = workshop.details
    return {
        "id": workshop.id,
        "carrier_id": workshop.carrier_id,
        "carrier": workshop.carrier_name,
        "status": workshop.status.value,
        "sequence": workshop.sequence,
        "title": details.title,
        "description": details.description,
        "topic": details.topic.value,
        "starts_at": details.starts_at.isoformat(),
        "ends_at": details.ends_at.isoformat(),
        "place": details.place,
        "capacity": details.capacity,
        "audience": details.audience.value,
        "language": details.language,
        "translations": {
            locale: [t.title, t.description] for locale, t in details.translations.items()
        },
    }


def from_params(params: Mapping[str, Any]) -> Workshop:
    details = WorkshopDetails(
        title=params["title"],
        description=params["description"],
        topic=WorkshopTopic(params["topic"]),
        starts_at=datetime.fromisoformat(params["starts_at"]),
        ends_at=datetime.fromisoformat(params["ends_at"]),
        place=params["place"],
        capacity=params["capacity"],
        audience=Audience(params["audience"]),
        language=params["language"],
        translations={
            locale: Translation(title, description)
            for locale, (title, description) in params["translations"].items()
        },
    )
    return Workshop(
        id=params["id"],
        carrier_id=params["carrier_id"],
        carrier_name=params["carrier"],
        details=details,
        status=WorkshopStatus(params["status"]),
        sequence=params["sequence"],
        announced_at=None,
    )
