"""Districts, quarters and the names people type for them: pure rules, no bot."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.places import (
    Area,
    add_places,
    find_place,
    find_places,
    place_key,
    toggle_district,
    toggle_quarter,
)
from storage.places import load_city

CITY = load_city()


def _quarter(name: str):
    return next(q for q in CITY.quarters if q.name == name)


def _names(match) -> set[str]:
    return {d.name for d in match.districts} | {q.name for q in match.quarters}


def test_the_data_file_has_9_districts_and_86_quarters():
    assert [d.name for d in CITY.districts] == [
        "Innenstadt", "Rodenkirchen", "Lindenthal", "Ehrenfeld", "Nippes", "Chorweiler",
        "Porz", "Kalk", "Mülheim",
    ]  # fmt: skip
    assert len(CITY.quarters) == 86
    assert len({q.number for q in CITY.quarters}) == 86
    assert all(q.number // 100 == CITY.district(q.district).number for q in CITY.quarters)


def test_no_two_places_look_alike_when_typed_without_umlauts():
    keys = [place_key(q.name) for q in CITY.quarters]
    assert len(set(keys)) == len(keys)
    # A district shares its key only with its own quarter of the same name (Porz, Kalk, …).
    for district in CITY.districts:
        same = [q for q in CITY.quarters if place_key(q.name) == place_key(district.name)]
        assert all(q.district == district.name for q in same)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Altstadt", {"Altstadt-Nord", "Altstadt-Süd"}),
        ("Deutz", {"Deutz"}),
        ("deutz ", {"Deutz"}),
        ("Köln-Deutz", {"Deutz"}),
        ("Koeln Kalk", {"Kalk"}),
        ("Muelheim", {"Mülheim"}),
        ("MULHEIM", {"Mülheim"}),
        ("Suelz", {"Sülz"}),
        ("Neu-Ehrenfeld", {"Neuehrenfeld"}),
        ("Gremberg", {"Humboldt/Gremberg"}),
        ("Mengenich", {"Bocklemünd/Mengenich"}),
        ("Weiss", {"Weiß"}),
        ("Porz", {"Porz"}),
    ],
)
def test_names_and_aliases_people_type(typed, expected):
    match = find_place(CITY, typed)
    assert match is not None and not match.anywhere
    assert _names(match) == expected


def test_a_name_that_is_district_and_quarter_means_the_whole_district():
    match = find_place(CITY, "Porz")
    assert match is not None
    assert [d.name for d in match.districts] == ["Porz"] and match.quarters == ()


@pytest.mark.parametrize("typed", ["Köln", "Koeln", "koln", "Cologne", "Кельн", "كولونيا"])
def test_the_city_itself_means_anywhere(typed):
    match = find_place(CITY, typed)
    assert match is not None and match.anywhere


@pytest.mark.parametrize("typed", ["Atlantis", "", "   ", "Nord", "Berlin-Mitte", "12345"])
def test_unknown_names_match_nothing(typed):
    assert find_place(CITY, typed) is None


def test_several_names_in_one_message_and_the_unknown_ones_are_named():
    lookup = find_places(CITY, "Deutz, Kalk; Atlantis\nSülz")
    assert set().union(*map(_names, lookup.matches)) == {"Deutz", "Kalk", "Sülz"}
    assert lookup.unknown == ("Atlantis",)


@given(st.text(max_size=60))
def test_lookup_never_raises(text):
    lookup = find_places(CITY, text)
    assert len(lookup.matches) + len(lookup.unknown) <= len(text)


@given(st.sampled_from(CITY.quarters), st.sampled_from(["upper", "lower", "plain"]))
def test_every_quarter_is_found_in_any_case_and_without_umlauts(quarter, spelling):
    typed = {
        "upper": quarter.name.upper(),
        "lower": quarter.name.lower(),
        "plain": quarter.name.replace("ü", "ue").replace("ö", "oe").replace("ß", "ss"),
    }[spelling]
    match = find_place(CITY, typed)
    assert match is not None
    assert quarter.name in _names(match)


def test_toggling_a_district_off_drops_its_quarters():
    innenstadt, kalk = CITY.district("Innenstadt"), CITY.district("Kalk")
    area = toggle_quarter(toggle_district(Area(), kalk), _quarter("Deutz"))
    assert area == Area(False, frozenset({"Kalk", "Innenstadt"}), frozenset({"Deutz"}))
    assert toggle_district(area, innenstadt) == Area(False, frozenset({"Kalk"}), frozenset())
    assert not toggle_district(toggle_district(Area(), kalk), kalk).is_answered


def test_quarters_narrow_their_district_only():
    area = add_places(Area(), find_places(CITY, "Deutz, Kalk").matches)
    assert area.covers(CITY, _quarter("Deutz"))
    assert not area.covers(CITY, _quarter("Altstadt-Nord"))  # Innenstadt narrowed to Deutz
    assert area.covers(CITY, _quarter("Vingst"))  # the whole of Kalk
    assert not area.covers(CITY, _quarter("Porz"))


def test_anywhere_covers_every_quarter_and_no_answer_covers_none():
    anywhere = add_places(Area(), find_places(CITY, "Kalk, Koeln").matches)
    assert anywhere.anywhere
    assert all(anywhere.covers(CITY, q) for q in CITY.quarters)
    assert not any(Area().covers(CITY, q) for q in CITY.quarters)
