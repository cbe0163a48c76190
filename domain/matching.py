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
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple, Protocol, TypeVar

from domain.listings import Listing
from domain.places import Area, City
from domain.rent_limits import RentLimit, RentLimitTable, table_on
from domain.searches import SearchStatus, Wbs

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


class Needs(Protocol):
    """What matching reads of a search: a whole `Search`, or a `Candidate` row."""

    @property
    def status(self) -> SearchStatus: ...
    @property
    def adults(self) -> int | None: ...
    @property
    def children(self) -> int | None: ...
    @property
    def area(self) -> Area: ...
    @property
    def max_rent(self) -> Decimal | None: ...
    @property
    def wbs(self) -> Wbs | None: ...
    @property
    def move_in(self) -> date | None: ...
    @property
    def step_free(self) -> bool | None: ...


class Candidate(NamedTuple):
    """A search as matching reads it: the values of one database row, nothing more, so that
    thousands of them cost little to build (bench/publish.py)."""

    id: int
    user_id: int
    status: SearchStatus
    adults: int | None
    children: int | None
    area: Area
    max_rent: Decimal | None
    wbs: Wbs | None
    move_in: date | None
    step_free: bool | None


@dataclass(frozen=True, slots=True)
class Prefilter:
    """What a database checks before the rules run, worked out by the rules themselves.

    Never stricter than the rules: every search that fits the flat passes it. Some that pass
    still fail a rule (a district narrowed to other quarters), so the rules run on them.
    """

    district: str  # the search covers the whole city or names this district
    households: frozenset[tuple[int, int]]  # (adults, children) rooms, space and KdU allow
    rent: Decimal  # the budget is at least this
    wbs: frozenset[Wbs | None]
    step_free: frozenset[bool | None]
    latest_move_in: date


def min_rooms(persons: int) -> int:
    return -(-persons // PERSONS_PER_ROOM)


def min_area(adults: int, children: int) -> Decimal:
    return adults * MIN_M2_PER_ADULT + children * MIN_M2_PER_CHILD


class Matcher:
    """One listing against many searches: what depends only on the listing is worked out
    once, so each search costs a few comparisons (bench/match.py). Each rule is a predicate
    of its own, in the order of the module docstring."""

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

    def in_place(self, area: Area) -> bool:
        if area.anywhere is not False:
            return area.anywhere is True
        if self.district not in area.districts:
            return False
        # Quarters chosen in this district narrow it; quarters of other districts do not.
        return self.quarter in area.quarters or not (area.quarters & self.district_quarters)

    def enough_rooms(self, persons: int) -> bool:
        return self.rooms >= min_rooms(persons)

    def big_enough(self, adults: int, children: int) -> bool:
        return self.area >= min_area(adults, children)

    def not_too_large(self, persons: int) -> bool:
        limit = self._limit(persons)
        return limit is None or self.area <= limit.area_m2

    def within_budget(self, max_rent: Decimal) -> bool:
        return self.rent <= max_rent

    def within_rent_limit(self, persons: int) -> bool:
        limit = self._limit(persons)
        return limit is None or self.rent <= limit.rent

    def wbs_ok(self, wbs: Wbs | None) -> bool:
        return not self.wbs_required or wbs is Wbs.HAS

    def steps_ok(self, step_free: bool | None) -> bool:
        return not step_free or self.step_free

    def move_in_ok(self, move_in: date | None) -> bool:
        return move_in is not None and move_in <= self.latest_move_in

    def household_fits(self, adults: int, children: int) -> Mismatch | None:
        """The first of the rules on the household's size it fails (rooms, space, KdU)."""
        persons = adults + children
        if not self.enough_rooms(persons):
            return Mismatch.ROOMS
        if not self.big_enough(adults, children):
            return Mismatch.TOO_SMALL
        if not self.not_too_large(persons):
            return Mismatch.TOO_LARGE
        return None

    def mismatch(self, search: Needs) -> Mismatch | None:
        """The first rule the search fails, or None when the flat fits it."""
        if search.status is not SearchStatus.ACTIVE:
            return Mismatch.NOT_ACTIVE
        adults, children = search.adults, search.children
        if adults is None or children is None or search.max_rent is None:
            return Mismatch.INCOMPLETE
        if not self.in_place(search.area):
            return Mismatch.PLACE
        size = self.household_fits(adults, children)
        if size is not None:
            return size
        if not self.within_budget(search.max_rent):
            return Mismatch.BUDGET
        if not self.within_rent_limit(adults + children):
            return Mismatch.RENT_LIMIT
        if not self.wbs_ok(search.wbs):
            return Mismatch.WBS
        if not self.steps_ok(search.step_free):
            return Mismatch.STEPS
        if not self.move_in_ok(search.move_in):
            return Mismatch.MOVE_IN
        return None

    def fits(self, search: Needs) -> bool:
        return self.mismatch(search) is None

    def prefilter(self) -> Prefilter:
        """The coarse part of the rules as values a query can test, from the rules above."""
        # Any household larger than this fails enough_rooms, so larger ones need no asking.
        largest = PERSONS_PER_ROOM * (int(self.rooms) + 1)
        households = frozenset(
            (adults, children)
            for adults in range(largest + 1)
            for children in range(largest + 1 - adults)
            if adults + children > 0  # the rules know no household of nobody
            and self.household_fits(adults, children) is None
            and self.within_rent_limit(adults + children)
        )
        return Prefilter(
            district=self.district,
            households=households,
            rent=self.rent,
            wbs=frozenset(w for w in (*Wbs, None) if self.wbs_ok(w)),
            step_free=frozenset(s for s in (True, False, None) if self.steps_ok(s)),
            latest_move_in=self.latest_move_in,
        )


N = TypeVar("N", bound=Needs)


def exclusions(
    listing: Listing, searches: Iterable[Needs], city: City, tables: Sequence[RentLimitTable]
) -> Counter[Mismatch]:
    """Why the flat does not fit the searches it does not fit: each search counts once,
    under the first rule it fails, so staff see which detail to correct or widen."""
    matcher = Matcher(listing, city, tables)
    return Counter(m for m in map(matcher.mismatch, searches) if m is not None)


def matching_searches(
    listing: Listing, searches: Iterable[N], city: City, tables: Sequence[RentLimitTable]
) -> list[N]:
    matcher = Matcher(listing, city, tables)
    return [search for search in searches if matcher.mismatch(search) is None]
