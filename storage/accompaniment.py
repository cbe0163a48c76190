"""Volunteers' accompaniment offers, requests for a companion and who was asked."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from domain.accompaniment import Kind, Offer, Request, RequestStatus
from storage.db import Db, from_db, to_db

_OFFER_COLUMNS = (
    "SELECT user_id, first_name, districts, languages, kinds, active FROM accompaniment_offers"
)
_REQUEST_COLUMNS = """
    SELECT id, user_id, carrier_id, requested_by, viewing_id, kind, starts_at, place,
           meeting_point, district, language, status, volunteer_id, created_at, expires_at
    FROM accompaniment_requests
"""


def _offer(row: aiosqlite.Row) -> Offer:
    return Offer(
        user_id=row["user_id"],
        first_name=row["first_name"],
        districts=frozenset(json.loads(row["districts"])),
        languages=frozenset(json.loads(row["languages"])),
        kinds=frozenset(Kind(k) for k in json.loads(row["kinds"])),
        active=bool(row["active"]),
    )


def _json(values: Iterable[str]) -> str:
    return json.dumps(sorted(values))


async def get_offer(db: Db, user_id: int) -> Offer | None:
    rows = await db.conn.execute_fetchall(_OFFER_COLUMNS + " WHERE user_id = ?", (user_id,))
    return _offer(next(iter(rows))) if rows else None


async def save_offer(db: Db, offer: Offer, now: datetime) -> None:
    await db.conn.execute(
        "INSERT INTO accompaniment_offers (user_id, first_name, districts, languages, kinds,"
        " active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET first_name = excluded.first_name,"
        " districts = excluded.districts, languages = excluded.languages,"
        " kinds = excluded.kinds, active = excluded.active, updated_at = excluded.updated_at",
        (
            offer.user_id,
            offer.first_name,
            _json(offer.districts),
            _json(offer.languages),
            _json(offer.kinds),
            int(offer.active),
            to_db(now),
        ),
    )


async def active_offers(db: Db) -> list[Offer]:
    """Offers of volunteers who still are volunteers; matching happens in domain/."""
    rows = await db.conn.execute_fetchall(
        "SELECT o.user_id, o.first_name, o.districts, o.languages, o.kinds, o.active"
        " FROM accompaniment_offers o JOIN users u ON u.id = o.user_id"
        " WHERE o.active = 1 AND u.role = 'volunteer'"
    )
    return [_offer(row) for row in rows]


def _request(row: aiosqlite.Row) -> Request:
    starts, created, expires = (
        from_db(row["starts_at"]),
        from_db(row["created_at"]),
        from_db(row["expires_at"]),
    )
    assert starts is not None and created is not None and expires is not None
    return Request(
        id=row["id"],
        user_id=row["user_id"],
        carrier_id=row["carrier_id"],
        requested_by=row["requested_by"],
        viewing_id=row["viewing_id"],
        kind=Kind(row["kind"]),
        starts_at=starts,
        place=row["place"],
        meeting_point=row["meeting_point"],
        district=row["district"],
        language=row["language"],
        status=RequestStatus(row["status"]),
        volunteer_id=row["volunteer_id"],
        created_at=created,
        expires_at=expires,
    )


async def get_request(db: Db, request_id: int) -> Request | None:
    rows = await db.conn.execute_fetchall(_REQUEST_COLUMNS + " WHERE id = ?", (request_id,))
    return _request(next(iter(rows))) if rows else None


async def live_request(db: Db, user_id: int, kind: Kind, starts_at: datetime) -> Request | None:
    """An open or taken request for the same appointment, if one was made."""
    rows = await db.conn.execute_fetchall(
        _REQUEST_COLUMNS + " WHERE user_id = ? AND kind = ? AND starts_at = ?"
        " AND status IN ('open', 'taken')",
        (user_id, kind.value, to_db(starts_at)),
    )
    return _request(next(iter(rows))) if rows else None


async def add_request(db: Db, request: Request, asked: Iterable[int]) -> int:
    """Stores a new request (its id is ignored) and who is asked; returns its id."""
    async with db.conn.execute(
        "INSERT INTO accompaniment_requests (user_id, carrier_id, requested_by, viewing_id,"
        " kind, starts_at, place, meeting_point, district, language, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            request.user_id,
            request.carrier_id,
            request.requested_by,
            request.viewing_id,
            request.kind.value,
            to_db(request.starts_at),
            request.place,
            request.meeting_point,
            request.district,
            request.language,
            to_db(request.created_at),
            to_db(request.expires_at),
        ),
    ) as cur:
        request_id = cur.lastrowid
    assert request_id is not None
    await db.conn.executemany(
        "INSERT INTO accompaniment_asked (request_id, volunteer_id) VALUES (?, ?)",
        [(request_id, volunteer_id) for volunteer_id in asked],
    )
    return request_id


async def cancel_request(db: Db, request_id: int) -> None:
    await db.conn.execute(
        "UPDATE accompaniment_requests SET status = 'cancelled' WHERE id = ?", (request_id,)
    )


async def was_asked(db: Db, request_id: int, volunteer_id: int) -> bool:
    rows = await db.conn.execute_fetchall(
        "SELECT 1 FROM accompaniment_asked WHERE request_id = ? AND volunteer_id = ?",
        (request_id, volunteer_id),
    )
    return bool(rows)


async def take_request(db: Db, request_id: int, volunteer_id: int, now: datetime) -> bool:
    """The first volunteer wins: True only for the one whose update found it still open."""
    async with db.conn.execute(
        "UPDATE accompaniment_requests SET status = 'taken', volunteer_id = ?, taken_at = ?"
        " WHERE id = ? AND status = 'open' AND expires_at > ?",
        (volunteer_id, to_db(now), request_id, to_db(now)),
    ) as cur:
        return cur.rowcount > 0


async def requests_for_household(db: Db, user_id: int, since: datetime) -> list[Request]:
    """The household's open and taken requests for appointments from `since` on."""
    rows = await db.conn.execute_fetchall(
        _REQUEST_COLUMNS + " WHERE user_id = ? AND starts_at >= ?"
        " AND status IN ('open', 'taken') ORDER BY starts_at",
        (user_id, to_db(since)),
    )
    return [_request(row) for row in rows]


async def live_requests_for_viewing(db: Db, viewing_id: int) -> list[Request]:
    rows = await db.conn.execute_fetchall(
        _REQUEST_COLUMNS + " WHERE viewing_id = ? AND status IN ('open', 'taken')",
        (viewing_id,),
    )
    return [_request(row) for row in rows]
