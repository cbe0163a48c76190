"""Shared set-up for the listing tests: a complete form, households with active searches."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.accounts import Account
from domain.listings import Listing, ListingStatus
from domain.outbox import Topic
from domain.places import Area
from domain.rent_limits import RentLimit, RentLimitTable
from domain.searches import Document, Search, SearchStatus, Step, Wbs
from storage import outbox, searches
from tests.conftest import Harness
from tests.staffing import CASEWORKER, make_team, register_seeker, share_with

# A flat in Deutz (district Innenstadt) for a household of three on benefits.
FORM = """Stadtteil: Deutz
Adresse: Deutz-Mülheimer Str. 12
Zimmer: 3
Wohnfläche: 75
Kaltmiete: 850
Heizkosten: 90
Kaution: 1.700
Frei ab: 1.12.2026
WBS: ja
Stufenlos: nein
Vermieter: Hausverwaltung Rhein, 0221 555123
Notiz: Balkon, 2. OG"""
CONTACT = "0221 555123"
NOW = datetime(2026, 11, 25, tzinfo=UTC)
# The FORM's flat, as read_form stores it.
FLAT = Listing(
    id=1,
    carrier_id=1,
    created_by=1,
    status=ListingStatus.DRAFT,
    created_at=NOW,
    quarter="Deutz",
    street="Deutz-Mülheimer Str.",
    house_number="12",
    rooms=Decimal(3),
    area_m2=Decimal(75),
    rent=Decimal(850),
    heating=Decimal(90),
    deposit=Decimal(1700),
    available_from=date(2026, 12, 1),
    wbs_required=True,
    step_free=False,
    landlord_contact="Hausverwaltung Rhein, 0221 555123",
    note="Balkon, 2. OG",
)
# A household of three the flat fits: what its search says.
SEARCH_ANSWERS: dict[str, Any] = {
    "adults": 2,
    "children": 1,
    "area": Area(False, frozenset({"Innenstadt"})),
    "max_rent": Decimal(900),
    "wbs": Wbs.HAS,
    "move_in": date(2026, 12, 1),
    "step_free": False,
}
# Köln's reasonable rents from 2022 (migration 003 stores the same).
KDU_2022 = RentLimitTable(
    date(2022, 1, 1),
    tuple(
        RentLimit(n, area, Decimal(rent))
        for n, area, rent in (
            (1, 50, 651),
            (2, 65, 788),
            (3, 80, 939),
            (4, 95, 1095),
            (5, 110, 1251),
        )
    ),
    15,
    Decimal(158),
)


async def household(
    harness: Harness,
    telegram_id: int,
    lang: str = "en",
    *,
    shared: bool = True,
    **changes: Any,
) -> Account:
    """A registered seeker with an active search the FORM's flat fits, unless `changes` say
    otherwise; `shared`: Caritas may see the case."""
    account = await register_seeker(harness, telegram_id, lang)
    now = harness.clock()
    async with harness.db.transaction() as db:
        search = await searches.create_search(db, account.id, now)
        search = replace(
            search,
            status=SearchStatus.ACTIVE,
            **SEARCH_ANSWERS,
            carrier="caritas",
            documents={d: d is not Document.SCHUFA for d in Document},
            step=Step.SUMMARY,
            confirmed_at=now,
        )
        await searches.save_search(db, replace(search, **changes), now)
    if shared:
        await share_with(harness, account)
    return account


async def search_of(harness: Harness, account: Account) -> Search:
    search = await searches.find_search(harness.db, account.id)
    assert search is not None
    return search


async def type_listing(harness: Harness, form: str = FORM, staff: int = CASEWORKER) -> int:
    """Staff open a draft and send the form; returns the listing's id."""
    await harness.send("/listing", user_id=staff)
    await harness.send(form, user_id=staff)
    [(listing_id,)] = await harness.rows(
        "SELECT id FROM listings WHERE status = 'draft' ORDER BY id DESC LIMIT 1"
    )
    return int(listing_id)


async def publish(harness: Harness, form: str = FORM, staff: int = CASEWORKER) -> int:
    listing_id = await type_listing(harness, form, staff)
    await harness.press(f"ld:{listing_id}:publish", user_id=staff)
    return listing_id


async def team_and_households(harness: Harness) -> tuple[Account, Account]:
    """Caritas and DRK staff; a Ukrainian and an Arabic household the flat fits."""
    await make_team(harness)
    return await household(harness, 201, "uk"), await household(harness, 202, "ar")


async def opt_out_of_listings(harness: Harness, account: Account) -> None:
    async with harness.db.transaction() as db:
        await outbox.set_topic_enabled(db, account.id, Topic.LISTINGS, False)
