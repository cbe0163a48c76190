"""Users, staff membership and carriers."""

from __future__ import annotations

import secrets
import sqlite3
from datetime import datetime

import aiosqlite

from domain.accounts import Account, Carrier, Role, StaffRole
from domain.cases import CASE_NUMBER_ALPHABET, CASE_NUMBER_LENGTH
from storage.db import Db, from_db, to_db

_ACCOUNT_COLUMNS = """
    SELECT u.id, u.telegram_id, u.role, u.locale, u.consent_at, u.created_at,
           u.last_seen_at, u.blocked_at, u.case_number, s.carrier_id, s.role AS staff_role
    FROM users u LEFT JOIN staff_members s ON s.user_id = u.id
"""
# A collision among 31**6 (about 887 million) numbers is rare; a few tries make it vanish.
_CASE_NUMBER_TRIES = 8


def _account(row: aiosqlite.Row) -> Account:
    created = from_db(row["created_at"])
    last_seen = from_db(row["last_seen_at"])
    assert created is not None and last_seen is not None  # NOT NULL columns
    return Account(
        id=row["id"],
        telegram_id=row["telegram_id"],
        role=Role(row["role"]),
        locale=row["locale"],
        consent_at=from_db(row["consent_at"]),
        created_at=created,
        last_seen_at=last_seen,
        blocked_at=from_db(row["blocked_at"]),
        carrier_id=row["carrier_id"],
        staff_role=StaffRole(row["staff_role"]) if row["staff_role"] else None,
        case_number=row["case_number"],
    )


async def _first_account(db: Db, condition: str, params: tuple[object, ...]) -> Account | None:
    """`condition` is a constant of this module; values go in `params` only."""
    # execute_fetchall is one hop to aiosqlite's thread instead of three; this runs per update.
    rows = await db.conn.execute_fetchall(_ACCOUNT_COLUMNS + " WHERE " + condition, params)
    return _account(next(iter(rows))) if rows else None


async def get_account(db: Db, telegram_id: int) -> Account | None:
    return await _first_account(db, "u.telegram_id = ?", (telegram_id,))


async def get_account_by_id(db: Db, user_id: int) -> Account | None:
    return await _first_account(db, "u.id = ?", (user_id,))


async def find_case(db: Db, case_number: str) -> Account | None:
    """The seeker with this case number; staff must still check consent before showing it."""
    return await _first_account(db, "u.case_number = ? AND u.role = 'seeker'", (case_number,))


async def get_case(db: Db, user_id: int) -> Account | None:
    """The seeker with this users.id (from a button); staff must still check consent."""
    return await _first_account(db, "u.id = ? AND u.role = 'seeker'", (user_id,))


async def assign_case_number(db: Db, user_id: int) -> str:
    """Gives the seeker a case number unless they have one; returns it. Inside a transaction."""
    for _ in range(_CASE_NUMBER_TRIES):
        number = "".join(secrets.choice(CASE_NUMBER_ALPHABET) for _ in range(CASE_NUMBER_LENGTH))
        try:
            await db.conn.execute(
                "UPDATE users SET case_number = ? WHERE id = ? AND case_number IS NULL",
                (number, user_id),
            )
        except sqlite3.IntegrityError:
            continue  # taken by another seeker: draw again
        async with db.conn.execute(
            "SELECT case_number FROM users WHERE id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] is not None, "no such user"
        return str(row[0])
    raise RuntimeError("no free case number found; the alphabet is nearly exhausted")


async def create_account(
    db: Db, telegram_id: int, role: Role, locale: str, now: datetime
) -> Account:
    """Registers a seeker or volunteer who has just consented, or an admin; idempotent."""
    consent_at = None if role is Role.STAFF else to_db(now)  # staff: processed as employees
    await db.conn.execute(
        "INSERT INTO users (telegram_id, role, locale, consent_at, created_at, last_seen_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (telegram_id) DO NOTHING",
        (telegram_id, role.value, locale, consent_at, to_db(now), to_db(now)),
    )
    account = await get_account(db, telegram_id)
    assert account is not None
    if account.role is Role.SEEKER and account.case_number is None:
        await assign_case_number(db, account.id)
        account = await get_account(db, telegram_id)
        assert account is not None
    return account


async def save_locale(db: Db, telegram_id: int, locale: str) -> None:
    await db.conn.execute(
        "UPDATE users SET locale = ? WHERE telegram_id = ?", (locale, telegram_id)
    )


async def touch_account(db: Db, telegram_id: int, now: datetime) -> None:
    """The user wrote to us: they are reachable again and were seen now."""
    await db.conn.execute(
        "UPDATE users SET last_seen_at = ?, blocked_at = NULL WHERE telegram_id = ?",
        (to_db(now), telegram_id),
    )


async def make_staff(
    db: Db,
    telegram_id: int,
    carrier_id: int,
    locale: str,
    added_by: int,
    now: datetime,
    role: StaffRole = StaffRole.CASEWORKER,
) -> int | None:
    """Makes the user staff of one carrier in `role`; returns the carrier they had before.
    A household's account never becomes staff: callers refuse it first."""
    before = await get_account(db, telegram_id)
    if before is not None and before.is_household:
        raise ValueError("a seeker's or volunteer's account cannot become staff")
    await db.conn.execute(
        "INSERT INTO users (telegram_id, role, locale, created_at, last_seen_at)"
        " VALUES (?, 'staff', ?, ?, ?)"
        " ON CONFLICT (telegram_id) DO UPDATE SET role = 'staff'",
        (telegram_id, locale, to_db(now), to_db(now)),
    )
    await db.conn.execute(
        "INSERT INTO staff_members (user_id, carrier_id, role, added_by, added_at)"
        " SELECT id, ?, ?, ?, ? FROM users WHERE telegram_id = ?"
        " ON CONFLICT (user_id) DO UPDATE SET carrier_id = excluded.carrier_id,"
        " role = excluded.role, added_by = excluded.added_by, added_at = excluded.added_at",
        (carrier_id, role.value, added_by, to_db(now), telegram_id),
    )
    return before.carrier_id if before else None


async def list_staff(db: Db, carrier_id: int | None, offset: int, limit: int) -> list[Account]:
    """Staff of one carrier, or of all carriers for None; coordinators first."""
    async with db.conn.execute(
        _ACCOUNT_COLUMNS + " WHERE s.carrier_id IS NOT NULL AND (? IS NULL OR s.carrier_id = ?)"
        " ORDER BY s.carrier_id, s.role DESC, u.telegram_id LIMIT ? OFFSET ?",
        (carrier_id, carrier_id, limit, offset),
    ) as cur:
        return [_account(row) for row in await cur.fetchall()]


def _carrier(row: aiosqlite.Row) -> Carrier:
    return Carrier(row["id"], row["code"], row["name"], row["contact"])


async def list_carriers(db: Db) -> list[Carrier]:
    async with db.conn.execute("SELECT id, code, name, contact FROM carriers ORDER BY id") as cur:
        return [_carrier(row) for row in await cur.fetchall()]


async def get_carrier(db: Db, carrier_id: int) -> Carrier | None:
    async with db.conn.execute(
        "SELECT id, code, name, contact FROM carriers WHERE id = ?", (carrier_id,)
    ) as cur:
        row = await cur.fetchone()
    return _carrier(row) if row else None


async def find_carrier(db: Db, code: str) -> Carrier | None:
    async with db.conn.execute(
        "SELECT id, code, name, contact FROM carriers WHERE code = ?", (code.lower(),)
    ) as cur:
        row = await cur.fetchone()
    return _carrier(row) if row else None


async def set_carrier_contact(db: Db, carrier_id: int, contact: str) -> None:
    await db.conn.execute("UPDATE carriers SET contact = ? WHERE id = ?", (contact, carrier_id))
