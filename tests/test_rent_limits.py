"""Reasonable-rent limits (KdU): the dated tables, their lookup and the staff command."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.rent_limits import RentLimit, RentLimitTable, parse_new_table, rent_limit, table_on
from domain.user_input import Problem
from storage.rent_limits import list_rent_limit_tables, save_rent_limit_table
from tests.conftest import ADMIN_ID, Harness, euro

ROWS_2022 = ((1, 50, 651), (2, 65, 788), (3, 80, 939), (4, 95, 1095), (5, 110, 1251))
KDU_2022 = RentLimitTable(
    date(2022, 1, 1),
    tuple(RentLimit(n, area, Decimal(rent)) for n, area, rent in ROWS_2022),
    extra_area_m2=15,
    extra_rent=Decimal(158),
)
NEWER = parse_new_table(["2025-01-01", "677", "820", "976", "1.139", "1302", "+163"], KDU_2022)


@pytest.mark.parametrize(
    ("persons", "area", "rent"),
    [(1, 50, 651), (3, 80, 939), (5, 110, 1251), (6, 125, 1409), (8, 155, 1725)],
)
def test_limit_by_household_size_with_more_persons_added(persons, area, rent):
    assert KDU_2022.limit_for(persons) == RentLimit(persons, area, Decimal(rent))


def test_the_table_in_force_is_the_newest_that_has_started():
    assert isinstance(NEWER, RentLimitTable)
    tables = [NEWER, KDU_2022]
    assert table_on(tables, date(2021, 12, 31)) is None
    assert table_on(tables, date(2024, 12, 31)) == KDU_2022
    assert table_on(tables, date(2025, 1, 1)) == NEWER
    assert rent_limit(tables, 4, date(2030, 1, 1)) == RentLimit(4, 95, Decimal(1139))
    assert rent_limit(tables, 6, date(2030, 1, 1)) == RentLimit(6, 125, Decimal(1465))


@given(st.integers(min_value=1, max_value=40))
def test_a_larger_household_never_gets_a_lower_limit(persons):
    smaller, larger = KDU_2022.limit_for(persons), KDU_2022.limit_for(persons + 1)
    assert larger.rent > smaller.rent and larger.area_m2 > smaller.area_m2


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["2025-01-01", "677", "820"], Problem.NOT_A_NUMBER),  # no "+" for more persons
        (["2025-13-01", "677", "+163"], Problem.NOT_A_DATE),
        (["2025-01-01", "abc", "+163"], Problem.NOT_A_NUMBER),
        (["2025-01-01", "-5", "+163"], Problem.TOO_SMALL),
        ([], Problem.NOT_A_NUMBER),
    ],
)
def test_a_new_table_that_cannot_be_read_says_why(args, problem):
    assert parse_new_table(args, KDU_2022) is problem


async def test_the_2022_table_is_seeded_and_saving_twice_keeps_one(harness: Harness):
    assert await list_rent_limit_tables(harness.db) == [KDU_2022]
    assert isinstance(NEWER, RentLimitTable)
    for _ in range(2):
        async with harness.db.transaction() as db:
            await save_rent_limit_table(db, NEWER)
    assert await list_rent_limit_tables(harness.db) == [KDU_2022, NEWER]


async def test_staff_add_a_table_by_command_and_it_is_audited(harness: Harness):
    await harness.send("/start", user_id=ADMIN_ID, lang="en")
    await harness.send("/rentlimits", user_id=ADMIN_ID)
    shown = harness.rec.last().text
    assert (
        f"3 persons: 80 m², {euro(939)}" in shown
        and f"Each person more: +15 m², +{euro(158)}" in shown
    )
    for _ in range(2):
        await harness.send("/rentlimits 2025-01-01 677 820 976 1139 1302 +163", user_id=ADMIN_ID)
    assert "Saved" in harness.rec.last().text
    assert await harness.rows("SELECT valid_from FROM rent_limit_tables") == [
        ("2022-01-01",),
        ("2025-01-01",),
    ]
    assert await harness.rows("SELECT rent_cents FROM rent_limits WHERE persons = 4") == [
        (109500,),
        (113900,),
    ]
    assert (
        await harness.rows("SELECT action, detail FROM audit_log")
        == [("rentlimits.set", "valid_from=2025-01-01")] * 2
    )


async def test_unreadable_command_explains_and_changes_nothing(harness: Harness):
    await harness.send("/start", user_id=ADMIN_ID, lang="en")
    await harness.send("/rentlimits 01.01.2025 677 +163", user_id=ADMIN_ID)
    assert "2025-01-01" in harness.rec.last().text
    assert await harness.rows("SELECT count(*) FROM rent_limit_tables") == [(1,)]


async def test_seekers_may_not_change_rent_limits(harness: Harness):
    await harness.send("/start")
    await harness.press("cs:yes:seeker:en")
    await harness.send("/rentlimits 2025-01-01 1 +1")
    assert "only for staff" in harness.rec.last().text
    assert await harness.rows("SELECT count(*) FROM rent_limit_tables") == [(1,)]


def test_limits_apply_from_their_first_day():
    tables = [KDU_2022]
    start = KDU_2022.valid_from
    assert rent_limit(tables, 1, start - timedelta(days=1)) is None
    assert rent_limit(tables, 1, start) == KDU_2022.limits[0]
