"""Move-out cases: one a household, their status, and the history of every change."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from domain.case_status import Case, CaseStatus
from storage.db import Db, from_db, to_db

_COLUMNS = """
    SELECT k.user_id, k.carrier_id, k.status, k.resume_status, k.opened_at, k.status_since,
           u.case_number
    FROM cases k JOIN users u ON u.id = k.user_id
"""


def _case(row: aiosqlite.Row) -> Case:
    opened, since = from_db(row["opened_at"]), from_db(row["status_since"])
    assert opened is not None and since is not None  # NOT NULL columns
    resume = row["resume_status"]
    return Case(
        user_id=row["user_id"],
        carrier_id=row["carrier_id"],
        status=CaseStatus(row["status"]),
        opened_at=opened,
        status_since=since,
        resume_status=CaseStatus(resume) if resume else None,
        case_number=row["case_number"],
    )


async def get_case(db: Db, user_id: int) -> Case | None:
    rows = await db.conn.execute_fetchall(_COLUMNS + " WHERE k.user_id = ?", (user_id,))
    return _case(next(iter(rows))) if rows else None


async def open_case(db: Db, user_id: int, carrier_id: int, now: datetime) -> Case:
    """The household's case, opened for `carrier_id` if it has none, or taken over by it if
    the carrier that followed it no longer has the household's consent. Call it when the
    household consents to `carrier_id`, inside that transaction."""
    before = await get_case(db, user_id)
    await db.conn.execute(
        "INSERT INTO cases (user_id, carrier_id, status, opened_at, status_since)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET carrier_id = excluded.carrier_id"
        " WHERE cases.carrier_id != excluded.carrier_id AND NOT EXISTS ("
        "   SELECT 1 FROM carrier_consents c"
        "   WHERE c.user_id = cases.user_id AND c.carrier_id = cases.carrier_id)",
        (user_id, carrier_id, CaseStatus.SEARCHING.value, to_db(now), to_db(now)),
    )
    case = await get_case(db, user_id)
    assert case is not None
    if before is None or before.carrier_id != case.carrier_id:
        await _add_event(db, case, None, None, now)
    return case


async def save_status(
    db: Db, case: Case, before: CaseStatus, actor_telegram_id: int | None, now: datetime
) -> None:
    """Stores the case in its new status and the change in its history."""
    await db.conn.execute(
        "UPDATE cases SET status = ?, resume_status = ?, status_since = ? WHERE user_id = ?",
        (
            case.status.value,
            case.resume_status.value if case.resume_status else None,
            to_db(case.status_since),
            case.user_id,
        ),
    )
    await _add_event(db, case, before, actor_telegram_id, now)


async def _add_event(
    db: Db, case: Case, before: CaseStatus | None, actor_telegram_id: int | None, now: datetime
) -> None:
    await db.conn.execute(
        "INSERT INTO case_events (user_id, carrier_id, at, from_status, to_status,"
        " actor_telegram_id) VALUES (?, ?, ?, ?, ?, ?)",
        (
            case.user_id,
            case.carrier_id,
            to_db(now),
            before.value if before else None,
            case.status.value,
            actor_telegram_id,
        ),
    )


async def status_counts(db: Db, carrier_id: int) -> dict[CaseStatus, int]:
    """How many of the carrier's visible cases are in each status."""
    rows = await db.conn.execute_fetchall(
        "SELECT k.status, count(*) FROM cases k"
        " JOIN carrier_consents c ON c.user_id = k.user_id AND c.carrier_id = k.carrier_id"
        " WHERE k.carrier_id = ? GROUP BY k.status",
        (carrier_id,),
    )
    return {CaseStatus(row[0]): int(row[1]) for row in rows}


# users.id and the last time each of the carrier's cases reached :status by a change.
_REACHED = """
    SELECT e.user_id, max(e.at) AS at FROM case_events e
    WHERE e.carrier_id = :carrier AND e.to_status = :status AND e.from_status IS NOT NULL
    GROUP BY e.user_id
"""
_VISIBLE = """
    JOIN carrier_consents c ON c.user_id = k.user_id AND c.carrier_id = k.carrier_id
"""


async def status_reached(db: Db, carrier_id: int, status: CaseStatus) -> dict[int, datetime]:
    """users.id → the last time each of the carrier's visible cases reached `status`."""
    rows = await db.conn.execute_fetchall(
        _STATUS_REACHED, {"carrier": carrier_id, "status": status.value}
    )
    return {row[0]: datetime.fromisoformat(row[1]) for row in rows}


_STATUS_REACHED = (
    f"SELECT r.user_id, r.at FROM ({_REACHED}) r"  # noqa: S608 (constants only)
    f" JOIN cases k ON k.user_id = r.user_id AND k.carrier_id = :carrier {_VISIBLE}"
)
_EXPORT = (
    "SELECT u.case_number, k.status, k.opened_at, k.status_since, r.at"  # noqa: S608
    f" FROM cases k JOIN users u ON u.id = k.user_id {_VISIBLE}"
    f" LEFT JOIN ({_REACHED}) r ON r.user_id = k.user_id"
    " WHERE k.carrier_id = :carrier ORDER BY k.opened_at, k.user_id"
)


# (case number, status, opened_at, status_since, when it reached the status asked for or
# None), as stored: an export of thousands of cases is turned into text off the event loop.
ExportRow = tuple[str | None, str, str, str, str | None]


async def export_rows(db: Db, carrier_id: int, reached: CaseStatus) -> list[ExportRow]:
    """The cases the carrier follows and may see, oldest first, as plain rows."""
    rows = await db.conn.execute_fetchall(
        _EXPORT, {"carrier": carrier_id, "status": reached.value}
    )
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


async def carrier_staff(db: Db, carrier_id: int) -> list[int]:
    """users.id of every staff member of the carrier, to tell them about one of its cases."""
    rows = await db.conn.execute_fetchall(
        "SELECT user_id FROM staff_members WHERE carrier_id = ? ORDER BY user_id", (carrier_id,)
    )
    return [row[0] for row in rows]
