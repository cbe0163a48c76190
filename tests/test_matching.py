"""Matching a flat against housing searches: each rule, and invariants over random searches."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.listings import Listing
from domain.matching import (
    MOVE_IN_WAIT,
    Matcher,
    Mismatch,
    exclusions,
    matching_searches,
    min_area,
    min_rooms,
)
from domain.places import Area
from domain.searches import Search, SearchStatus, Wbs
from storage.places import load_city
from tests.listing_setup import FLAT as LISTED
from tests.listing_setup import KDU_2022, NOW, SEARCH_ANSWERS

CITY = load_city()
TABLE_2027 = replace(
    KDU_2022,
    valid_from=date(2027, 1, 1),
    limits=tuple(replace(limit, rent=limit.rent + 50) for limit in KDU_2022.limits),
)
TABLES = (KDU_2022, TABLE_2027)
FLAT = replace(LISTED, wbs_required=False)
HOUSEHOLD = Search(1, 1, SearchStatus.ACTIVE, NOW, **SEARCH_ANSWERS)


# Innenstadt narrowed to Altstadt-Nord: Deutz, also in Innenstadt, is not wanted.
ALTSTADT_ONLY = Area(False, frozenset({"Innenstadt"}), frozenset({"Altstadt-Nord"}))


def mismatch(search: Search = HOUSEHOLD, listing: Listing = FLAT, tables=TABLES):
    return Matcher(listing, CITY, tables).mismatch(search)


def test_the_flat_fits_the_household():
    assert mismatch() is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"status": SearchStatus.PAUSED}, Mismatch.NOT_ACTIVE),
        ({"status": SearchStatus.DRAFT}, Mismatch.NOT_ACTIVE),
        ({"area": Area(False, frozenset({"Kalk"}))}, Mismatch.PLACE),
        ({"area": ALTSTADT_ONLY}, Mismatch.PLACE),
        ({"adults": 4, "children": 3}, Mismatch.ROOMS),  # 7 persons need 4 rooms
        ({"adults": 1, "children": 0}, Mismatch.TOO_LARGE),  # 75 m² > 50 m² for one
        ({"max_rent": Decimal(849)}, Mismatch.BUDGET),
        ({"step_free": True}, Mismatch.STEPS),
        ({"move_in": date(2026, 12, 1) + MOVE_IN_WAIT + timedelta(days=1)}, Mismatch.MOVE_IN),
    ],
)  # fmt: skip
def test_each_rule_can_refuse(change, expected):
    assert mismatch(replace(HOUSEHOLD, **change)) is expected


def test_quarters_of_another_district_do_not_narrow_this_one():
    area = Area(False, frozenset({"Innenstadt", "Kalk"}), frozenset({"Vingst"}))
    assert mismatch(replace(HOUSEHOLD, area=area)) is None
    assert mismatch(replace(HOUSEHOLD, area=Area(True))) is None


def test_the_rent_limit_is_the_one_in_force_when_the_flat_becomes_free():
    pricey = replace(FLAT, rent=Decimal(960))  # above 939 (2022), within 989 (2027)
    rich = replace(HOUSEHOLD, max_rent=Decimal(2000))
    assert mismatch(rich, pricey) is Mismatch.RENT_LIMIT
    later = replace(pricey, available_from=date(2027, 2, 1))
    assert mismatch(replace(rich, move_in=date(2027, 2, 1)), later) is None
    # Without a table in force that day only the household's budget counts.
    assert mismatch(rich, pricey, tables=()) is None


def test_a_wbs_flat_needs_a_wbs_in_hand():
    wbs_flat = replace(FLAT, wbs_required=True)
    assert mismatch(replace(HOUSEHOLD, wbs=Wbs.HAS), wbs_flat) is None
    assert mismatch(replace(HOUSEHOLD, wbs=Wbs.APPLIED), wbs_flat) is Mismatch.WBS
    assert mismatch(replace(HOUSEHOLD, wbs=Wbs.NONE), wbs_flat) is Mismatch.WBS


def test_a_small_flat_is_too_small_for_a_big_family():
    small = replace(FLAT, rooms=Decimal(4), area_m2=Decimal(30))  # 36 m² needed
    assert mismatch(replace(HOUSEHOLD, adults=2, children=3), small) is Mismatch.TOO_SMALL


def test_a_flat_free_later_suits_a_household_that_could_move_sooner():
    later = replace(FLAT, available_from=date(2027, 6, 1))
    assert mismatch(replace(HOUSEHOLD, move_in=date(2026, 11, 25)), later) is None


@pytest.mark.parametrize(("persons", "rooms"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (8, 4)])
def test_at_most_two_people_a_room(persons, rooms):
    assert min_rooms(persons) == rooms


def test_the_minimum_space_counts_adults_and_children():
    assert min_area(2, 1) == 24


def test_only_a_complete_listing_can_be_matched():
    with pytest.raises(ValueError):
        Matcher(replace(FLAT, rent=None), CITY, TABLES)


def test_exclusions_count_each_search_once_under_its_first_failed_rule():
    late = date(2026, 12, 1) + MOVE_IN_WAIT + timedelta(days=11)  # six weeks after "free from"
    many = [
        HOUSEHOLD,
        replace(HOUSEHOLD, move_in=late),
        replace(HOUSEHOLD, area=Area(False, frozenset({"Kalk"})), max_rent=Decimal(100)),
        replace(HOUSEHOLD, max_rent=Decimal(849), step_free=True),
        replace(HOUSEHOLD, max_rent=Decimal(849)),
    ]
    assert exclusions(FLAT, many, CITY, TABLES) == {
        Mismatch.MOVE_IN: 1,
        Mismatch.PLACE: 1,  # the budget is off too, but the place comes first
        Mismatch.BUDGET: 2,
    }
    assert exclusions(FLAT, [HOUSEHOLD], CITY, TABLES) == {}


# Invariants over random searches.

districts = st.sampled_from([d.name for d in CITY.districts])
quarters = st.sampled_from([q.name for q in CITY.quarters])
areas = st.one_of(
    st.just(Area(True)),
    st.builds(
        Area,
        st.just(False),
        st.frozensets(districts, min_size=1, max_size=3),
        st.frozensets(quarters, max_size=3),
    ),
)
searches = st.builds(
    Search,
    id=st.integers(1, 10**6),
    user_id=st.integers(1, 10**6),
    status=st.sampled_from(SearchStatus),
    created_at=st.just(NOW),
    adults=st.integers(1, 6),
    children=st.integers(0, 6),
    area=areas,
    max_rent=st.decimals(300, 2000, places=2),
    wbs=st.sampled_from(Wbs),
    move_in=st.dates(date(2026, 11, 1), date(2027, 6, 1)),
    step_free=st.booleans(),
)
flats = st.builds(
    replace,
    st.just(FLAT),
    quarter=quarters,
    rooms=st.sampled_from([Decimal(n) / 2 for n in range(2, 13)]),
    area_m2=st.decimals(20, 140, places=1),
    rent=st.decimals(300, 1500, places=2),
    available_from=st.dates(date(2026, 11, 1), date(2027, 6, 1)),
    wbs_required=st.booleans(),
    step_free=st.booleans(),
)


@settings(max_examples=300)
@given(flats, st.lists(searches, max_size=30))
def test_matching_many_is_matching_each(flat, many):
    matcher = Matcher(flat, CITY, TABLES)
    assert matching_searches(flat, many, CITY, TABLES) == [s for s in many if matcher.fits(s)]


@settings(max_examples=100)
@given(flats, st.lists(searches, max_size=30))
def test_the_fits_and_the_exclusions_add_up_to_every_search(flat, many):
    excluded = exclusions(flat, many, CITY, TABLES)
    assert len(matching_searches(flat, many, CITY, TABLES)) + excluded.total() == len(many)


@settings(max_examples=300)
@given(flats, searches)
def test_a_fit_respects_every_hard_rule(flat, search):
    if not Matcher(flat, CITY, TABLES).fits(search):
        return
    assert search.status is SearchStatus.ACTIVE
    assert search.max_rent is not None and flat.rent <= search.max_rent
    assert search.persons is not None and flat.rooms * 2 >= search.persons
    assert not flat.wbs_required or search.wbs is Wbs.HAS
    assert not search.step_free or flat.step_free
    quarter = CITY.quarter_by_number(
        next(q.number for q in CITY.quarters if q.name == flat.quarter)
    )
    assert quarter is not None and search.area.covers(CITY, quarter)


@settings(max_examples=300)
@given(flats, searches, st.decimals(1, 500, places=2))
def test_more_budget_or_a_cheaper_flat_never_loses_a_fit(flat, search, more):
    matcher = Matcher(flat, CITY, TABLES)
    if not matcher.fits(search):
        return
    assert search.max_rent is not None
    assert matcher.fits(replace(search, max_rent=search.max_rent + more))
    cheaper = replace(flat, rent=max(flat.rent - more, Decimal("0.01")))
    assert Matcher(cheaper, CITY, TABLES).fits(search)


@settings(max_examples=300)
@given(flats, searches)
def test_anywhere_in_koeln_is_never_refused_for_the_place(flat, search):
    assert Matcher(flat, CITY, TABLES).mismatch(replace(search, area=Area(True))) is not (
        Mismatch.PLACE
    )
