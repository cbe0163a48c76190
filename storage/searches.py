"""Housing searches: one row a household, its places and its document flags."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType

import aiosqlite

from domain.matching import Candidate, Prefilter
from domain.places import Area
from domain.searches import (
    VISIBLE_TO_CARRIER,
    Document,
    Search,
    SearchStatus,
    Step,
    Wbs,
)
from storage.db import Db, from_db, to_db

# A search's districts and quarters as two texts (names joined by the unit separator).
_PLACES = """
    (SELECT group_concat(p.name, char(31)) FROM search_places p
     WHERE p.search_id = s.id AND p.kind = 'district'),
    (SELECT group_concat(p.name, char(31)) FROM search_places p
     WHERE p.search_id = s.id AND p.kind = 'quarter')
"""
# One row a search, its places and documents included: thousands of searches are one query.
_COLUMNS = f"""
    SELECT s.id, s.user_id, s.status, s.adults, s.children, s.anywhere, s.max_rent_cents,
           s.wbs, s.move_in, s.step_free, s.carrier, s.step, s.asking, s.created_at,
           s.confirmed_at, {_PLACES},
           (SELECT group_concat(d.document || '=' || d.held) FROM search_documents d
            WHERE d.search_id = s.id)
    FROM searches s
"""  # noqa: S608 (constants only)


def to_cents(amount: Decimal) -> int:
    return int(amount * 100)


def from_cents(cents: int) -> Decimal:
    return Decimal(cents) / 100


def _optional_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


@lru_cache(maxsize=4096)
def _area(anywhere: int | None, districts: str | None, quarters: str | None) -> Area:
    """Households choose among few places, so most areas are built once and shared."""
    if anywhere:
        return Area(anywhere=True)
    return Area(_optional_bool(anywhere), _names(districts), _names(quarters))


def _names(joined: str | None) -> frozenset[str]:
    return frozenset(joined.split("\x1f")) if joined else frozenset()


@lru_cache(maxsize=256)
def _documents(joined: str | None) -> Mapping[Document, bool]:
    """`residence=1,schufa=0`: few combinations, each built once and shared (read-only)."""
    pairs = (item.split("=") for item in joined.split(",")) if joined else ()
    return MappingProxyType({Document(name): held == "1" for name, held in pairs})


def _search(row: aiosqlite.Row) -> Search:
    (search_id, user_id, status, adults, children, anywhere, max_rent, wbs, move_in,
     step_free, carrier, step, asking, created_at, confirmed_at, districts, quarters,
     documents) = row  # fmt: skip
    return Search(
        id=search_id,
        user_id=user_id,
        status=SearchStatus(status),
        created_at=datetime.fromisoformat(created_at),
        adults=adults,
        children=children,
        area=_area(anywhere, districts, quarters),
        max_rent=None if max_rent is None else from_cents(max_rent),
        wbs=None if wbs is None else Wbs(wbs),
        move_in=None if move_in is None else date.fromisoformat(move_in),
        step_free=_optional_bool(step_free),
        carrier=carrier,
        documents=_documents(documents),
        confirmed_at=from_db(confirmed_at),
        step=Step(step),
        asking=bool(asking),
    )


async def _one(db: Db, sql: str, *params: object) -> Search | None:
    rows = await db.conn.execute_fetchall(_COLUMNS + sql, params)
    return _search(next(iter(rows))) if rows else None


async def get_search(db: Db, search_id: int) -> Search | None:
    return await _one(db, " WHERE s.id = ?", search_id)


async def find_search(db: Db, user_id: int) -> Search | None:
    """The search of a household's contact person (users.id), if they started one."""
    return await _one(db, " WHERE s.user_id = ?", user_id)


async def asking_since(db: Db, user_id: int) -> datetime | None:
    """When the search's open question was asked, if one waits for a typed answer."""
    rows = await db.conn.execute_fetchall(
        "SELECT updated_at FROM searches WHERE user_id = ? AND asking = 1", (user_id,)
    )
    return from_db(next(iter(rows))[0]) if rows else None


async def create_search(db: Db, user_id: int, now: datetime) -> Search:
    """A new draft at its first question; an existing search is returned unchanged."""
    await db.conn.execute(
        "INSERT INTO searches (user_id, status, step, asking, created_at, updated_at)"
        " VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (user_id) DO NOTHING",
        (user_id, SearchStatus.DRAFT.value, Step.ADULTS.value, to_db(now), to_db(now)),
    )
    search = await find_search(db, user_id)
    assert search is not None
    return search


async def save_search(db: Db, search: Search, now: datetime) -> None:
    """Writes every answer and the chat's position; places and documents are replaced."""
    area = search.area
    await db.conn.execute(
        "UPDATE searches SET status = ?, adults = ?, children = ?, anywhere = ?,"
        " max_rent_cents = ?, wbs = ?, move_in = ?, step_free = ?, carrier = ?, step = ?,"
        " asking = ?, created_at = ?, updated_at = ?, confirmed_at = ? WHERE id = ?",
        (
            search.status.value,
            search.adults,
            search.children,
            None if area.anywhere is None else int(area.anywhere),
            None if search.max_rent is None else to_cents(search.max_rent),
            None if search.wbs is None else search.wbs.value,
            None if search.move_in is None else search.move_in.isoformat(),
            None if search.step_free is None else int(search.step_free),
            search.carrier,
            search.step.value,
            int(search.asking),
            to_db(search.created_at),
            to_db(now),
            None if search.confirmed_at is None else to_db(search.confirmed_at),
            search.id,
        ),
    )
    await db.conn.execute("DELETE FROM search_places WHERE search_id = ?", (search.id,))
    await db.conn.executemany(
        "INSERT INTO search_places (search_id, kind, name) VALUES (?, ?, ?)",
        [(search.id, "district", name) for name in sorted(area.districts)]
        + [(search.id, "quarter", name) for name in sorted(area.quarters)],
    )
    await db.conn.execute("DELETE FROM search_documents WHERE search_id = ?", (search.id,))
    await db.conn.executemany(
        "INSERT INTO search_documents (search_id, document, held) VALUES (?, ?, ?)",
        [(search.id, document.value, int(held)) for document, held in search.documents.items()],
    )


async def list_searches_for_carrier(db: Db, carrier_id: int) -> list[Search]:
    """The searches this carrier's staff may see: the household chose this carrier and agreed
    that it sees the search, and the search is confirmed and not withdrawn. Staff features
    record each read in the audit log (storage.consents.record_audit) where they call this.
    """
    async with db.conn.execute(
        _COLUMNS + " JOIN carriers k ON k.code = s.carrier"
        " JOIN carrier_consents c ON c.user_id = s.user_id AND c.carrier_id = k.id"
        " WHERE k.id = ? AND s.status IN (?, ?) ORDER BY s.id",
        (carrier_id, *(status.value for status in VISIBLE_TO_CARRIER)),
    ) as cur:
        rows = await cur.fetchall()
    return [_search(row) for row in rows]


async def areas_by_user(db: Db, statuses: Iterable[SearchStatus]) -> dict[int, Area]:
    """users.id → where the household looks, for every search in one of `statuses`: plain
    rows, since an announcement to a district reads thousands of them."""
    rows = await db.conn.execute_fetchall(
        f"SELECT s.user_id, s.anywhere, {_PLACES} FROM searches s"  # noqa: S608 (a constant)
        " WHERE s.status IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(status.value for status in statuses)),),
    )
    return {
        user_id: _area(anywhere, districts, quarters)
        for user_id, anywhere, districts, quarters in rows
    }


# The coarse rules for SQL: the searches naming the flat's district come from migration 010's
# index, the rest are cheap comparisons per row; places come along as one text each.
_CANDIDATES = f"""
    SELECT s.id, s.user_id, s.adults, s.children, s.anywhere, s.max_rent_cents, s.wbs,
           s.move_in, s.step_free, {_PLACES}
    FROM searches s
    WHERE s.status = 'active' AND s.max_rent_cents >= :rent_cents
      AND s.move_in <= :latest_move_in
      AND s.adults * :base + s.children IN (SELECT value FROM json_each(:households))
      AND coalesce(s.wbs, '') IN (SELECT value FROM json_each(:wbs))
      AND coalesce(s.step_free, -1) IN (SELECT value FROM json_each(:step_free))
      AND (s.anywhere = 1 OR s.id IN (SELECT p.search_id FROM search_places p
           WHERE p.kind = 'district' AND p.name = :district))
    ORDER BY s.id
"""  # noqa: S608 (constants only)
_ACTIVE = f"""
    SELECT s.id, s.user_id, s.adults, s.children, s.anywhere, s.max_rent_cents, s.wbs,
           s.move_in, s.step_free, {_PLACES}
    FROM searches s WHERE s.status = 'active' ORDER BY s.id
"""  # noqa: S608 (constants only)
# A household (adults, children) as one number; a larger household may share the number of
# an allowed one, which only lets more through to the rules.
_HOUSEHOLD_BASE = 100


# Rows become candidates this many at a time, other tasks running in between: a flat that
# fits a whole city brings thousands, and a thread would fight the event loop for the GIL.
_SLICE = 500


async def match_candidates(
    db: Db, prefilter: Prefilter, keep: Callable[[Candidate], bool] = bool
) -> list[Candidate]:
    """Active searches that may fit a flat, as plain rows, those `keep` keeps (all, or the rules of
    domain.matching): never fewer than fit it (tests/test_match_prefilter.py)."""
    params = {
        # Cents rounded down, so a budget of the exact rent is never left out.
        "rent_cents": to_cents(prefilter.rent),
        "latest_move_in": prefilter.latest_move_in.isoformat(),
        "district": prefilter.district,
        "base": _HOUSEHOLD_BASE,
        "households": json.dumps(sorted(a * _HOUSEHOLD_BASE + c for a, c in prefilter.households)),
        "wbs": json.dumps(sorted("" if w is None else w.value for w in prefilter.wbs)),
        "step_free": json.dumps(sorted(-1 if f is None else int(f) for f in prefilter.step_free)),
    }
    return await _candidates(await db.conn.execute_fetchall(_CANDIDATES, params), keep)


async def active_candidates(db: Db) -> list[Candidate]:
    """Every active search as a plain row: why a flat fits none of them (domain.matching)."""
    return await _candidates(await db.conn.execute_fetchall(_ACTIVE), bool)


async def _candidates(
    fetched: Iterable[aiosqlite.Row], keep: Callable[[Candidate], bool]
) -> list[Candidate]:
    rows = list(fetched)
    found: list[Candidate] = []
    for start in range(0, len(rows), _SLICE):
        found += filter(keep, (_candidate(*row) for row in rows[start : start + _SLICE]))
        await asyncio.sleep(0)
    return found


def _candidate(
    search_id: int,
    user_id: int,
    adults: int,
    children: int,
    anywhere: int | None,
    max_rent_cents: int,
    wbs: str | None,
    move_in: str,
    step_free: int | None,
    districts: str | None,
    quarters: str | None,
) -> Candidate:
    return Candidate(
        id=search_id,
        user_id=user_id,
        status=SearchStatus.ACTIVE,
        adults=adults,
        children=children,
        area=_area(anywhere, districts, quarters),
        max_rent=from_cents(max_rent_cents),
        wbs=Wbs(wbs) if wbs else None,
        move_in=date.fromisoformat(move_in),
        step_free=_optional_bool(step_free),
    )
