"""Calendar files (.ics) for bookings, made with the icalendar library.

Each booking is one calendar entry for its whole life: the UID stays, the SEQUENCE grows
with every change (a new time, a cancellation), so a calendar app updates the entry it has
instead of adding a second one. A cancellation is METHOD:CANCEL with STATUS:CANCELLED.
The texts come in already translated into the recipient's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODUCT_ID = "-//Auszugsmanagement Koeln//auszug-bot//EN"
UID_DOMAIN = "auszug-bot"


def booking_uid(booking_id: int) -> str:
    return f"booking-{booking_id}@{UID_DOMAIN}"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    booking_id: int
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    location: str
    cancelled: bool = False


def to_ics(entry: CalendarEntry, tz: ZoneInfo, now: datetime) -> bytes:
    """In local time with its VTIMEZONE, so the entry shows the time staff announced."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if entry.cancelled else "PUBLISH")
    event = Event()
    event.add("uid", booking_uid(entry.booking_id))
    event.add("sequence", entry.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", entry.starts_at.astimezone(tz))
    event.add("dtend", entry.ends_at.astimezone(tz))
    event.add("summary", entry.summary)
    event.add("description", entry.description)
    event.add("location", entry.location)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
