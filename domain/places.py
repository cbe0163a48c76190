"""The city's districts (Stadtbezirke) and quarters (Stadtteile), and what a seeker chose.

German names are the keys and are shown in every language: they are proper names. The list
itself is data (storage/data/quarters.csv); this module only reads text handed to it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

# What people write for the whole city, in our users' languages; compared as place_key().
CITY_NAMES = ("Köln", "Cologne", "Kölle", "Кельн", "Кёльн", "كولونيا", "کلن", "Colonia")
_UMLAUTS = (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss"), ("ae", "a"), ("oe", "o"), ("ue", "u"))
# Several names in one message: "Deutz, Kalk" or one name a line.
_SEPARATORS = re.compile(r"[,;\n]+")


@dataclass(frozen=True, slots=True)
class Quarter:
    number: int  # the city's official Stadtteil number, e.g. 105 for Deutz
    name: str
    district: str


@dataclass(frozen=True, slots=True)
class District:
    number: int
    name: str
    quarters: tuple[Quarter, ...]


@dataclass(frozen=True, slots=True)
class City:
    districts: tuple[District, ...]

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        return tuple(q for d in self.districts for q in d.quarters)

    def district(self, name: str) -> District | None:
        return next((d for d in self.districts if d.name == name), None)

    def district_by_number(self, number: int) -> District | None:
        return next((d for d in self.districts if d.number == number), None)

    def quarter_by_number(self, number: int) -> Quarter | None:
        return next((q for q in self.quarters if q.number == number), None)


def parse_city(text: str) -> City:
    """Reads the CSV `quarter_no,quarter,district_no,district`, one quarter a row."""
    rows = list(csv.DictReader(io.StringIO(text)))
    numbers: dict[str, int] = {}
    members: dict[str, list[Quarter]] = {}
    for row in rows:
        district = row["district"].strip()
        numbers[district] = int(row["district_no"])
        quarter = Quarter(int(row["quarter_no"]), row["quarter"].strip(), district)
        members.setdefault(district, []).append(quarter)
    districts = (
        District(numbers[name], name, tuple(sorted(quarters, key=lambda q: q.name)))
        for name, quarters in members.items()
    )
    return City(tuple(sorted(districts, key=lambda d: d.number)))


def place_key(text: str) -> str:
    """Compares names the way people type them: any case, with or without umlauts, no dashes."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch for ch in text if ch.isalnum())
    for umlaut, plain in _UMLAUTS:
        text = text.replace(umlaut, plain)
    return text


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """What one typed name stands for: the whole city, whole districts or some quarters."""

    anywhere: bool = False
    districts: tuple[District, ...] = ()
    quarters: tuple[Quarter, ...] = ()


@dataclass(frozen=True, slots=True)
class PlaceLookup:
    matches: tuple[PlaceMatch, ...]
    unknown: tuple[str, ...]  # the names as typed that matched nothing


def find_place(city: City, name: str) -> PlaceMatch | None:
    """One name: the city ("Koeln"), a district ("Porz"), a quarter ("Deutz") or a part of
    a quarter's name ("Altstadt" gives Altstadt-Nord and Altstadt-Süd). "Köln-Deutz" is Deutz.
    """
    key = place_key(name)
    if not key:
        return None
    city_keys = sorted({place_key(n) for n in CITY_NAMES}, key=len, reverse=True)
    if key in city_keys:
        return PlaceMatch(anywhere=True)
    for prefix in city_keys:
        if key.startswith(prefix):
            return find_place(city, key.removeprefix(prefix))
    districts = tuple(d for d in city.districts if place_key(d.name) == key)
    if districts:
        return PlaceMatch(districts=districts)
    quarters = tuple(q for q in city.quarters if place_key(q.name) == key)
    if not quarters:
        quarters = tuple(q for q in city.quarters if key in _name_parts(q.name))
    return PlaceMatch(quarters=quarters) if quarters else None


def find_places(city: City, text: str) -> PlaceLookup:
    names = [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
    found = [(name, find_place(city, name)) for name in names]
    return PlaceLookup(
        matches=tuple(match for _, match in found if match is not None),
        unknown=tuple(name for name, match in found if match is None),
    )


def _name_parts(name: str) -> set[str]:
    # "Bocklemünd/Mengenich" has two names; in "Altstadt-Nord" only "Altstadt" is a name.
    return {place_key(part.split("-")[0]) for part in name.split("/")}


@dataclass(frozen=True, slots=True)
class Area:
    """Where a household wants to live. Choosing quarters of a district narrows it."""

    anywhere: bool | None = None  # None: not answered yet
    districts: frozenset[str] = field(default_factory=frozenset)
    quarters: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_answered(self) -> bool:
        return self.anywhere is True or (self.anywhere is False and bool(self.districts))

    def covers(self, city: City, quarter: Quarter) -> bool:
        """Whether a flat in this quarter is where the household wants to live."""
        if self.anywhere is not False:
            return self.anywhere is True
        district = city.district(quarter.district)
        if district is None or district.name not in self.districts:
            return False
        return not self.chosen_quarters(district) or quarter.name in self.quarters

    def chosen_quarters(self, district: District) -> list[Quarter]:
        """The quarters that narrow this district; none means the whole district."""
        return [q for q in district.quarters if q.name in self.quarters]


def anywhere_in_city() -> Area:
    return Area(anywhere=True)


def toggle_district(area: Area, district: District) -> Area:
    """On: the whole district. Off: the district and any of its quarters."""
    if district.name in area.districts:
        names = {q.name for q in district.quarters}
        return Area(False, area.districts - {district.name}, area.quarters - names)
    return Area(False, area.districts | {district.name}, area.quarters)


def toggle_quarter(area: Area, quarter: Quarter) -> Area:
    if quarter.name in area.quarters:
        return replace(area, anywhere=False, quarters=area.quarters - {quarter.name})
    return Area(False, area.districts | {quarter.district}, area.quarters | {quarter.name})


def add_places(area: Area, matches: Iterable[PlaceMatch]) -> Area:
    for match in matches:
        if match.anywhere:
            return anywhere_in_city()
        districts = {d.name for d in match.districts} | {q.district for q in match.quarters}
        quarters = {q.name for q in match.quarters}
        area = Area(False, area.districts | districts, area.quarters | quarters)
    return area
