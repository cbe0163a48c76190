"""A flat a landlord offers through a carrier, and what households may see of it.

Staff type a listing as a compact form, one `Key: value` line per item (German keys, as in
landlords' ads; English keys work too), and may send only the lines they change. `read_form`
applies every line it can read and explains each one it cannot; `form_text` writes a listing
back in the same syntax, so staff can copy, correct and send it again.

Households never see the landlord's contact, and see the street without the house number
until staff release the address: `offer_of` is the one place that decides what they see.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from domain.advice import measured_length
from domain.places import City, find_place, place_key
from domain.searches import MAX_RENT
from domain.user_input import Problem, ascii_digits, parse_number, read_amount, read_date

MAX_ROOMS = Decimal(12)
MAX_AREA_M2 = Decimal(400)
MAX_DEPOSIT = Decimal(20_000)
MAX_AVAILABLE_DAYS = 2 * 365  # how far ahead a flat may become free
MAX_STREET = 100  # characters of street and house number together
MAX_CONTACT = 200
MAX_NOTE = 800  # the note appears in the offer and in the form; both must fit one message


class ListingStatus(StrEnum):
    DRAFT = "draft"  # being typed by one staff member; nobody else sees it
    PUBLISHED = "published"  # sent to matching households, open for interest
    LET = "let"  # the landlord chose a tenant
    WITHDRAWN = "withdrawn"  # no longer offered

    @property
    def is_closed(self) -> bool:
        return self in (ListingStatus.LET, ListingStatus.WITHDRAWN)


class Item(StrEnum):
    """The lines of the form, in the order staff see them."""

    QUARTER = "quarter"
    ADDRESS = "address"
    ROOMS = "rooms"
    AREA = "area"
    RENT = "rent"
    HEATING = "heating"
    DEPOSIT = "deposit"
    AVAILABLE = "available"
    WBS = "wbs"
    STEP_FREE = "stepfree"
    CONTACT = "contact"
    NOTE = "note"


# The keys staff may write for each item; the first one is shown in the form.
FORM_KEYS: Mapping[Item, tuple[str, ...]] = MappingProxyType(
    {
        Item.QUARTER: ("Stadtteil", "Quarter", "Veedel"),
        Item.ADDRESS: ("Adresse", "Address", "Straße", "Street"),
        Item.ROOMS: ("Zimmer", "Rooms"),
        Item.AREA: ("Wohnfläche", "Fläche", "Area", "Living space", "m²", "qm"),
        Item.RENT: ("Bruttokaltmiete", "Kaltmiete", "Miete", "Rent", "Gross cold rent"),
        Item.HEATING: ("Heizkosten", "Heizung", "Heating"),
        Item.DEPOSIT: ("Kaution", "Deposit"),
        Item.AVAILABLE: ("Frei ab", "Bezugsfrei ab", "Available from", "Available"),
        Item.WBS: ("WBS",),
        Item.STEP_FREE: ("Stufenlos", "Barrierefrei", "Step-free", "Without steps"),
        Item.CONTACT: ("Vermieter", "Kontakt", "Landlord", "Contact"),
        Item.NOTE: ("Notiz", "Hinweis", "Note"),
    }
)
OPTIONAL_ITEMS = frozenset({Item.NOTE})
_KEY_ITEMS = {place_key(key): item for item, keys in FORM_KEYS.items() for key in keys}
_YES = frozenset({"ja", "j", "yes", "y", "x"})
_NO = frozenset({"nein", "n", "no", "-"})
_NOW = frozenset({"sofort", "absofort", "now", "immediately", "asap"})
_NONE = frozenset({"keine", "kein", "none", "nothing"})
# Words around a rent that change nothing: "kalt 780", "780 brutto", "780 € / Monat".
_RENT_WORDS = re.compile(r"\b(?:brutto|kalt|bruttokalt|monatlich|monat|month|pm)\b|/")
_AREA_UNITS = re.compile(r"m²|m2|qm|sqm")
# "Deutz-Mülheimer Str. 12", "Kalker Hauptstraße 12a", "Am Hof 3-5", "Weg 2 / 4"
_ADDRESS = re.compile(r"(.*?[^\s,])[\s,]+([0-9]+\s?[a-zA-Z]?(?:\s?[-/]\s?[0-9]+\s?[a-zA-Z]?)?)")
HALF = Decimal("0.5")


@dataclass(frozen=True, slots=True)
class Listing:
    id: int
    carrier_id: int
    created_by: int | None  # users.id of the staff member who typed it
    status: ListingStatus
    created_at: datetime
    quarter: str | None = None  # German name, a key of domain.places
    street: str | None = None
    house_number: str | None = None
    address_released: bool = False
    rooms: Decimal | None = None  # half rooms (Halbzimmer) count as 0.5
    area_m2: Decimal | None = None
    rent: Decimal | None = None  # gross cold rent (Bruttokaltmiete) per month
    heating: Decimal | None = None  # heating costs per month
    deposit: Decimal | None = None  # Kaution
    available_from: date | None = None
    wbs_required: bool | None = None
    step_free: bool | None = None
    landlord_contact: str | None = None  # never shown to households
    note: str = ""  # the landlord's or staff's words, in German
    photos: tuple[str, ...] = field(default=(), hash=False)  # Telegram file_ids, nothing else
    asking_since: datetime | None = None  # the draft waits for typed lines since
    published_at: datetime | None = None
    closed_at: datetime | None = None


def _filled(listing: Listing, item: Item) -> bool:
    values = {
        Item.QUARTER: listing.quarter,
        Item.ADDRESS: listing.street,
        Item.ROOMS: listing.rooms,
        Item.AREA: listing.area_m2,
        Item.RENT: listing.rent,
        Item.HEATING: listing.heating,
        Item.DEPOSIT: listing.deposit,
        Item.AVAILABLE: listing.available_from,
        Item.WBS: listing.wbs_required,
        Item.STEP_FREE: listing.step_free,
        Item.CONTACT: listing.landlord_contact,
        Item.NOTE: listing.note or None,
    }
    return values[item] is not None


def missing_items(listing: Listing) -> list[Item]:
    return [i for i in Item if i not in OPTIONAL_ITEMS and not _filled(listing, i)]


def is_complete(listing: Listing) -> bool:
    return not missing_items(listing)


# Reading the form ---------------------------------------------------------------------------


class FormProblem(StrEnum):
    # The same codes as domain.user_input.Problem, so its answers carry over.
    NOT_A_NUMBER = Problem.NOT_A_NUMBER.value
    TOO_SMALL = Problem.TOO_SMALL.value
    TOO_LARGE = Problem.TOO_LARGE.value
    NOT_A_DATE = Problem.NOT_A_DATE.value
    IN_THE_PAST = Problem.IN_THE_PAST.value
    TOO_FAR = Problem.TOO_FAR.value
    # The form's own.
    NO_FORM = "no_form"  # not a single "Key: value" line
    UNKNOWN_KEY = "unknown_key"
    WARM_RENT = "warm_rent"  # "warm 900": heating included, but we need the cold rent
    NOT_HALF_ROOMS = "not_half_rooms"
    NOT_YES_NO = "not_yes_no"
    UNKNOWN_QUARTER = "unknown_quarter"
    NOT_ONE_QUARTER = "not_one_quarter"  # a district or several quarters
    NO_HOUSE_NUMBER = "no_house_number"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class FormError:
    item: Item | None  # None: the key itself was not understood
    text: str  # the line as typed, to quote it back
    problem: FormProblem


@dataclass(frozen=True, slots=True)
class FormReading:
    listing: Listing  # with every line that could be read applied
    errors: tuple[FormError, ...]
    read: frozenset[Item]  # the items set by this message


def read_form(listing: Listing, text: str, city: City, today: date) -> FormReading:
    """Applies each `Key: value` line to the listing. Lines after `Notiz:` that start with no
    known key continue the note, so a note may span several lines."""
    values: dict[Item, str] = {}
    lines: dict[Item, str] = {}  # as typed, to quote back with a problem
    errors: list[FormError] = []
    current: Item | None = None
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        key, colon, value = line.partition(":")
        item = _KEY_ITEMS.get(place_key(key)) if colon else None
        if item is None and current is Item.NOTE:
            values[Item.NOTE] = (values[Item.NOTE] + "\n" + line).strip()
        elif item is None:
            errors.append(FormError(None, line, FormProblem.UNKNOWN_KEY))
        else:
            values[item], lines[item] = value.strip(), line
        current = item if item is not None else current
    # An empty line of the form ("Zimmer:") says nothing: the blank form can be sent back.
    values = {item: value for item, value in values.items() if value}
    if not values and all(e.problem is FormProblem.UNKNOWN_KEY for e in errors):
        return FormReading(listing, (FormError(None, text, FormProblem.NO_FORM),), frozenset())
    changes: dict[str, Any] = {}
    for item, value in values.items():
        result = _read_value(item, value, city, today)
        if isinstance(result, FormProblem):
            errors.append(FormError(item, lines[item], result))
        else:
            changes.update(result)
    read = frozenset(i for i in values if not any(e.item is i for e in errors))
    return FormReading(replace(listing, **changes), tuple(errors), read)


def _read_value(item: Item, value: str, city: City, today: date) -> dict[str, Any] | FormProblem:
    match item:
        case Item.QUARTER:
            return _read_quarter(value, city)
        case Item.ADDRESS:
            return _read_address(value)
        case Item.ROOMS:
            return _read_rooms(value)
        case Item.AREA:
            return _read_area(value)
        case Item.RENT:
            return _read_rent(value)
        case Item.HEATING:
            return _money(_amount_or_zero(value, MAX_RENT), "heating")
        case Item.DEPOSIT:
            return _money(_amount_or_zero(value, MAX_DEPOSIT), "deposit")
        case Item.AVAILABLE:
            return _read_available(value, today)
        case Item.WBS:
            return _yes_no(value, "wbs_required")
        case Item.STEP_FREE:
            return _yes_no(value, "step_free")
        case Item.CONTACT:
            return _text(value, MAX_CONTACT, "landlord_contact")
        case Item.NOTE:
            return _text(value, MAX_NOTE, "note")


def _read_quarter(value: str, city: City) -> dict[str, Any] | FormProblem:
    # Kalk and Porz are districts and quarters: a listing means the quarter.
    same_name = [q for q in city.quarters if place_key(q.name) == place_key(value)]
    if len(same_name) == 1:
        return {"quarter": same_name[0].name}
    found = find_place(city, value)
    if found is None:
        return FormProblem.UNKNOWN_QUARTER
    if len(found.quarters) != 1:
        return FormProblem.NOT_ONE_QUARTER
    return {"quarter": found.quarters[0].name}


def _read_address(value: str) -> dict[str, Any] | FormProblem:
    value = " ".join(value.split())
    if measured_length(value) > MAX_STREET:
        return FormProblem.TOO_LONG
    match = _ADDRESS.fullmatch(value)
    if match is None:
        return FormProblem.NO_HOUSE_NUMBER
    return {"street": match[1], "house_number": match[2]}


def _read_rooms(value: str) -> dict[str, Any] | FormProblem:
    # "2½" is written in ads as often as "2,5".
    rooms = parse_number(value.replace("½", ",5").replace(" ,5", ",5"))
    if rooms is None:
        return FormProblem.NOT_A_NUMBER
    if rooms < 1:
        return FormProblem.TOO_SMALL
    if rooms > MAX_ROOMS:
        return FormProblem.TOO_LARGE
    if rooms % HALF:
        return FormProblem.NOT_HALF_ROOMS
    return {"rooms": _plain(rooms)}


def _read_area(value: str) -> dict[str, Any] | FormProblem:
    area = parse_number(_AREA_UNITS.sub("", ascii_digits(value).casefold()))
    if area is None or area != area.quantize(Decimal("0.1")):
        return FormProblem.NOT_A_NUMBER
    if area < 10:
        return FormProblem.TOO_SMALL
    if area > MAX_AREA_M2:
        return FormProblem.TOO_LARGE
    return {"area_m2": _plain(area)}


def _plain(value: Decimal) -> Decimal:
    """2.50 → 2.5 and 75.0 → 75, so the same number always reads and compares the same."""
    return value.normalize() if value % 1 else value.to_integral_value()


def _read_rent(value: str) -> dict[str, Any] | FormProblem:
    lowered = ascii_digits(value).casefold()
    if "warm" in lowered:
        return FormProblem.WARM_RENT
    return _money(read_amount(_RENT_WORDS.sub(" ", lowered), Decimal(0), MAX_RENT), "rent")


def _amount_or_zero(value: str, high: Decimal) -> Decimal | Problem:
    """An amount that may be nothing ("0", "keine"): heating paid directly, no deposit."""
    if place_key(value) in _NONE or parse_number(value) == 0:
        return Decimal(0)
    return read_amount(value, Decimal(0), high)


def _money(amount: Decimal | Problem, name: str) -> dict[str, Any] | FormProblem:
    if isinstance(amount, Problem):
        return FormProblem(amount.value)
    return {name: amount}


def _read_available(value: str, today: date) -> dict[str, Any] | FormProblem:
    if place_key(value) in _NOW:
        return {"available_from": today}
    day = read_date(value, today, today + timedelta(days=MAX_AVAILABLE_DAYS))
    if isinstance(day, Problem):
        return FormProblem(day.value)
    return {"available_from": day}


def _yes_no(value: str, name: str) -> dict[str, Any] | FormProblem:
    word = place_key(value) or value.strip()
    if word in _YES:
        return {name: True}
    if word in _NO:
        return {name: False}
    return FormProblem.NOT_YES_NO


def _text(value: str, limit: int, name: str) -> dict[str, Any] | FormProblem:
    # Measured as sent: each & < > takes more room in the offer.
    return FormProblem.TOO_LONG if measured_length(value) > limit else {name: value}


# Writing the form ---------------------------------------------------------------------------


def _german_number(value: Decimal) -> str:
    """The form is German: a decimal comma, no thousands separator (re-read unambiguously)."""
    return format(value, "f").replace(".", ",")


def _form_value(listing: Listing, item: Item) -> str:
    if not _filled(listing, item):
        return ""
    yes_no = {True: "ja", False: "nein"}
    match item:
        case Item.QUARTER:
            return str(listing.quarter)
        case Item.ADDRESS:
            return f"{listing.street} {listing.house_number}"
        case Item.ROOMS | Item.AREA | Item.RENT | Item.HEATING | Item.DEPOSIT:
            amount = {
                Item.ROOMS: listing.rooms,
                Item.AREA: listing.area_m2,
                Item.RENT: listing.rent,
                Item.HEATING: listing.heating,
                Item.DEPOSIT: listing.deposit,
            }[item]
            assert amount is not None
            return _german_number(amount)
        case Item.AVAILABLE:
            day = listing.available_from
            assert day is not None
            return f"{day.day}.{day.month}.{day.year}"
        case Item.WBS:
            return yes_no[bool(listing.wbs_required)]
        case Item.STEP_FREE:
            return yes_no[bool(listing.step_free)]
        case Item.CONTACT:
            return str(listing.landlord_contact)
        case Item.NOTE:
            return listing.note


def form_text(listing: Listing, items: list[Item] | None = None) -> str:
    """The listing in the form's own syntax (empty values for what is missing); read_form
    reads it back to the same values."""
    chosen = list(Item) if items is None else items
    return "\n".join(f"{FORM_KEYS[i][0]}: {_form_value(listing, i)}".rstrip() for i in chosen)


# What households see ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offer:
    """A complete listing as households may see it, as plain JSON-able values: it travels in
    outbox params and is rendered in each recipient's language when sent."""

    listing_id: int
    carrier: str  # the carrier's name: it offers the flat
    quarter: str
    district: str
    street: str
    house_number: str | None  # None until staff release the address
    rooms: Decimal
    area_m2: Decimal
    rent: Decimal
    heating: Decimal
    deposit: Decimal
    available_from: date
    wbs_required: bool
    step_free: bool
    note: str
    photos: int

    def to_params(self) -> dict[str, Any]:
        return {
            "listing": self.listing_id,
            "carrier": self.carrier,
            "quarter": self.quarter,
            "district": self.district,
            "street": self.street,
            "house_number": self.house_number,
            "rooms": str(self.rooms),
            "area_m2": str(self.area_m2),
            "rent": str(self.rent),
            "heating": str(self.heating),
            "deposit": str(self.deposit),
            "available_from": self.available_from.isoformat(),
            "wbs_required": self.wbs_required,
            "step_free": self.step_free,
            "note": self.note,
            "photos": self.photos,
        }

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Offer:
        return cls(
            listing_id=int(params["listing"]),
            carrier=str(params["carrier"]),
            quarter=str(params["quarter"]),
            district=str(params["district"]),
            street=str(params["street"]),
            house_number=params["house_number"],
            rooms=Decimal(params["rooms"]),
            area_m2=Decimal(params["area_m2"]),
            rent=Decimal(params["rent"]),
            heating=Decimal(params["heating"]),
            deposit=Decimal(params["deposit"]),
            available_from=date.fromisoformat(params["available_from"]),
            wbs_required=bool(params["wbs_required"]),
            step_free=bool(params["step_free"]),
            note=str(params["note"]),
            photos=int(params["photos"]),
        )


def viewing_address(listing: Listing) -> str:
    """Where a viewing of the flat takes place: the full address, house number included,
    released to households or not, since an invited household must find the door."""
    return f"{listing.street} {listing.house_number}, {listing.quarter}"


def offer_of(listing: Listing, city: City, carrier: str) -> Offer | None:
    """What households see of a listing; None while it is incomplete."""
    if not is_complete(listing):
        return None
    quarter = next((q for q in city.quarters if q.name == listing.quarter), None)
    assert quarter is not None, "listings are stored with a quarter of the city"
    assert listing.rooms is not None and listing.area_m2 is not None
    assert listing.rent is not None and listing.heating is not None
    assert listing.deposit is not None and listing.available_from is not None
    return Offer(
        listing_id=listing.id,
        carrier=carrier,
        quarter=quarter.name,
        district=quarter.district,
        street=str(listing.street),
        house_number=listing.house_number if listing.address_released else None,
        rooms=listing.rooms,
        area_m2=listing.area_m2,
        rent=listing.rent,
        heating=listing.heating,
        deposit=listing.deposit,
        available_from=listing.available_from,
        wbs_required=bool(listing.wbs_required),
        step_free=bool(listing.step_free),
        note=listing.note,
        photos=len(listing.photos),
    )


# Households' answers ------------------------------------------------------------------------


class Answer(StrEnum):
    INTERESTED = "interested"
    DECLINED = "declined"  # "Not for me"


@dataclass(frozen=True, slots=True)
class Recipient:
    """A household a listing was sent to, and what it answered."""

    listing_id: int
    user_id: int
    answer: Answer | None
    answered_at: datetime | None
    proposed_at: datetime | None  # staff proposed the household to the landlord
    case_number: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerCounts:
    sent_to: int  # households the listing was sent to
    interested: int
    shared: int  # of the interested, those whose case the carrier may see (the shortlist)
    proposed: int  # of the interested, proposed to the landlord
