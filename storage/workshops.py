"""Workshops, who holds a place or waits for one, and every message about them.

Messages are outbox rows (storage/outbox.py), rendered by handlers/volunteers/workshops.py
from a copy of the workshop in their params. Their keys all start with `workshop:<id>:`:

    workshop:<id>:announce:<user>                 the announcement (a broadcast)
    workshop:<id>:seat:<user>:s<seq>:<1d|2h>      reminders; ref workshop:<id>:seat:<user>
    workshop:<id>:seat:<user>:promoted:<time>     "you got a place"; the same ref
    workshop:<id>:s<seq>:changed:<user>           a change; ref workshop:<id>:changed
    workshop:<id>:cancelled:<user>                the cancellation

so leaving cancels one person's reminders (by ref), a change replaces them (the sequence is in
the key) and a cancellation stops everything still unsent (by key prefix).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import aiosqlite

from domain.accounts import Audience, Role
from domain.outbox import QueuedBroadcast, Topic
from domain.workshops import (
    Attendance,
    Refusal,
    Seat,
    SeatHolder,
    Translation,
    Workshop,
    WorkshopDetails,
    WorkshopStatus,
    WorkshopTopic,
    may_change,
    promotions,
    reminder_times,
    seat_for,
    to_params,
)
from storage import outbox
from storage.db import Db, from_db, to_db

# Outbox kinds, rendered by handlers/volunteers/workshops.py.
NOTICE = "workshop_notice"  # the announcement, with Register / Not this time
REMINDER = "workshop_reminder"
CHANGED = "workshop_changed"
CANCELLED = "workshop_cancelled"
PROMOTED = "workshop_promoted"  # a place became free for someone on the waitlist

_COLUMNS = """
    SELECT w.id, w.carrier_id, c.name AS carrier_name, w.title, w.description, w.translations,
           w.topic, w.starts_at, w.ends_at, w.place, w.capacity, w.audience, w.language,
           w.status, w.sequence, w.announced_at
    FROM workshops w JOIN carriers c ON c.id = w.carrier_id
"""
_ROLES_OF = {
    Audience.VOLUNTEERS: (Role.VOLUNTEER,),
    Audience.SEEKERS: (Role.SEEKER,),
    Audience.BOTH: (Role.VOLUNTEER, Role.SEEKER),
}


def _moment(value: str | None) -> datetime:
    moment = from_db(value)
    assert moment is not None  # NOT NULL column
    return moment


def _workshop(row: aiosqlite.Row) -> Workshop:
    translations = {
        locale: Translation(title, description)
        for locale, (title, description) in json.loads(row["translations"]).items()
    }
    details = WorkshopDetails(
        title=row["title"],
        description=row["description"],
        topic=WorkshopTopic(row["topic"]),
        starts_at=_moment(row["starts_at"]),
        ends_at=_moment(row["ends_at"]),
        place=row["place"],
        capacity=row["capacity"],
        audience=Audience(row["audience"]),
        language=row["language"],
        translations=translations,
    )
    return Workshop(
        id=row["id"],
        carrier_id=row["carrier_id"],
        carrier_name=row["carrier_name"],
        details=details,
        status=WorkshopStatus(row["status"]),
        sequence=row["sequence"],
        announced_at=from_db(row["announced_at"]),
    )


def _detail_values(details: WorkshopDetails) -> tuple[object, ...]:
    translations = {locale: [t.title, t.description] for locale, t in details.translations.items()}
    return (
        details.title,
        details.description,
        json.dumps(translations, ensure_ascii=False, sort_keys=True),
        details.topic.value,
        to_db(details.starts_at),
        to_db(details.ends_at),
        details.place,
        details.capacity,
        details.audience.value,
        details.language,
    )


async def _workshops(db: Db, condition: str, params: tuple[object, ...]) -> list[Workshop]:
    """`condition` and its ORDER BY are constants of this module; values go in `params`."""
    rows = await db.conn.execute_fetchall(_COLUMNS + " WHERE " + condition, params)
    return [_workshop(row) for row in rows]


async def get_workshop(db: Db, workshop_id: int) -> Workshop | None:
    found = await _workshops(db, "w.id = ?", (workshop_id,))
    return found[0] if found else None


async def find_planned(
    db: Db, carrier_id: int, title: str, starts_at: datetime
) -> Workshop | None:
    """The same workshop created before: sending the form twice must not make two."""
    found = await _workshops(
        db,
        "w.carrier_id = ? AND w.title = ? AND w.starts_at = ? AND w.status = 'planned'",
        (carrier_id, title, to_db(starts_at)),
    )
    return found[0] if found else None


async def list_for_carrier(db: Db, carrier_id: int, now: datetime) -> list[Workshop]:
    """A carrier's planned workshops that have not ended, drafts included; soonest first."""
    return await _workshops(
        db,
        "w.carrier_id = ? AND w.status = 'planned' AND w.ends_at > ? ORDER BY w.starts_at, w.id",
        (carrier_id, to_db(now)),
    )


async def list_announced(db: Db, role: Role, now: datetime) -> list[Workshop]:
    """Announced workshops for `role` that have not begun; soonest first."""
    audiences = [a.value for a, roles in _ROLES_OF.items() if role in roles]
    return await _workshops(
        db,
        "w.status = 'planned' AND w.announced_at IS NOT NULL AND w.starts_at > ?"
        " AND w.audience IN (SELECT value FROM json_each(?)) ORDER BY w.starts_at, w.id",
        (to_db(now), json.dumps(audiences)),
    )


async def create_workshop(
    db: Db, carrier_id: int, details: WorkshopDetails, created_by: int | None, now: datetime
) -> Workshop:
    async with db.conn.execute(
        "INSERT INTO workshops (carrier_id, title, description, translations, topic,"
        " starts_at, ends_at, place, capacity, audience, language, created_by, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (carrier_id, *_detail_values(details), created_by, to_db(now), to_db(now)),
    ) as cur:
        workshop_id = cur.lastrowid
    assert workshop_id is not None
    workshop = await get_workshop(db, workshop_id)
    assert workshop is not None
    return workshop


# Places.


async def list_seats(db: Db, workshop_id: int) -> list[SeatHolder]:
    """Registered people first, then the waitlist, each in the order they came."""
    rows = await db.conn.execute_fetchall(
        "SELECT user_id, first_name, seat FROM workshop_seats WHERE workshop_id = ?"
        " ORDER BY seat = 'waitlisted', queued_at, user_id",
        (workshop_id,),
    )
    return [SeatHolder(row[0], row[1], Seat(row[2])) for row in rows]


async def attendance(db: Db, workshop_id: int, user_id: int) -> Attendance:
    """The user's seat, how many places are taken and where on the waitlist they stand."""
    [(seat, registered, ahead)] = await db.conn.execute_fetchall(
        "SELECT me.seat,"
        " (SELECT count(*) FROM workshop_seats WHERE workshop_id = ? AND seat = 'registered'),"
        " (SELECT count(*) FROM workshop_seats w WHERE w.workshop_id = me.workshop_id"
        "   AND w.seat = 'waitlisted' AND (w.queued_at, w.user_id) <= (me.queued_at, me.user_id))"
        " FROM (SELECT ? AS workshop_id) AS this"
        " LEFT JOIN workshop_seats me ON me.workshop_id = this.workshop_id AND me.user_id = ?",
        (workshop_id, workshop_id, user_id),
    )
    waiting = seat == Seat.WAITLISTED
    return Attendance(Seat(seat) if seat else None, registered, ahead if waiting else 0)


async def seats_of_user(db: Db, user_id: int) -> dict[int, Seat]:
    """The user's seat per workshop id."""
    rows = await db.conn.execute_fetchall(
        "SELECT workshop_id, seat FROM workshop_seats WHERE user_id = ?", (user_id,)
    )
    return {row[0]: Seat(row[1]) for row in rows}


async def registered_counts(db: Db, workshop_ids: Iterable[int]) -> dict[int, int]:
    rows = await db.conn.execute_fetchall(
        "SELECT workshop_id, count(*) FROM workshop_seats WHERE seat = 'registered'"
        " AND workshop_id IN (SELECT value FROM json_each(?)) GROUP BY workshop_id",
        (json.dumps(list(workshop_ids)),),
    )
    return {row[0]: row[1] for row in rows}


async def _registered(db: Db, workshop_id: int) -> int:
    return (await registered_counts(db, [workshop_id])).get(workshop_id, 0)


async def register_for(
    db: Db, workshop: Workshop, user_id: int, role: Role, first_name: str, now: datetime
) -> Seat | Refusal:
    """A place, a place on the waitlist, or why neither; reminders for a place."""
    await promote(db, workshop, now)  # places freed by deleted accounts: the waitlist first
    standing = await attendance(db, workshop.id, user_id)
    decision = seat_for(workshop, standing.registered, standing.seat, role, now)
    if isinstance(decision, Seat):
        await db.conn.execute(
            "INSERT INTO workshop_seats (workshop_id, user_id, seat, first_name, queued_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (workshop.id, user_id, decision.value, first_name, to_db(now)),
        )
        if decision is Seat.REGISTERED:
            await _schedule_reminders(db, workshop, user_id, now)
    return decision


async def leave(db: Db, workshop: Workshop, user_id: int, now: datetime) -> Seat | None:
    """Gives up a place (the waitlist moves up) or a place on the waitlist."""
    seat = (await attendance(db, workshop.id, user_id)).seat
    if seat is None:
        return None
    await db.conn.execute(
        "DELETE FROM workshop_seats WHERE workshop_id = ? AND user_id = ?", (workshop.id, user_id)
    )
    await outbox.cancel_by_ref(db, _seat_ref(workshop.id, user_id), now)
    if seat is Seat.REGISTERED:
        await promote(db, workshop, now)
    return seat


async def promote(db: Db, workshop: Workshop, now: datetime) -> tuple[int, ...]:
    """Free places go to the waitlist in order, each with a message and reminders."""
    registered = await _registered(db, workshop.id)
    if not may_change(workshop, now) or registered >= workshop.details.capacity:
        return ()  # the usual case, answered without reading the waitlist
    rows = await db.conn.execute_fetchall(
        "SELECT user_id FROM workshop_seats WHERE workshop_id = ? AND seat = 'waitlisted'"
        " ORDER BY queued_at, user_id LIMIT ?",
        (workshop.id, workshop.details.capacity - registered),
    )
    promoted = promotions(workshop.details.capacity, registered, [row[0] for row in rows])
    for user_id in promoted:
        await db.conn.execute(
            "UPDATE workshop_seats SET seat = 'registered' WHERE workshop_id = ? AND user_id = ?",
            (workshop.id, user_id),
        )
        await _schedule_reminders(db, workshop, user_id, now)
        await _enqueue(
            db,
            workshop,
            user_id,
            PROMOTED,
            key=f"{_seat_ref(workshop.id, user_id)}:promoted:{to_db(now)}",
            ref=_seat_ref(workshop.id, user_id),
            now=now,
            seat=Seat.REGISTERED,
        )
    return promoted


# Staff changes.


async def announce(db: Db, workshop: Workshop, started_by: int, now: datetime) -> QueuedBroadcast:
    """Everyone in the audience gets the notice once; starting it again adds nobody twice."""
    await mark_announced(db, workshop.id, now)
    return await _broadcast(db, workshop, started_by, now)


async def mark_announced(db: Db, workshop_id: int, now: datetime) -> None:
    """Listed in /workshops from now on; the first announcement's time stays."""
    await db.conn.execute(
        "UPDATE workshops SET announced_at = coalesce(announced_at, ?) WHERE id = ?",
        (to_db(now), workshop_id),
    )


async def _broadcast(
    db: Db, workshop: Workshop, started_by: int | None, now: datetime
) -> QueuedBroadcast:
    roles = [role.value for role in _ROLES_OF[workshop.details.audience]]
    rows = await db.conn.execute_fetchall(
        "SELECT id FROM users WHERE consent_at IS NOT NULL"
        " AND role IN (SELECT value FROM json_each(?))"
        " AND id NOT IN (SELECT user_id FROM workshop_seats WHERE workshop_id = ?)",
        (json.dumps(roles), workshop.id),
    )
    return await outbox.enqueue_broadcast(
        db,
        dedupe_key=_announcement(workshop.id),
        started_by=started_by,
        kind=NOTICE,
        topic=Topic.WORKSHOPS,
        params=to_params(workshop),
        recipients=[row[0] for row in rows],
        due_at=now,
        now=now,
    )


async def change_workshop(
    db: Db, workshop: Workshop, details: WorkshopDetails, now: datetime
) -> Workshop:
    """Saves the change; everyone with a place or on the waitlist hears of it, reminders
    follow the new time, announcements not yet sent carry the new text."""
    await db.conn.execute(
        "UPDATE workshops SET title = ?, description = ?, translations = ?, topic = ?,"
        " starts_at = ?, ends_at = ?, place = ?, capacity = ?, audience = ?, language = ?,"
        " sequence = sequence + 1, updated_at = ? WHERE id = ?",
        (*_detail_values(details), to_db(now), workshop.id),
    )
    changed = await get_workshop(db, workshop.id)
    assert changed is not None
    if changed.announced_at is not None:
        await outbox.cancel_by_ref(db, _announcement(workshop.id), now)
        await _broadcast(db, changed, None, now)  # the cancelled rows again, with the new text
    await outbox.cancel_by_ref(db, f"workshop:{workshop.id}:changed", now)
    for holder in await list_seats(db, workshop.id):
        if holder.seat is Seat.REGISTERED:
            await outbox.cancel_by_ref(db, _seat_ref(workshop.id, holder.user_id), now)
            await _schedule_reminders(db, changed, holder.user_id, now)
        await _enqueue(
            db,
            changed,
            holder.user_id,
            CHANGED,
            key=f"workshop:{workshop.id}:s{changed.sequence}:changed:{holder.user_id}",
            ref=f"workshop:{workshop.id}:changed",
            now=now,
            seat=holder.seat,
        )
    await promote(db, changed, now)
    return changed


async def cancel_workshop(db: Db, workshop: Workshop, now: datetime) -> Workshop:
    """Stops every unsent message about it, tells everyone who had a place or waited, and
    forgets their names: the list is no longer needed."""
    await db.conn.execute(
        "UPDATE workshops SET status = 'cancelled', sequence = sequence + 1, updated_at = ?"
        " WHERE id = ?",
        (to_db(now), workshop.id),
    )
    cancelled = await get_workshop(db, workshop.id)
    assert cancelled is not None
    await outbox.cancel_by_key_prefix(db, f"workshop:{workshop.id}:", now)
    for holder in await list_seats(db, workshop.id):
        await _enqueue(
            db,
            cancelled,
            holder.user_id,
            CANCELLED,
            key=f"workshop:{workshop.id}:cancelled:{holder.user_id}",
            now=now,
            seat=holder.seat,
        )
    await db.conn.execute("DELETE FROM workshop_seats WHERE workshop_id = ?", (workshop.id,))
    return cancelled


# Messages.


def _seat_ref(workshop_id: int, user_id: int) -> str:
    return f"workshop:{workshop_id}:seat:{user_id}"


def _announcement(workshop_id: int) -> str:
    return f"workshop:{workshop_id}:announce"


async def _schedule_reminders(db: Db, workshop: Workshop, user_id: int, now: datetime) -> None:
    ref = _seat_ref(workshop.id, user_id)
    for lead, due_at in reminder_times(workshop.details.starts_at, now):
        await _enqueue(
            db,
            workshop,
            user_id,
            REMINDER,
            key=f"{ref}:s{workshop.sequence}:{lead}",
            ref=ref,
            now=now,
            due_at=due_at,
            lead=lead,
        )


async def _enqueue(
    db: Db,
    workshop: Workshop,
    user_id: int,
    kind: str,
    *,
    key: str,
    now: datetime,
    ref: str | None = None,
    due_at: datetime | None = None,
    **extra: Any,
) -> None:
    """A message about a workshop someone holds a place for (or waits for): it goes out in
    quiet hours too and even if they turned workshop notices off."""
    await outbox.enqueue_message(
        db,
        user_id=user_id,
        kind=kind,
        topic=Topic.APPOINTMENTS,
        params={**to_params(workshop), "stamp": to_db(now), **extra},
        due_at=due_at or now,
        dedupe_key=key,
        ref=ref,
        now=now,
    )
