"""The dated tables of reasonable rents (KdU); staff add new ones."""

from __future__ import annotations

from datetime import date

from domain.rent_limits import RentLimit, RentLimitTable
from storage.db import Db
from storage.searches import from_cents, to_cents


async def list_rent_limit_tables(db: Db) -> list[RentLimitTable]:
    async with db.conn.execute(
        "SELECT valid_from, persons, area_m2, rent_cents FROM rent_limits"
        " ORDER BY valid_from, persons"
    ) as cur:
        rows = await cur.fetchall()
    limits: dict[str, list[RentLimit]] = {}
    for valid_from, persons, area, cents in rows:
        limits.setdefault(valid_from, []).append(RentLimit(persons, area, from_cents(cents)))
    async with db.conn.execute(
        "SELECT valid_from, extra_area_m2, extra_rent_cents FROM rent_limit_tables"
        " ORDER BY valid_from"
    ) as cur:
        tables = await cur.fetchall()
    return [
        RentLimitTable(date.fromisoformat(day), tuple(limits[day]), area, from_cents(cents))
        for day, area, cents in tables
        if limits.get(day)
    ]


async def save_rent_limit_table(db: Db, table: RentLimitTable) -> None:
    """Adds the table, or replaces the one with the same date: saving twice changes nothing."""
    day = table.valid_from.isoformat()
    await db.conn.execute("DELETE FROM rent_limit_tables WHERE valid_from = ?", (day,))
    await db.conn.execute(
        "INSERT INTO rent_limit_tables (valid_from, extra_area_m2, extra_rent_cents)"
        " VALUES (?, ?, ?)",
        (day, table.extra_area_m2, to_cents(table.extra_rent)),
    )
    await db.conn.executemany(
        "INSERT INTO rent_limits (valid_from, persons, area_m2, rent_cents) VALUES (?, ?, ?, ?)",
        [(day, limit.persons, limit.area_m2, to_cents(limit.rent)) for limit in table.limits],
    )
