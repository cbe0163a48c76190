"""Bookings, waitlists and offers.

Each operation runs inside the caller's `db.transaction()`: it loads the slot and its
bookings, asks domain.appointments, saves what changed and queues the messages that follow
in the outbox (reminders, offers, notices of a change), all in that one transaction. So two
people taking the last place at once are served one after the other, and the second sees
the first's booking when capacity is checked again.

Outbox rows: reminders and an offer carry `ref` "booking:<id>", so cancelling the booking
cancels them; notices of a change or a cancellation by staff are queued after that.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from domain import appointments
from domain.accounts import Role
from domain.appointments import (
    Attendee,
    BookedSlot,
    Booking,
    BookingStatus,
    Refusal,
    Slot,
    reminders,
)
from domain.outbox import Topic
from storage import accounts, outbox, slots
from storage.db import Db, from_db, to_db

# Outbox kinds; their renderers are registered by handlers/appointments/bookings.py.
REMINDER = "appointment_reminder"
OFFER = "appointment_offer"
CHANGED = "appointment_changed"
CANCELLED = "appointment_cancelled"


@dataclass(frozen=True, slots=True)
class Policy:
    offer_time: timedelta  # how long an offered place is held for the person
    tz: ZoneInfo  # local time: the reminder on the evening before
    alternatives: int  # how many other times a notice of a cancelled slot offers
    horizon: timedelta  # how far ahead those are looked for


# Each booking with what staff may see of its person (Attendee); _booking() reads the first.
_BOOKINGS = """
    SELECT b.id, b.slot_id, b.user_id, b.status, b.created_at, b.offered_until, b.sequence,
           b.confirmed_at, u.role, u.locale, u.case_number
    FROM bookings b JOIN users u ON u.id = b.user_id
"""


def booking_ref(booking_id: int) -> str:
    return f"booking:{booking_id}"


def _booking(row: aiosqlite.Row) -> Booking:
    created = from_db(row["created_at"])
    assert created is not None  # NOT NULL column
    return Booking(
        id=row["id"],
        slot_id=row["slot_id"],
        user_id=row["user_id"],
        status=BookingStatus(row["status"]),
        created_at=created,
        offered_until=from_db(row["offered_until"]),
        sequence=row["sequence"],
        confirmed_at=from_db(row["confirmed_at"]),
    )


async def get_booking(db: Db, booking_id: int) -> Booking | None:
    rows = await db.conn.execute_fetchall(_BOOKINGS + " WHERE b.id = ?", (booking_id,))
    row = next(iter(rows), None)
    return _booking(row) if row else None


async def slot_bookings(db: Db, slot_id: int) -> list[Booking]:
    rows = await db.conn.execute_fetchall(
        _BOOKINGS + " WHERE b.slot_id = ? ORDER BY b.id", (slot_id,)
    )
    return [_booking(row) for row in rows]


async def save_booking(db: Db, booking: Booking, now: datetime) -> None:
    await db.conn.execute(
        "UPDATE bookings SET slot_id = ?, status = ?, offered_until = ?, sequence = ?,"
        " confirmed_at = ?, updated_at = ? WHERE id = ?",
        (
            booking.slot_id,
            booking.status.value,
            to_db(booking.offered_until) if booking.offered_until else None,
            booking.sequence,
            to_db(booking.confirmed_at) if booking.confirmed_at else None,
            to_db(now),
            booking.id,
        ),
    )


async def _insert(
    db: Db, slot_id: int, user_id: int, status: BookingStatus, now: datetime
) -> Booking:
    async with db.conn.execute(
        "INSERT INTO bookings (slot_id, user_id, status, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (slot_id, user_id, status.value, to_db(now), to_db(now)),
    ) as cur:
        booking_id = cur.lastrowid
    assert booking_id is not None
    return Booking(booking_id, slot_id, user_id, status, now)


# What the renderers get: values only, so the text is made in the recipient's language.
async def about(db: Db, slot: Slot, booking: Booking, now: datetime) -> dict[str, Any]:
    carrier = await accounts.get_carrier(db, slot.carrier_id)
    return {
        "changed_at": to_db(now),  # the calendar file's DTSTAMP
        "booking": booking.id,
        "sequence": booking.sequence,
        "slot": slot.id,
        "kind": slot.kind.value,
        "carrier": carrier.name if carrier else "",
        "carrier_id": slot.carrier_id,
        "starts_at": to_db(slot.starts_at),
        "ends_at": to_db(slot.ends_at),
        "address": slot.address,
        "languages": list(slot.languages),
    }


async def _queue(
    db: Db,
    booking: Booking,
    kind: str,
    key: str,
    params: dict[str, Any],
    now: datetime,
    *,
    due_at: datetime | None = None,
    ref: str | None = None,
) -> None:
    await outbox.enqueue_message(
        db,
        user_id=booking.user_id,
        kind=kind,
        topic=Topic.APPOINTMENTS,
        params=params,
        due_at=due_at or now,
        dedupe_key=f"{booking_ref(booking.id)}:{key}",
        ref=ref,
        now=now,
    )


async def _queue_reminders(
    db: Db, booking: Booking, slot: Slot, now: datetime, policy: Policy
) -> None:
    params = await about(db, slot, booking, now)
    for which, due_at in reminders(slot.starts_at, now, policy.tz):
        await _queue(
            db,
            booking,
            REMINDER,
            f"{booking.sequence}:{which.value}",
            {**params, "reminder": which.value},
            now,
            due_at=due_at,
            ref=booking_ref(booking.id),
        )


async def settle_slot(db: Db, slot: Slot, now: datetime, policy: Policy) -> list[Booking]:
    """Lapsed offers expire, free places are offered to the waitlist; offers are queued."""
    changed = appointments.settle(slot, await slot_bookings(db, slot.id), now, policy.offer_time)
    for booking in changed:
        await save_booking(db, booking, now)
        if booking.status is BookingStatus.OFFERED:
            assert booking.offered_until is not None
            params = await about(db, slot, booking, now)
            params["offered_until"] = to_db(booking.offered_until)
            await _queue(db, booking, OFFER, "offer", params, now, ref=booking_ref(booking.id))
    return changed


async def book(
    db: Db, slot_id: int, user_id: int, role: Role, now: datetime, policy: Policy, *, wait: bool
) -> Booking | Refusal:
    """Books a free place, or (`wait`) joins the waitlist of a full slot."""
    slot = await slots.get_slot(db, slot_id)
    if slot is None:
        return Refusal.UNKNOWN
    await settle_slot(db, slot, now, policy)
    bookings = await slot_bookings(db, slot.id)
    check = appointments.may_wait if wait else appointments.may_book
    refusal = check(slot, bookings, user_id, role, now)
    if refusal is not None:
        return refusal
    status = BookingStatus.WAITING if wait else BookingStatus.BOOKED
    booking = await _insert(db, slot.id, user_id, status, now)
    if status is BookingStatus.BOOKED:
        await _queue_reminders(db, booking, slot, now, policy)
    return booking


async def _own(db: Db, booking_id: int, user_id: int) -> tuple[Booking, Slot] | None:
    """The booking with its slot if it belongs to `user_id`: ids in buttons are claims."""
    booking = await get_booking(db, booking_id)
    if booking is None or booking.user_id != user_id:
        return None
    slot = await slots.get_slot(db, booking.slot_id)
    return (booking, slot) if slot is not None else None


async def _end(db: Db, booking: Booking, slot: Slot, now: datetime, policy: Policy) -> None:
    """Saves a booking that no longer holds its place, stops its reminders, passes the place
    on to the waitlist."""
    await save_booking(db, booking, now)
    await outbox.cancel_by_ref(db, booking_ref(booking.id), now)
    await settle_slot(db, slot, now, policy)


async def cancel_booking(
    db: Db, booking_id: int, user_id: int, now: datetime, policy: Policy
) -> Booking | Refusal:
    """The person cancels, leaves the waitlist or cannot come: the place goes on."""
    found = await _own(db, booking_id, user_id)
    if found is None:
        return Refusal.UNKNOWN
    booking, slot = found
    result = appointments.cancel(booking)
    if isinstance(result, Booking):
        await _end(db, result, slot, now, policy)
    return result


async def answer_offer(
    db: Db, booking_id: int, user_id: int, take: bool, now: datetime, policy: Policy
) -> Booking | Refusal:
    found = await _own(db, booking_id, user_id)
    if found is None:
        return Refusal.UNKNOWN
    booking, slot = found
    result = appointments.take_offer(booking, now) if take else appointments.decline_offer(booking)
    if isinstance(result, Booking) and result.status is BookingStatus.BOOKED:
        await save_booking(db, result, now)
        await _queue_reminders(db, result, slot, now, policy)
    elif isinstance(result, Booking):
        await _end(db, result, slot, now, policy)
    else:
        await settle_slot(db, slot, now, policy)  # a lapsed offer goes to the next
    return result


async def confirm_booking(
    db: Db, booking_id: int, user_id: int, now: datetime
) -> Booking | Refusal:
    found = await _own(db, booking_id, user_id)
    if found is None:
        return Refusal.UNKNOWN
    result = appointments.confirm(found[0], now)
    if isinstance(result, Booking):
        await save_booking(db, result, now)
    return result


async def move_booking(
    db: Db,
    booking_id: int,
    user_id: int,
    role: Role,
    slot_id: int,
    now: datetime,
    policy: Policy,
) -> Booking | Refusal:
    """Reschedules a booked place: the new place is checked like a booking, the old one goes
    to its waitlist, the reminders follow the new time."""
    found = await _own(db, booking_id, user_id)
    new_slot = await slots.get_slot(db, slot_id)
    if found is None or new_slot is None:
        return Refusal.UNKNOWN
    booking, old_slot = found
    if new_slot.id == old_slot.id:
        return Refusal.ALREADY
    await settle_slot(db, new_slot, now, policy)
    result = appointments.move(
        booking, old_slot, new_slot, await slot_bookings(db, new_slot.id), role, now
    )
    if isinstance(result, Booking):
        await _end(db, result, old_slot, now, policy)
        await _queue_reminders(db, result, new_slot, now, policy)
    return result


async def change_slot(
    db: Db, slot: Slot, changed: Slot, now: datetime, policy: Policy
) -> Slot | Refusal:
    """Staff changed a slot: everyone on it hears of it in their language, booked people
    with an updated calendar entry, and their reminders follow the new time."""
    bookings = await slot_bookings(db, slot.id)
    result = appointments.change_slot(slot, changed, bookings, now)
    if isinstance(result, Refusal):
        return result
    await slots.save_slot(db, result)
    for booking in bookings:
        if not booking.status.is_active:
            continue
        if booking.status is BookingStatus.BOOKED:
            booking = replace(booking, sequence=booking.sequence + 1, confirmed_at=None)
            await save_booking(db, booking, now)
            await outbox.cancel_by_ref(db, booking_ref(booking.id), now)
            await _queue_reminders(db, booking, result, now, policy)
        params = await about(db, result, booking, now)
        params["calendar"] = booking.status is BookingStatus.BOOKED
        await _queue(db, booking, CHANGED, f"changed:{result.sequence}", params, now)
    await settle_slot(db, result, now, policy)  # more places: offers to the waitlist
    return result


async def cancel_slot(db: Db, slot: Slot, now: datetime, policy: Policy) -> list[Booking]:
    """Staff cancel a slot: every active booking ends, each person hears of it in their
    language, with the next free times of the same kind at the same carrier."""
    bookings = await slot_bookings(db, slot.id)
    cancelled = appointments.cancel_slot(slot, bookings, now)
    await slots.save_slot(db, replace(slot, cancelled_at=now, sequence=slot.sequence + 1))
    roles = await _roles(db, [b.user_id for b in cancelled])
    was_booked = {b.id for b in bookings if b.status is BookingStatus.BOOKED}
    for booking in cancelled:
        await save_booking(db, booking, now)
        await outbox.cancel_by_ref(db, booking_ref(booking.id), now)
        params = await about(db, slot, booking, now)
        params["calendar"] = booking.id in was_booked
        params["alternatives"] = await _alternatives(
            db, slot, roles.get(booking.user_id, Role.SEEKER), now, policy
        )
        await _queue(db, booking, CANCELLED, "cancelled", params, now)
    return cancelled


async def _roles(db: Db, user_ids: Iterable[int]) -> dict[int, Role]:
    rows = await db.conn.execute_fetchall(
        "SELECT id, role FROM users WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(user_ids)),),
    )
    return {row[0]: Role(row[1]) for row in rows}


async def _alternatives(
    db: Db, slot: Slot, role: Role, now: datetime, policy: Policy
) -> list[list[Any]]:
    """The next slots of the same kind at the same carrier with a free place for `role`, as
    [id, starts_at, ends_at] for the notice's buttons."""
    found = await slots.list_bookable(
        db, kind=slot.kind, role=role, now=now, until=now + policy.horizon,
        carrier_id=slot.carrier_id,
    )  # fmt: skip
    free = [o.slot for o in found if o.free > 0 and o.slot.id != slot.id]
    return [[s.id, to_db(s.starts_at), to_db(s.ends_at)] for s in free[: policy.alternatives]]


async def slots_to_settle(db: Db, now: datetime) -> list[int]:
    """Upcoming slots where something is due: an offer has lapsed, or people wait while a
    place is free (an account deleted with its booking). Usually none, so a sweep costs one
    read and no write."""
    rows = await db.conn.execute_fetchall(
        "SELECT s.id FROM slots s WHERE s.cancelled_at IS NULL AND s.starts_at > ?1"
        " AND (EXISTS (SELECT 1 FROM bookings o WHERE o.slot_id = s.id"
        "   AND o.status = 'offered' AND o.offered_until <= ?1)"
        " OR (EXISTS (SELECT 1 FROM bookings w WHERE w.slot_id = s.id AND w.status = 'waiting')"
        "   AND (SELECT count(*) FROM bookings h WHERE h.slot_id = s.id AND (h.status = 'booked'"
        "     OR (h.status = 'offered' AND h.offered_until > ?1))) < s.capacity))"
        " ORDER BY s.starts_at, s.id",
        (to_db(now),),
    )
    return [row[0] for row in rows]


async def settle_slot_by_id(db: Db, slot_id: int, now: datetime, policy: Policy) -> int:
    """settle_slot for a slot found by slots_to_settle; returns how many bookings changed."""
    slot = await slots.get_slot(db, slot_id)
    assert slot is not None  # slots are cancelled, never deleted
    return len(await settle_slot(db, slot, now, policy))


# Reading ------------------------------------------------------------------------------------


async def upcoming_bookings(db: Db, user_id: int, now: datetime) -> list[BookedSlot]:
    """The person's active bookings of slots not yet over, earliest first."""
    rows = await db.conn.execute_fetchall(
        _BOOKINGS + " JOIN slots s ON s.id = b.slot_id WHERE b.user_id = ?"
        " AND b.status IN ('booked', 'waiting', 'offered') AND s.ends_at > ?"
        " ORDER BY s.starts_at, b.id",
        (user_id, to_db(now)),
    )
    return [await _with_slot(db, _booking(row)) for row in rows]


async def _with_slot(db: Db, booking: Booking) -> BookedSlot:
    slot = await slots.get_slot(db, booking.slot_id)
    assert slot is not None  # slots are cancelled, never deleted
    carrier = await accounts.get_carrier(db, slot.carrier_id)
    position = appointments.waitlist_position(await slot_bookings(db, slot.id), booking.id)
    return BookedSlot(booking, slot, carrier.name if carrier else "", position)


async def booked_slot(db: Db, booking_id: int, user_id: int) -> BookedSlot | None:
    """One of the person's bookings with its slot, whatever its status; None if not theirs."""
    booking = await get_booking(db, booking_id)
    if booking is None or booking.user_id != user_id:
        return None
    return await _with_slot(db, booking)


def _attendee(row: aiosqlite.Row) -> Attendee:
    return Attendee(_booking(row), Role(row["role"]), row["locale"], row["case_number"])


async def slot_attendees(db: Db, slot_id: int) -> list[Attendee]:
    """Who booked, is offered a place or waits, and who came: for the carrier's staff."""
    rows = await db.conn.execute_fetchall(
        _BOOKINGS + " WHERE b.slot_id = ? AND b.status IN"
        " ('booked', 'offered', 'waiting', 'attended', 'no_show')"
        " ORDER BY b.status IN ('waiting', 'offered'), b.created_at, b.id",
        (slot_id,),
    )
    return [_attendee(row) for row in rows]


async def day_attendees(
    db: Db, carrier_id: int, start: datetime, end: datetime
) -> list[tuple[Slot, Attendee]]:
    """A carrier's slots starting in [start, end) with everyone on them, for the day list."""
    rows = await db.conn.execute_fetchall(
        "SELECT s.id FROM slots s WHERE s.carrier_id = ? AND s.starts_at >= ?"
        " AND s.starts_at < ? ORDER BY s.starts_at, s.id",
        (carrier_id, to_db(start), to_db(end)),
    )
    found = []
    for row in rows:
        slot = await slots.get_slot(db, row[0])
        assert slot is not None
        found += [(slot, attendee) for attendee in await slot_attendees(db, slot.id)]
    return found
