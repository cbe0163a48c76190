"""Reasonable rent (Kosten der Unterkunft, KdU): what the Jobcenter or Sozialamt pays.

The limits are data with a date from which they apply; staff add a new table when the city
publishes one. A household above the limit needs the rent approved before signing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.user_input import Problem, read_amount

# Any one limit above this is a typing mistake, not a rent.
MAX_LIMIT = Decimal(100_000)


@dataclass(frozen=True, slots=True)
class RentLimit:
    persons: int
    area_m2: int
    rent: Decimal  # gross cold rent (Bruttokaltmiete) per month


@dataclass(frozen=True, slots=True)
class RentLimitTable:
    valid_from: date
    limits: tuple[RentLimit, ...]  # for 1, 2, … persons, in order
    extra_area_m2: int  # for each person more than the last row
    extra_rent: Decimal

    def limit_for(self, persons: int) -> RentLimit:
        if persons < 1:
            raise ValueError("a household has at least one person")
        if persons <= len(self.limits):
            return self.limits[persons - 1]
        last, more = self.limits[-1], persons - len(self.limits)
        return RentLimit(
            persons, last.area_m2 + more * self.extra_area_m2, last.rent + more * self.extra_rent
        )


def table_on(tables: Sequence[RentLimitTable], day: date) -> RentLimitTable | None:
    """The table in force on `day`: the newest one that starts on or before it."""
    valid = [table for table in tables if table.valid_from <= day]
    return max(valid, key=lambda table: table.valid_from, default=None)


def rent_limit(tables: Sequence[RentLimitTable], persons: int, day: date) -> RentLimit | None:
    table = table_on(tables, day)
    return table.limit_for(persons) if table else None


def parse_new_table(args: Sequence[str], previous: RentLimitTable) -> RentLimitTable | Problem:
    """`2025-01-01 677 820 976 1139 1302 +163`: the date, the rent for 1, 2, … persons and,
    marked with +, the rent for each person more. The areas stay those of `previous`.
    """
    if len(args) < 3 or not args[-1].startswith("+"):
        return Problem.NOT_A_NUMBER
    try:
        valid_from = date.fromisoformat(args[0])
    except ValueError:
        return Problem.NOT_A_DATE
    amounts = [read_amount(arg, Decimal(0), MAX_LIMIT) for arg in (*args[1:-1], args[-1][1:])]
    rents = [amount for amount in amounts if isinstance(amount, Decimal)]
    problems = [amount for amount in amounts if isinstance(amount, Problem)]
    if problems:
        return problems[0]
    *per_person, extra = rents
    limits = tuple(
        RentLimit(n, previous.limit_for(n).area_m2, rent)
        for n, rent in enumerate(per_person, start=1)
    )
    return RentLimitTable(valid_from, limits, previous.extra_area_m2, extra)
