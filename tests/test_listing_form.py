"""The listing form: each line read or explained, written back readably, and what households
may see of a listing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.listings import (
    MAX_AREA_M2,
    MAX_CONTACT,
    FormProblem,
    Item,
    Listing,
    ListingStatus,
    Offer,
    form_text,
    is_complete,
    missing_items,
    offer_of,
    read_form,
)
from storage.places import load_city
from tests.listing_setup import FORM

CITY = load_city()
TODAY = date(2026, 11, 25)
EMPTY = Listing(1, 1, 1, ListingStatus.DRAFT, datetime(2026, 11, 25, tzinfo=UTC))


def read(text: str, listing: Listing = EMPTY):
    return read_form(listing, text, CITY, TODAY)


def test_the_whole_form_is_read():
    reading = read(FORM)
    assert reading.errors == ()
    listing = reading.listing
    assert (listing.quarter, listing.street, listing.house_number) == (
        "Deutz",
        "Deutz-Mülheimer Str.",
        "12",
    )
    assert (listing.rooms, listing.area_m2) == (Decimal(3), Decimal(75))
    assert (listing.rent, listing.heating, listing.deposit) == (850, 90, 1700)
    assert listing.available_from == date(2026, 12, 1)
    assert (listing.wbs_required, listing.step_free) == (True, False)
    assert listing.note == "Balkon, 2. OG" and is_complete(listing)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("Miete: warm 900", FormProblem.WARM_RENT),
        ("Kaltmiete: 900 warm", FormProblem.WARM_RENT),
        ("Miete: neunhundert", FormProblem.NOT_A_NUMBER),
        ("Miete: 0", FormProblem.TOO_SMALL),
        ("Miete: 50000", FormProblem.TOO_LARGE),
        ("Zimmer: 2,3", FormProblem.NOT_HALF_ROOMS),
        ("Zimmer: 0", FormProblem.TOO_SMALL),
        ("Wohnfläche: 4000", FormProblem.TOO_LARGE),
        ("Frei ab: gestern", FormProblem.NOT_A_DATE),
        ("Frei ab: 1.1.2020", FormProblem.IN_THE_PAST),
        ("Frei ab: 1.1.2035", FormProblem.TOO_FAR),
        ("WBS: vielleicht", FormProblem.NOT_YES_NO),
        ("Stadtteil: Atlantis", FormProblem.UNKNOWN_QUARTER),
        ("Stadtteil: Innenstadt", FormProblem.NOT_ONE_QUARTER),
        ("Adresse: Hauptstraße", FormProblem.NO_HOUSE_NUMBER),
        ("Vermieter: " + "x" * (MAX_CONTACT + 1), FormProblem.TOO_LONG),
        ("Vermieter: " + "&" * (MAX_CONTACT // 4), FormProblem.TOO_LONG),  # &amp; as sent
        ("Adresse: " + "<>" * 30 + " 1", FormProblem.TOO_LONG),
        ("Balkon: ja", FormProblem.UNKNOWN_KEY),
    ],
)
def test_a_line_that_cannot_be_read_is_explained_and_the_rest_is_kept(line, problem):
    reading = read(f"Zimmer: 2\n{line}" if not line.startswith("Zimmer") else line)
    assert [error.problem for error in reading.errors] == [problem]
    assert reading.errors[0].text == line  # quoted as typed
    if not line.startswith("Zimmer"):
        assert reading.listing.rooms == 2 and Item.ROOMS in reading.read


def test_text_that_is_no_form_at_all_says_so():
    for text in ("hello", "I have a flat for you", "   "):
        reading = read(text)
        assert [e.problem for e in reading.errors] == [FormProblem.NO_FORM]
        assert reading.listing == EMPTY


@pytest.mark.parametrize(
    ("text", "item", "value"),
    [
        ("Stadtteil: kalk", "quarter", "Kalk"),  # the quarter, not the district
        ("Quarter: Koeln-Deutz", "quarter", "Deutz"),
        ("Address: Am Hof 3-5", "house_number", "3-5"),
        ("Adresse: Kalker Hauptstraße 12a", "street", "Kalker Hauptstraße"),
        ("Rooms: 2½", "rooms", Decimal("2.5")),
        ("Fläche: 64,5 m²", "area_m2", Decimal("64.5")),
        ("Bruttokaltmiete: 1.200,50 €", "rent", Decimal("1200.50")),
        ("Miete: ٨٥٠", "rent", Decimal(850)),
        ("Kaltmiete: 780 brutto", "rent", Decimal(780)),
        ("Heizkosten: keine", "heating", Decimal(0)),
        ("Kaution: 0", "deposit", Decimal(0)),
        ("Frei ab: sofort", "available_from", TODAY),
        ("Available from: 1.3.", "available_from", date(2027, 3, 1)),
        ("Step-free: yes", "step_free", True),
        ("wbs: NEIN", "wbs_required", False),
    ],
)
def test_lines_are_read_as_staff_write_them(text, item, value):
    reading = read(text)
    assert reading.errors == ()
    assert getattr(reading.listing, item) == value


def test_a_note_may_go_on_over_several_lines():
    reading = read("Notiz: Balkon\nBesichtigung: Mo 10 Uhr\nZimmer: 2")
    assert reading.listing.note == "Balkon\nBesichtigung: Mo 10 Uhr"
    assert reading.listing.rooms == 2


def test_empty_lines_of_the_form_change_nothing():
    listing = read(FORM).listing
    assert read("Zimmer:\nNotiz:", listing).listing == listing


def test_missing_items_are_named_and_the_note_is_optional():
    assert missing_items(EMPTY) == [i for i in Item if i is not Item.NOTE]
    assert is_complete(replace(read(FORM).listing, note=""))


def test_households_never_see_the_contact_and_the_house_number_only_once_released():
    listing = read(FORM).listing
    offer = offer_of(listing, CITY, "Caritas")
    assert offer is not None and offer.house_number is None
    assert "555123" not in str(offer.to_params()) and "Rhein" not in str(offer.to_params())
    released = offer_of(replace(listing, address_released=True), CITY, "Caritas")
    assert released is not None and released.house_number == "12"
    assert offer_of(EMPTY, CITY, "Caritas") is None
    assert Offer.from_params(offer.to_params()) == offer  # the outbox keeps it exactly


quarter_names = st.sampled_from([q.name for q in CITY.quarters])
complete = st.builds(
    replace,
    st.just(EMPTY),
    quarter=quarter_names,
    street=st.sampled_from(["Deutz-Mülheimer Str.", "Am Hof", "Kalker Hauptstraße"]),
    house_number=st.sampled_from(["1", "12a", "3-5"]),
    rooms=st.sampled_from([Decimal(n) / 2 for n in range(2, 13)]).map(
        lambda r: r if r % 1 else r.to_integral_value()
    ),
    area_m2=st.decimals(10, MAX_AREA_M2, places=1).map(
        lambda a: a.normalize() if a % 1 else a.to_integral_value()
    ),
    rent=st.decimals("0.01", 9999, places=2),
    heating=st.decimals(0, 500, places=2),
    deposit=st.decimals(0, 5000, places=2),
    available_from=st.dates(TODAY, date(2028, 11, 1)),
    wbs_required=st.booleans(),
    step_free=st.booleans(),
    landlord_contact=st.text("abc ,0123456789", min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool),
    # A note is kept as lines without blank ones, which is how read_form stores it.
    note=st.lists(
        st.text("Balkon 2. OG", max_size=20).map(str.strip).filter(bool), max_size=3
    ).map("\n".join),
)


@settings(max_examples=200)
@given(complete)
def test_the_form_written_back_reads_to_the_same_listing(listing):
    reading = read(form_text(listing))
    assert reading.errors == ()
    assert reading.listing == listing


@given(st.text(max_size=300))
def test_reading_never_raises_and_every_message_gets_an_answer(text):
    reading = read(text)
    assert reading.errors or reading.read  # something saved, or something explained
    assert (reading.listing == EMPTY) == (not reading.read)
