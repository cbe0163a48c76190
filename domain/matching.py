"""Which housing searches a flat fits. Pure: staff see the count before publishing, and
publishing sends the listing to exactly these households.

A listing fits a search when all of these hold:

1. The search is active (drafts, paused and withdrawn searches get no offers).
2. Place: the search's area covers the listing's quarter (the whole city, the district, or
   the quarter itself when the household narrowed that district to some quarters).
3. Rooms: at most two people per room, so rooms >= persons / 2 rounded up (1 person: 1 room,
   3 persons: 2 rooms, 5 persons: 3 rooms). A half room (Halbzimmer) counts as half.
4. Living space: at least 9 m² per adult and 6 m² per child (the minimum of the NRW
   Wohnraumstärkungsgesetz, which we read for children as the under-6 value since we do not
   know their ages), and at most the reasonable area (KdU) for the household size.
5. Rent: the gross cold rent (Bruttokaltmiete) is within the household's own budget and
   within the reasonable rent (KdU) for its size in the table in force on the day the flat
   becomes free. Without a table for that day only the budget counts. Heating is not part of
   either limit.
6. WBS: a flat that needs a Wohnberechtigungsschein fits only households that have one (one
   applied for can take months; the landlord may not let the flat without it).
7. Steps: a household that needs a flat without steps gets only step-free flats.
8. Move-in: the household can move in at most MOVE_IN_WAIT after the flat becomes free (a
   landlord rarely waits longer, and the Jobcenter pays no rent for an empty flat). A flat
   that becomes free later than the household could move suits it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum

from domain.listings import Listing
from domain.places import City
from domain.rent_limits import RentLimit, RentLimitTable, table_on
from domain.searches import Search, SearchStatus, Wbs

PERSONS_PER_ROOM = 2
MIN_M2_PER_ADULT = Decimal(9)
MIN_M2_PER_CHILD = Decimal(6)
MOVE_IN_WAIT = timedelta(days=31)


class Mismatch(StrEnum):
    """The first rule a search fails, in the order of the module docstring."""

    NOT_ACTIVE = "not_active"
    INCOMPLETE = "incomplete"  # an active search always has every answer; kept for safety
    PLACE = "place"
    ROOMS = "rooms"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    BUDGET = "budget"
    RENT_LIMIT = "rent_limit"
    WBS = "wbs"
    STEPS = "steps"
    MOVE_IN = "move_in"


def min_rooms(persons: int) -> int:
    return -(-persons // PERSONS_PER_ROOM)


def min_area(adults: int, children: int) -> Decimal:
    return adults * MIN_M2_PER_ADULT + children * MIN_M2_PER_CHILD


class Matcher:
    """One listing against many searches: what depends only on the listing is worked out
    once, so each search costs a few comparisons (bench/match.py)."""

    def __init__(self, listing: Listing, city: City, tables: Sequence[RentLimitTable]) -> None:
        quarter = next((q for q in city.quarters if q.name == listing.quarter), None)
        district = city.district(quarter.district) if quarter else None
        if (
            quarter is None
            or district is None
            or listing.rooms is None
            or listing.area_m2 is None
            or listing.rent is None
            or listing.available_from is None
        ):
            raise ValueError("only a complete listing can be matched")
        self.quarter = quarter.name
        self.district = district.name
        self.district_quarters = frozenset(q.name for q in district.quarters)
        self.rooms = listing.rooms
        self.area = listing.area_m2
        self.rent = listing.rent
        self.wbs_required = bool(listing.wbs_required)
        self.step_free = bool(listing.step_free)
        self.latest_move_in = listing.available_from + MOVE_IN_WAIT
        self.table = table_on(tables, listing.available_from)
        self._limits: dict[int, RentLimit | None] = {}

    def _limit(self, persons: int) -> RentLimit | None:
        if persons not in self._limits:
            self._limits[persons] = self.table.limit_for(persons) if self.table else None
        return self._limits[persons]

    def _in_area(self, search: Search) -> bool:
        area = search.area
        if area.anywhere is not False:
            return area.anywhere is True
        if self.district not in area.districts:
            return False
        # Quarters chosen in this district narrow it; quarters of other districts do not.
        return self.quarter in area.quarters or not (area.quarters & self.district_quarters)

    def mismatch(self, search: Search) -> Mismatch | None:
        """The first rule the search fails, or None when the flat fits it."""
        if search.status is not SearchStatus.ACTIVE:
            return Mismatch.NOT_ACTIVE
        adults, children = search.adults, search.children
        if adults is None or children is None or search.max_rent is None:
            return Mismatch.INCOMPLETE
        if not self._in_area(search):
            return Mismatch.PLACE
        persons = adults + children
        if self.rooms < min_rooms(persons):
            return Mismatch.ROOMS
        if self.area < min_area(adults, children):
            return Mismatch.TOO_SMALL
        limit = self._limit(persons)
        if limit is not None and self.area > limit.area_m2:
            return Mismatch.TOO_LARGE
        if self.rent > search.max_rent:
            return Mismatch.BUDGET
        if limit is not None and self.rent > limit.rent:
            return Mismatch.RENT_LIMIT
        if self.wbs_required and search.wbs is not Wbs.HAS:
            return Mismatch.WBS
        if search.step_free and not self.step_free:
            return Mismatch.STEPS
        if search.move_in is None or search.move_in > self.latest_move_in:
            return Mismatch.MOVE_IN
        return None

    def fits(self, search: Search) -> bool:
        return self.mismatch(search) is None


def exclusions(
    listing: Listing, searches: Iterable[Search], city: City, tables: Sequence[RentLimitTable]
) -> Counter[Mismatch]:
    """Why the flat does not fit the searches it does not fit: each search counts once,
    under the first rule it fails, so staff see which detail to correct or widen."""
    matcher = Matcher(listing, city, tables)
    return Counter(m for m in map(matcher.mismatch, searches) if m is not None)


def matching_searches(
    listing: Listing, searches: Iterable[Search], city: City, tables: Sequence[RentLimitTable]
) -> list[Search]:
    matcher = Matcher(listing, city, tables)
    return [search for search in searches if matcher.mismatch(search) is None]
