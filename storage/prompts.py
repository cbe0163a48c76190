"""The one question per user that waits for typed text (domain/prompts.py)."""

from __future__ import annotations

from datetime import datetime

from domain.prompts import Prompt, PromptKind
from storage.db import Db, from_db, to_db


async def ask(
    db: Db, user_id: int, kind: PromptKind, target_id: int | None, now: datetime
) -> None:
    """Replaces whatever question waited before: the user answers what was asked last."""
    await db.conn.execute(
        "INSERT INTO typed_prompts (user_id, kind, target_id, asked_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind,"
        " target_id = excluded.target_id, asked_at = excluded.asked_at",
        (user_id, kind.value, target_id, to_db(now)),
    )


async def get_prompt(db: Db, user_id: int) -> Prompt | None:
    rows = await db.conn.execute_fetchall(
        "SELECT kind, target_id, asked_at FROM typed_prompts WHERE user_id = ?", (user_id,)
    )
    for kind, target_id, asked_at in rows:
        moment = from_db(asked_at)
        assert moment is not None  # NOT NULL column
        return Prompt(PromptKind(kind), target_id, moment)
    return None


async def clear_prompt(db: Db, user_id: int) -> None:
    await db.conn.execute("DELETE FROM typed_prompts WHERE user_id = ?", (user_id,))
