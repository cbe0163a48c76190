"""The update journal: Telegram's updates from their arrival until they were handled."""

from __future__ import annotations

from datetime import datetime

from storage.db import Db, to_db


async def record(db: Db, update_id: int, body: str) -> bool:
    """Keeps a new update; False if this update_id is known already (Telegram sent it again)."""
    cur = await db.conn.execute(
        "INSERT OR IGNORE INTO update_journal (update_id, body) VALUES (?, ?)", (update_id, body)
    )
    return cur.rowcount == 1


async def mark_handled(db: Db, update_id: int, now: datetime, forget_before: datetime) -> None:
    """Drops the update's content, keeps its id for recognising a repeat; purges old ids."""
    await db.conn.execute(
        "UPDATE update_journal SET body = NULL, handled_at = ? WHERE update_id = ?",
        (to_db(now), update_id),
    )
    await db.conn.execute(
        "DELETE FROM update_journal WHERE handled_at < ?", (to_db(forget_before),)
    )


async def unhandled(db: Db) -> list[tuple[int, str]]:
    """(update_id, body) of the updates a crash left unhandled, oldest first."""
    async with db.conn.execute(
        "SELECT update_id, body FROM update_journal WHERE handled_at IS NULL ORDER BY update_id"
    ) as cur:
        return [(row["update_id"], row["body"]) for row in await cur.fetchall()]
