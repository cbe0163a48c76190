"""Consultation slots and their bookings: capacity, the waitlist, offers, recurrence, reminders.

A slot is a Sprechstunde (open consultation hours: a time window at a place with N places) or
a Beratung (a one-to-one conversation: one place). A person holds at most one active booking
per slot:

    booked ──cancel──> cancelled            waiting ──a place frees──> offered
       └──after the start: attended | no_show  └──leave──> cancelled     ├──take──> booked
                                                                          ├──decline──> declined
                                                                          └──time up──> expired

A place is held by every booked booking and by every offer whose time has not run out.
`settle` makes what is due: lapsed offers expire, and free places are offered to the first
waiting, in the order they joined. Newcomers may book only places nobody waits for, so the
waitlist keeps its order even between two settlements. Every function here is pure: callers
load the slot and its bookings, ask, and save what comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.accounts import Audience, Role

EVENING_BEFORE = time(18, 0)  # the first reminder: at this local time on the day before
SHORTLY_BEFORE = timedelta(hours=2)  # the second reminder: this long before the start


class SlotKind(StrEnum):
    SPRECHSTUNDE = "sprechstunde"
    BERATUNG = "beratung"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    WAITING = "waiting"
    OFFERED = "offered"
    CANCELLED = "cancelled"
    DECLINED = "declined"
    EXPIRED = "expired"
    ATTENDED = "attended"
    NO_SHOW = "no_show"

    @property
    def is_active(self) -> bool:
        return self in ACTIVE


ACTIVE = frozenset({BookingStatus.BOOKED, BookingStatus.WAITING, BookingStatus.OFFERED})
ATTENDANCE = frozenset({BookingStatus.ATTENDED, BookingStatus.NO_SHOW})


class Refusal(StrEnum):
    """Why a request about a slot or booking cannot be done; each has its own message."""

    SLOT_CANCELLED = "slot_cancelled"
    STARTED = "started"  # booking or changing something that has begun or lies in the past
    NOT_FOR_ROLE = "not_for_role"
    ALREADY = "already"  # an active booking of this person for this slot exists
    FULL = "full"
    NOT_FULL = "not_full"  # the waitlist is for full slots: book the free place instead
    NOT_ACTIVE = "not_active"  # the booking was cancelled, expired or used already
    UNKNOWN = "unknown"  # no such slot or booking, or not this person's: a forged id
    OFFER_GONE = "offer_gone"  # the time to take the offered place has run out
    NOT_STARTED = "not_started"  # attendance is marked after the start
    TOO_SMALL = "too_small"  # fewer places than people who booked already


@dataclass(frozen=True, slots=True)
class Slot:
    id: int
    carrier_id: int
    kind: SlotKind
    audience: Audience
    starts_at: datetime  # UTC
    ends_at: datetime
    capacity: int
    address: str
    languages: tuple[str, ...] = ()  # what interpreters cover, as locale codes
    sequence: int = 0
    created_by: int | None = None  # users.id of the staff member
    cancelled_at: datetime | None = None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def has_started(self, now: datetime) -> bool:
        return now >= self.starts_at


@dataclass(frozen=True, slots=True)
class Booking:
    id: int
    slot_id: int
    user_id: int
    status: BookingStatus
    created_at: datetime  # when they booked or joined the waitlist: the waitlist's order
    offered_until: datetime | None = None
    sequence: int = 0  # the calendar file's SEQUENCE
    confirmed_at: datetime | None = None  # "I'll come"

    def holds_place(self, now: datetime) -> bool:
        if self.status is BookingStatus.OFFERED:
            return self.offered_until is not None and self.offered_until > now
        return self.status is BookingStatus.BOOKED


@dataclass(frozen=True, slots=True)
class SlotOverview:
    """A slot with its numbers, for lists: places taken (booked or offered) and waiting."""

    slot: Slot
    taken: int
    waiting: int

    @property
    def free(self) -> int:
        """Places a newcomer can book now: those nobody holds and nobody waits for."""
        return max(0, self.slot.capacity - self.taken - self.waiting)


@dataclass(frozen=True, slots=True)
class BookedSlot:
    """One of a person's bookings with its slot, for their list of appointments."""

    booking: Booking
    slot: Slot
    carrier_name: str
    waitlist_position: int | None = None  # 1 = next, while waiting


@dataclass(frozen=True, slots=True)
class Attendee:
    """A booking as the carrier's staff see it: no name, only the case number (seekers),
    the language and the status."""

    booking: Booking
    role: Role
    locale: str
    case_number: str | None


def overview(slot: Slot, bookings: Iterable[Booking], now: datetime) -> SlotOverview:
    bookings = list(bookings)
    taken = sum(1 for b in bookings if b.holds_place(now))
    return SlotOverview(slot, taken, len(waitlist(bookings)))


def waitlist(bookings: Iterable[Booking]) -> list[Booking]:
    """Those waiting, first come first served."""
    waiting = [b for b in bookings if b.status is BookingStatus.WAITING]
    return sorted(waiting, key=lambda b: (b.created_at, b.id))


def waitlist_position(bookings: Iterable[Booking], booking_id: int) -> int | None:
    for position, booking in enumerate(waitlist(bookings), start=1):
        if booking.id == booking_id:
            return position
    return None


def _open_to(slot: Slot, role: Role, now: datetime) -> Refusal | None:
    if slot.is_cancelled:
        return Refusal.SLOT_CANCELLED
    if slot.has_started(now):
        return Refusal.STARTED
    if not slot.audience.admits(role):
        return Refusal.NOT_FOR_ROLE
    return None


def may_book(
    slot: Slot, bookings: Sequence[Booking], user_id: int, role: Role, now: datetime
) -> Refusal | None:
    """None: the person can book a place now."""
    refusal = _open_to(slot, role, now)
    if refusal is not None:
        return refusal
    if any(b.user_id == user_id and b.status.is_active for b in bookings):
        return Refusal.ALREADY
    if overview(slot, bookings, now).free == 0:
        return Refusal.FULL
    return None


def may_wait(
    slot: Slot, bookings: Sequence[Booking], user_id: int, role: Role, now: datetime
) -> Refusal | None:
    """None: the slot is full and the person can join its waitlist."""
    refusal = may_book(slot, bookings, user_id, role, now)
    if refusal is None:
        return Refusal.NOT_FULL
    return None if refusal is Refusal.FULL else refusal


def settle(
    slot: Slot, bookings: Sequence[Booking], now: datetime, offer_time: timedelta
) -> list[Booking]:
    """The bookings that change now: lapsed offers expire, then free places go to the first
    waiting as offers, held until `offer_time` from now but never past the start."""
    before = {b.id: b for b in bookings}
    current = dict(before)
    for booking in bookings:
        if booking.status is BookingStatus.OFFERED and not booking.holds_place(now):
            current[booking.id] = replace(booking, status=BookingStatus.EXPIRED)
    if not slot.is_cancelled and not slot.has_started(now):
        taken = sum(1 for b in current.values() if b.holds_place(now))
        until = min(now + offer_time, slot.starts_at)
        for booking in waitlist(current.values())[: max(0, slot.capacity - taken)]:
            current[booking.id] = replace(
                booking, status=BookingStatus.OFFERED, offered_until=until
            )
    return [b for b in current.values() if b != before[b.id]]


def cancel(booking: Booking) -> Booking | Refusal:
    """The person cancels, leaves the waitlist, or says they cannot come."""
    if not booking.status.is_active:
        return Refusal.NOT_ACTIVE
    # The calendar file of a booked place is cancelled with a higher SEQUENCE.
    step = 1 if booking.status is BookingStatus.BOOKED else 0
    return replace(
        booking,
        status=BookingStatus.CANCELLED,
        offered_until=None,
        sequence=booking.sequence + step,
    )


def take_offer(booking: Booking, now: datetime) -> Booking | Refusal:
    if booking.status is BookingStatus.EXPIRED or (
        booking.status is BookingStatus.OFFERED and not booking.holds_place(now)
    ):
        return Refusal.OFFER_GONE
    if booking.status is not BookingStatus.OFFERED:
        return Refusal.NOT_ACTIVE
    return replace(booking, status=BookingStatus.BOOKED, offered_until=None)


def decline_offer(booking: Booking) -> Booking | Refusal:
    if booking.status is not BookingStatus.OFFERED:
        return Refusal.NOT_ACTIVE
    return replace(booking, status=BookingStatus.DECLINED, offered_until=None)


def move(
    booking: Booking,
    old_slot: Slot,
    new_slot: Slot,
    new_bookings: Sequence[Booking],
    role: Role,
    now: datetime,
) -> Booking | Refusal:
    """Reschedule a booked place to another slot: the same booking, so the same calendar
    entry, one SEQUENCE higher. The old place is freed for its waitlist by the caller."""
    if booking.status is not BookingStatus.BOOKED:
        return Refusal.NOT_ACTIVE
    if old_slot.has_started(now):
        return Refusal.STARTED
    refusal = may_book(new_slot, new_bookings, booking.user_id, role, now)
    if refusal is not None:
        return refusal
    return replace(booking, slot_id=new_slot.id, sequence=booking.sequence + 1, confirmed_at=None)


def confirm(booking: Booking, now: datetime) -> Booking | Refusal:
    """ "I'll come" from a reminder."""
    if booking.status is not BookingStatus.BOOKED:
        return Refusal.NOT_ACTIVE
    return replace(booking, confirmed_at=booking.confirmed_at or now)


def mark_attendance(
    booking: Booking, slot: Slot, status: BookingStatus, now: datetime
) -> Booking | Refusal:
    """Staff mark attended or no-show once the slot has begun; a wrong mark can be changed."""
    if status not in ATTENDANCE:
        raise ValueError(f"{status} is not an attendance status")
    if not slot.has_started(now):
        return Refusal.NOT_STARTED
    if booking.status is not BookingStatus.BOOKED and booking.status not in ATTENDANCE:
        return Refusal.NOT_ACTIVE
    return replace(booking, status=status)


def change_slot(
    slot: Slot, changed: Slot, bookings: Sequence[Booking], now: datetime
) -> Slot | Refusal:
    """Staff move or resize a slot: only before it starts, never below the places taken."""
    if slot.is_cancelled:
        return Refusal.SLOT_CANCELLED
    if slot.has_started(now) or changed.starts_at <= now:
        return Refusal.STARTED
    if changed.capacity < overview(slot, bookings, now).taken:
        return Refusal.TOO_SMALL
    return replace(changed, id=slot.id, sequence=slot.sequence + 1)


def cancel_slot(slot: Slot, bookings: Sequence[Booking], now: datetime) -> list[Booking]:
    """Staff cancel a slot: every active booking ends; booked places get a higher SEQUENCE."""
    cancelled = [cancel(b) for b in bookings if b.status.is_active]
    return [b for b in cancelled if isinstance(b, Booking)]


# Recurrence -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlotPlan:
    """What staff asked for, in local wall-clock time: expanded into slots by `expand`."""

    kind: SlotKind
    day: date
    start: time
    end: time
    number: int  # places (Sprechstunde) or minutes per conversation (Beratung)
    weeks: int = 1


@dataclass(frozen=True, slots=True)
class SlotTimes:
    starts_at: datetime  # UTC
    ends_at: datetime
    capacity: int


def _utc(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def expand(plan: SlotPlan, tz: ZoneInfo) -> list[SlotTimes]:
    """Weekly for `weeks` weeks at the same local time: a 10:00 slot stays 10:00 in Köln
    across the change to and from daylight-saving time, so its UTC time moves by an hour.
    A Beratung window becomes consecutive conversations of `number` minutes, one place each."""
    slots = []
    for week in range(plan.weeks):
        day = plan.day + timedelta(weeks=week)
        start, end = _utc(day, plan.start, tz), _utc(day, plan.end, tz)
        if plan.kind is SlotKind.SPRECHSTUNDE:
            slots.append(SlotTimes(start, end, plan.number))
            continue
        first, last = minutes_of(plan.start), minutes_of(plan.end) - plan.number
        for begin in range(first, last + 1, plan.number):
            slots.append(
                SlotTimes(
                    _utc(day, _clock(begin), tz), _utc(day, _clock(begin + plan.number), tz), 1
                )
            )
    return slots


def minutes_of(clock: time) -> int:
    """Minutes since midnight on the wall clock."""
    return clock.hour * 60 + clock.minute


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


# Reminders --------------------------------------------------------------------------------


class Reminder(StrEnum):
    EVENING = "eve"  # 18:00 local on the day before
    SHORTLY = "2h"  # two hours before


def reminders(starts_at: datetime, now: datetime, tz: ZoneInfo) -> list[tuple[Reminder, datetime]]:
    """The reminders still ahead for a booking made (or moved) at `now`, with when they go."""
    local_day = starts_at.astimezone(tz).date()
    due = (
        (Reminder.EVENING, _utc(local_day - timedelta(days=1), EVENING_BEFORE, tz)),
        (Reminder.SHORTLY, starts_at - SHORTLY_BEFORE),
    )
    return [(which, at) for which, at in due if now < at < starts_at]
