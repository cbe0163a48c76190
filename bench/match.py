"""How long matching one listing against 7,600 housing searches takes (target: well under
50 ms), against a baseline measured in the same run: a loop over the same searches that only
checks each one's status.

The searches are synthetic but spread like real ones: households of 1 to 8, every district
and some narrowed to quarters, budgets around the KdU limits, every WBS answer and move-in
dates over half a year. Run: python bench/match.py [searches]
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.matching import matching_searches
from domain.places import Area, City
from domain.searches import Search, SearchStatus, Wbs
from storage.places import load_city
from tests.listing_setup import FLAT, KDU_2022, NOW

ROUNDS = 20
TABLES = (KDU_2022,)
# A step-free flat in Kalk that needs no WBS: a common offer, so many searches get far.
LISTING = replace(
    FLAT,
    quarter="Kalk",
    rooms=Decimal(3),
    area_m2=Decimal(72),
    rent=Decimal(820),
    available_from=date(2027, 1, 1),
    wbs_required=False,
    step_free=True,
)


def synthetic_searches(city: City, count: int, seed: int = 7) -> list[Search]:
    rng = random.Random(seed)
    districts = list(city.districts)
    searches = []
    for n in range(count):
        chosen = rng.sample(districts, rng.randint(1, 3))
        narrowed = rng.choice(chosen).quarters if rng.random() < 0.3 else ()
        area = (
            Area(True)
            if rng.random() < 0.2
            else Area(
                False,
                frozenset(d.name for d in chosen),
                frozenset(q.name for q in narrowed[: rng.randint(1, 3)]),
            )
        )
        adults, children = rng.randint(1, 3), rng.randint(0, 5)
        searches.append(
            Search(
                id=n,
                user_id=n,
                status=rng.choices(list(SearchStatus), weights=(1, 8, 1, 1))[0],
                created_at=NOW,
                adults=adults,
                children=children,
                area=area,
                max_rent=Decimal(rng.randrange(500, 1400)),
                wbs=rng.choice(list(Wbs)),
                move_in=date(2026, 12, 1) + timedelta(days=rng.randint(0, 180)),
                step_free=rng.random() < 0.1,
            )
        )
    return searches


def best_of(run: Callable[[], int]) -> tuple[float, int]:
    times, result = [], 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(count: int) -> None:
    city = load_city()
    searches = synthetic_searches(city, count)
    base, active = best_of(lambda: sum(1 for s in searches if s.status is SearchStatus.ACTIVE))
    ours, matched = best_of(lambda: len(matching_searches(LISTING, searches, city, TABLES)))
    print(f"{count} searches, {active} active, {matched} fit the listing")
    print(f"baseline (status check only): {base * 1000:8.2f} ms")
    print(f"matching_searches:            {ours * 1000:8.2f} ms")
    print(f"ratio: {ours / base:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7600)
