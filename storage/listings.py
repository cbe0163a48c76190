"""Listings, their photos, and the households they were sent to with their answers."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import aiosqlite

from domain.listings import Answer, AnswerCounts, Listing, ListingStatus, Recipient
from domain.searches import VISIBLE_TO_CARRIER
from storage.db import Db, from_db, to_db
from storage.searches import from_cents, to_cents

_COLUMNS = """
    SELECT id, carrier_id, created_by, status, quarter, street, house_number,
           address_released, rooms, area_m2, rent_cents, heating_cents, deposit_cents,
           available_from, wbs_required, step_free, landlord_contact, note, asking_since,
           created_at, published_at, closed_at
    FROM listings
"""


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _cents(value: int | None) -> Decimal | None:
    return None if value is None else from_cents(value)


def _flag(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _listing(row: aiosqlite.Row, photos: list[str]) -> Listing:
    created = from_db(row["created_at"])
    assert created is not None  # NOT NULL column
    return Listing(
        id=row["id"],
        carrier_id=row["carrier_id"],
        created_by=row["created_by"],
        status=ListingStatus(row["status"]),
        created_at=created,
        quarter=row["quarter"],
        street=row["street"],
        house_number=row["house_number"],
        address_released=bool(row["address_released"]),
        rooms=_decimal(row["rooms"]),
        area_m2=_decimal(row["area_m2"]),
        rent=_cents(row["rent_cents"]),
        heating=_cents(row["heating_cents"]),
        deposit=_cents(row["deposit_cents"]),
        available_from=(
            None if row["available_from"] is None else date.fromisoformat(row["available_from"])
        ),
        wbs_required=_flag(row["wbs_required"]),
        step_free=_flag(row["step_free"]),
        landlord_contact=row["landlord_contact"],
        note=row["note"],
        photos=tuple(photos),
        asking_since=from_db(row["asking_since"]),
        published_at=from_db(row["published_at"]),
        closed_at=from_db(row["closed_at"]),
    )


async def _listings(db: Db, condition: str, params: tuple[object, ...]) -> list[Listing]:
    """`condition` is a constant of this module (WHERE … ORDER BY …); values go in `params`."""
    rows = list(await db.conn.execute_fetchall(_COLUMNS + " WHERE " + condition, params))
    photos: dict[int, list[str]] = defaultdict(list)
    for listing_id, file_id in await db.conn.execute_fetchall(
        "SELECT listing_id, file_id FROM listing_photos"
        " WHERE listing_id IN (SELECT value FROM json_each(?)) ORDER BY listing_id, position",
        (json.dumps([row["id"] for row in rows]),),
    ):
        photos[listing_id].append(file_id)
    return [_listing(row, photos[row["id"]]) for row in rows]


async def get_listing(db: Db, listing_id: int) -> Listing | None:
    found = await _listings(db, "id = ?", (listing_id,))
    return found[0] if found else None


async def find_draft(db: Db, staff_user_id: int) -> Listing | None:
    """The listing this staff member is typing, if any (one at a time)."""
    found = await _listings(db, "created_by = ? AND status = 'draft'", (staff_user_id,))
    return found[0] if found else None


async def draft_asking_since(db: Db, staff_user_id: int) -> datetime | None:
    rows = await db.conn.execute_fetchall(
        "SELECT asking_since FROM listings WHERE created_by = ? AND status = 'draft'",
        (staff_user_id,),
    )
    return from_db(next(iter(rows))[0]) if rows else None


async def create_draft(db: Db, carrier_id: int, staff_user_id: int, now: datetime) -> Listing:
    """A new empty draft that waits for the form, or the staff member's open draft."""
    await db.conn.execute(
        "INSERT INTO listings (carrier_id, created_by, status, asking_since, created_at,"
        " updated_at) VALUES (?, ?, 'draft', ?, ?, ?)"
        " ON CONFLICT (created_by) WHERE status = 'draft' DO NOTHING",
        (carrier_id, staff_user_id, to_db(now), to_db(now), to_db(now)),
    )
    draft = await find_draft(db, staff_user_id)
    assert draft is not None
    return draft


def _optional_cents(amount: Decimal | None) -> int | None:
    return None if amount is None else to_cents(amount)


def _optional_flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


async def save_listing(db: Db, listing: Listing, now: datetime) -> None:
    """Writes every item, the status and the photos of the listing."""
    await db.conn.execute(
        "UPDATE listings SET status = ?, quarter = ?, street = ?, house_number = ?,"
        " address_released = ?, rooms = ?, area_m2 = ?, rent_cents = ?, heating_cents = ?,"
        " deposit_cents = ?, available_from = ?, wbs_required = ?, step_free = ?,"
        " landlord_contact = ?, note = ?, asking_since = ?, published_at = ?, closed_at = ?,"
        " updated_at = ? WHERE id = ?",
        (
            listing.status.value,
            listing.quarter,
            listing.street,
            listing.house_number,
            int(listing.address_released),
            None if listing.rooms is None else str(listing.rooms),
            None if listing.area_m2 is None else str(listing.area_m2),
            _optional_cents(listing.rent),
            _optional_cents(listing.heating),
            _optional_cents(listing.deposit),
            None if listing.available_from is None else listing.available_from.isoformat(),
            _optional_flag(listing.wbs_required),
            _optional_flag(listing.step_free),
            listing.landlord_contact,
            listing.note,
            None if listing.asking_since is None else to_db(listing.asking_since),
            None if listing.published_at is None else to_db(listing.published_at),
            None if listing.closed_at is None else to_db(listing.closed_at),
            to_db(now),
            listing.id,
        ),
    )
    await db.conn.execute("DELETE FROM listing_photos WHERE listing_id = ?", (listing.id,))
    await db.conn.executemany(
        "INSERT INTO listing_photos (listing_id, position, file_id) VALUES (?, ?, ?)",
        [(listing.id, n, file_id) for n, file_id in enumerate(listing.photos)],
    )


async def delete_draft(db: Db, listing_id: int) -> None:
    await db.conn.execute("DELETE FROM listings WHERE id = ? AND status = 'draft'", (listing_id,))


async def list_listings(
    db: Db, carrier_id: int, staff_user_id: int, offset: int, limit: int
) -> list[Listing]:
    """A carrier's listings, newest first; drafts only the staff member's own."""
    return await _listings(
        db,
        "carrier_id = ? AND (status != 'draft' OR created_by = ?)"
        " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        (carrier_id, staff_user_id, limit, offset),
    )


async def list_interesting(db: Db, user_id: int, offset: int, limit: int) -> list[Listing]:
    """The listings a household said it is interested in, the latest answer first."""
    return await _listings(
        db,
        "id IN (SELECT listing_id FROM listing_recipients WHERE user_id = ?"
        " AND answer = 'interested') ORDER BY (SELECT answered_at FROM listing_recipients r"
        " WHERE r.listing_id = listings.id AND r.user_id = ?) DESC, id DESC LIMIT ? OFFSET ?",
        (user_id, user_id, limit, offset),
    )


# Recipients and their answers ---------------------------------------------------------------


async def add_recipients(db: Db, listing_id: int, user_ids: Iterable[int]) -> None:
    """One statement for thousands of households: no Python per recipient."""
    await db.conn.execute(
        "INSERT INTO listing_recipients (listing_id, user_id)"
        " SELECT ?, value FROM json_each(?) WHERE true"
        " ON CONFLICT (listing_id, user_id) DO NOTHING",
        (listing_id, json.dumps(list(user_ids))),
    )


_VISIBLE = tuple(status.value for status in VISIBLE_TO_CARRIER)  # two statuses
_RECIPIENT_COLUMNS = """
    SELECT r.listing_id, r.user_id, r.answer, r.answered_at, r.proposed_at, u.case_number
    FROM listing_recipients r JOIN users u ON u.id = r.user_id
"""


def _recipient(row: aiosqlite.Row) -> Recipient:
    return Recipient(
        listing_id=row["listing_id"],
        user_id=row["user_id"],
        answer=Answer(row["answer"]) if row["answer"] else None,
        answered_at=from_db(row["answered_at"]),
        proposed_at=from_db(row["proposed_at"]),
        case_number=row["case_number"],
    )


async def get_recipient(db: Db, listing_id: int, user_id: int) -> Recipient | None:
    rows = await db.conn.execute_fetchall(
        _RECIPIENT_COLUMNS + " WHERE r.listing_id = ? AND r.user_id = ?", (listing_id, user_id)
    )
    return _recipient(next(iter(rows))) if rows else None


async def save_answer(
    db: Db, listing_id: int, user_id: int, answer: Answer, now: datetime
) -> None:
    """Answering the same twice keeps the first time: the shortlist's order stays fair."""
    await db.conn.execute(
        "UPDATE listing_recipients SET answer = ?, answered_at = ?"
        " WHERE listing_id = ? AND user_id = ? AND answer IS NOT ?",
        (answer.value, to_db(now), listing_id, user_id, answer.value),
    )


async def list_interested(db: Db, listing_id: int) -> list[Recipient]:
    """Households interested in the listing, in the order they said so."""
    rows = await db.conn.execute_fetchall(
        _RECIPIENT_COLUMNS + " WHERE r.listing_id = ? AND r.answer = 'interested'"
        " ORDER BY r.answered_at, r.user_id",
        (listing_id,),
    )
    return [_recipient(row) for row in rows]


async def mark_proposed(db: Db, listing_id: int, user_id: int, now: datetime) -> bool:
    """False when the household was proposed before (or is not interested)."""
    async with db.conn.execute(
        "UPDATE listing_recipients SET proposed_at = ? WHERE listing_id = ? AND user_id = ?"
        " AND answer = 'interested' AND proposed_at IS NULL",
        (to_db(now), listing_id, user_id),
    ) as cur:
        return cur.rowcount > 0


async def list_shortlist(
    db: Db, listing_id: int, carrier_id: int, offset: int, limit: int
) -> list[Recipient]:
    """Interested households whose case the carrier may see (consent, and a search that is
    active or paused), in the order they said so; staff record each read in the audit log."""
    rows = await db.conn.execute_fetchall(
        _RECIPIENT_COLUMNS + " JOIN carrier_consents c ON c.user_id = r.user_id"
        " AND c.carrier_id = ? JOIN searches s ON s.user_id = r.user_id AND s.status IN (?, ?)"
        " WHERE r.listing_id = ? AND r.answer = 'interested'"
        " ORDER BY r.answered_at, r.user_id LIMIT ? OFFSET ?",
        (carrier_id, *_VISIBLE, listing_id, limit, offset),
    )
    return [_recipient(row) for row in rows]


async def count_answers(db: Db, listing_id: int, carrier_id: int) -> AnswerCounts:
    [row] = await db.conn.execute_fetchall(
        "SELECT count(*), count(*) FILTER (WHERE r.answer = 'interested'),"
        " count(c.user_id) FILTER (WHERE r.answer = 'interested' AND s.status IN (?, ?)),"
        " count(*) FILTER (WHERE r.answer = 'interested' AND r.proposed_at IS NOT NULL)"
        " FROM listing_recipients r LEFT JOIN carrier_consents c ON c.user_id = r.user_id"
        " AND c.carrier_id = ? LEFT JOIN searches s ON s.user_id = r.user_id"
        " WHERE r.listing_id = ?",
        (*_VISIBLE, carrier_id, listing_id),
    )
    return AnswerCounts(row[0], row[1], row[2], row[3])
