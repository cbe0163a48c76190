"""The stand-in's memory across restarts: chats, their messages, files, menus and the id counter.

Its own SQLite file next to the bot's database, so the bot's schema and write lock never meet
it. Telegram keeps all of this for the bot; without it a restarted sandbox shows empty chats,
refuses the file_ids the bot stored ("wrong file identifier") and hands out update_ids again that
the bot's update journal drops as repeats.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS counter (one INTEGER PRIMARY KEY CHECK (one = 1), last_id INTEGER);
CREATE TABLE IF NOT EXISTS chats (user_id INTEGER PRIMARY KEY, user TEXT, keyboard TEXT);
CREATE TABLE IF NOT EXISTS messages (
    message_id INTEGER PRIMARY KEY, user_id INTEGER, message TEXT
);
CREATE TABLE IF NOT EXISTS files (file_id TEXT PRIMARY KEY, name TEXT, mime_type TEXT, data BLOB);
CREATE TABLE IF NOT EXISTS menus (scope TEXT PRIMARY KEY, commands TEXT);
"""

CommandScope = tuple[str, int | None, str]


def chats_path(database_path: Path) -> Path:
    """data/sandbox.sqlite3 → data/sandbox-chats.sqlite3"""
    return database_path.with_name(f"{database_path.stem}-chats{database_path.suffix}")


@dataclass
class Saved:
    """Everything a previous run left, as plain JSON-like values."""

    last_id: int = 0
    chats: dict[int, tuple[dict[str, Any], dict[str, Any] | None]] = field(default_factory=dict)
    messages: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (user id, message)
    files: list[tuple[str, str, str, bytes]] = field(default_factory=list)
    menus: dict[CommandScope, list[dict[str, Any]]] = field(default_factory=dict)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


class ChatStore:
    """Each write commits at once: the sandbox has no transactions spanning several."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    @classmethod
    async def open(cls, path: Path) -> ChatStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        for pragma in ("journal_mode = WAL", "synchronous = NORMAL"):
            await conn.execute(f"PRAGMA {pragma}")
        await conn.executescript(SCHEMA)
        return cls(conn)

    async def close(self) -> None:
        await self._conn.close()

    async def load(self) -> Saved:
        saved = Saved()
        conn = self._conn
        async with conn.execute("SELECT last_id FROM counter") as cursor:
            row = await cursor.fetchone()
            saved.last_id = int(row[0]) if row else 0
        async with conn.execute("SELECT user_id, user, keyboard FROM chats") as cursor:
            async for user_id, user, keyboard in cursor:
                saved.chats[user_id] = json.loads(user), json.loads(keyboard or "null")
        sql = "SELECT user_id, message FROM messages ORDER BY message_id"
        async with conn.execute(sql) as cursor:
            saved.messages = [(user_id, json.loads(m)) async for user_id, m in cursor]
        async with conn.execute("SELECT file_id, name, mime_type, data FROM files") as cursor:
            saved.files = [tuple(row) async for row in cursor]  # type: ignore[misc]
        async with conn.execute("SELECT scope, commands FROM menus") as cursor:
            async for scope, commands in cursor:
                kind, chat_id, language = json.loads(scope)
                saved.menus[kind, chat_id, language] = json.loads(commands)
        return saved

    async def save_last_id(self, last_id: int) -> None:
        await self._conn.execute(
            "INSERT INTO counter VALUES (1, ?) "
            "ON CONFLICT (one) DO UPDATE SET last_id = max(last_id, excluded.last_id)",
            (last_id,),
        )

    async def save_chat(self, user: dict[str, Any], keyboard: dict[str, Any] | None) -> None:
        await self._conn.execute(
            "INSERT OR REPLACE INTO chats VALUES (?, ?, ?)",
            (int(user["id"]), _json(user), _json(keyboard)),
        )

    async def save_message(self, user_id: int, message_id: int, message: dict[str, Any]) -> None:
        await self._conn.execute(
            "INSERT OR REPLACE INTO messages VALUES (?, ?, ?)",
            (message_id, user_id, _json(message)),
        )

    async def delete_message(self, message_id: int) -> None:
        await self._conn.execute("DELETE FROM messages WHERE message_id = ?", (message_id,))

    async def save_file(self, file_id: str, name: str, mime_type: str, data: bytes) -> None:
        await self._conn.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (file_id, name, mime_type, data)
        )

    async def save_menu(self, scope: CommandScope, commands: list[dict[str, Any]] | None) -> None:
        key = _json(list(scope))
        if commands is None:
            await self._conn.execute("DELETE FROM menus WHERE scope = ?", (key,))
        else:
            await self._conn.execute(
                "INSERT OR REPLACE INTO menus VALUES (?, ?)", (key, _json(commands))
            )
