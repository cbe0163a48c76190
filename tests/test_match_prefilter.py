"""The SQL prefilter of matching is never stricter than the rules: prefilter + rules on a real
database give exactly the searches the rules alone give."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.listings import Listing
from domain.matching import MOVE_IN_WAIT, Candidate, Matcher
from domain.places import Area
from domain.searches import Search, SearchStatus, Wbs
from storage import rent_limits, searches
from storage.db import Db, open_db, to_db
from tests.listing_setup import FLAT, NOW, SEARCH_ANSWERS
from tests.test_matching import CITY, flats

DISTRICTS = [d.name for d in CITY.districts]


@st.composite
def searches_near(draw: st.DrawFn, flat: Listing) -> Search:
    """Any search the database may hold, often on the edge of the flat's values: a budget of
    exactly its rent, the last day it can wait for, its own district narrowed to quarters."""
    assert flat.rent is not None and flat.available_from is not None
    own = next(d for d in CITY.districts if flat.quarter in {q.name for q in d.quarters})
    area = draw(
        st.one_of(
            st.just(Area()),
            st.just(Area(True)),
            st.builds(
                Area,
                st.just(False),
                st.frozensets(st.sampled_from([*DISTRICTS, own.name]), max_size=3),
                st.frozensets(st.sampled_from([q.name for q in CITY.quarters]), max_size=2)
                | st.frozensets(st.sampled_from([q.name for q in own.quarters]), max_size=2),
            ),
        )
    )
    latest = flat.available_from + MOVE_IN_WAIT
    return Search(
        id=0,
        user_id=0,
        status=draw(st.sampled_from(SearchStatus)),
        created_at=NOW,
        adults=draw(st.none() | st.integers(1, 9)),
        children=draw(st.none() | st.integers(0, 9)),
        area=area,
        max_rent=draw(
            st.none()
            | st.just(flat.rent)
            | st.just(flat.rent - Decimal("0.01"))
            | st.decimals(300, 2000, places=2)
        ),
        wbs=draw(st.none() | st.sampled_from(Wbs)),
        move_in=draw(
            st.none()
            | st.sampled_from([latest, latest + timedelta(days=1)])
            | st.dates(date(2026, 11, 1), date(2027, 8, 1))
        ),
        step_free=draw(st.none() | st.booleans()),
    )


async def _candidates(
    db: Db, flat: Listing, wanted: list[Search]
) -> tuple[Matcher, list[Search], list[Candidate]]:
    """The searches as stored in the database (instead of what it held), and the prefilter's
    candidates there."""
    async with db.transaction():
        await db.conn.execute("DELETE FROM users")  # their searches go with them
        await db.conn.executemany(
            "INSERT INTO users (id, telegram_id, role, locale, created_at, last_seen_at)"
            " VALUES (?, ?, 'seeker', 'en', ?, ?)",
            [(n, n, to_db(NOW), to_db(NOW)) for n in range(1, len(wanted) + 1)],
        )
        stored = []
        for user_id, search in enumerate(wanted, start=1):
            draft = await searches.create_search(db, user_id, NOW)
            stored.append(replace(search, id=draft.id, user_id=user_id))
            await searches.save_search(db, stored[-1], NOW)
    matcher = Matcher(flat, CITY, await rent_limits.list_rent_limit_tables(db))
    return matcher, stored, await searches.match_candidates(db, matcher.prefilter())


def test_prefilter_and_rules_match_exactly_what_the_rules_alone_match(tmp_path: Path):
    # One database for every example: migrating a new one each time would take most of it.
    with asyncio.Runner() as runner:
        db = runner.run(open_db(tmp_path / "bot.sqlite3"))

        @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(st.data(), flats)
        def check(data: st.DataObject, flat: Listing) -> None:
            wanted = data.draw(st.lists(searches_near(flat), max_size=25))
            matcher, stored, candidates = runner.run(_candidates(db, flat, wanted))
            alone = {s.user_id for s in stored if matcher.fits(s)}
            assert {c.user_id for c in candidates if matcher.fits(c)} == alone
            # A candidate carries its search's values: the rules read the same either way.
            by_user = {s.user_id: s for s in stored}
            for candidate in candidates:
                assert matcher.mismatch(candidate) == matcher.mismatch(by_user[candidate.user_id])

        try:
            check()
        finally:
            runner.run(db.close())


async def test_the_database_leaves_out_what_cannot_fit(tmp_path: Path):
    """A one-room flat in Deutz: the family of six, the search in Kalk, the small budget and
    the paused search never leave SQLite; the single adult in Innenstadt does."""
    flat = replace(FLAT, rooms=Decimal(1), area_m2=Decimal(40), rent=Decimal(600))
    single = Search(
        0, 0, SearchStatus.ACTIVE, NOW, **{**SEARCH_ANSWERS, "adults": 1, "children": 0}
    )
    wanted = [
        single,
        replace(single, adults=2, children=4),
        replace(single, area=Area(False, frozenset({"Kalk"}))),
        replace(single, max_rent=Decimal(599)),
        replace(single, status=SearchStatus.PAUSED),
    ]
    db = await open_db(tmp_path / "bot.sqlite3")
    try:
        matcher, stored, candidates = await _candidates(db, flat, wanted)
    finally:
        await db.close()
    assert [c.user_id for c in candidates] == [stored[0].user_id]
    assert matcher.fits(candidates[0])
