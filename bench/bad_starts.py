"""`python -m bot` with bad configurations: one line on stderr, exit ≠ 0, no database changed.

Each case runs the real entry point in a fresh temporary folder. A stub Bot API on this
computer answers getMe with 401, as Telegram does for an unknown token; the unreachable
address takes the full retry time (2 s + 4 s). Run: python bench/bad_starts.py
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BOT = {"id": 123456789, "is_bot": True, "first_name": "Auszug", "username": "auszug_bot"}

Setup = Callable[[Path], dict[str, str]]


class _StubBotApi(BaseHTTPRequestHandler):
    """Refuses every token with 401, or (`accepts`) answers getMe and says yes to the rest."""

    accepts = False

    def do_POST(self) -> None:
        if not self.accepts:
            self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        elif self.path.endswith("/getMe"):
            self._answer(200, {"ok": True, "result": BOT})
        else:
            self._answer(200, {"ok": True, "result": True})

    def _answer(self, code: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


class _AcceptingBotApi(_StubBotApi):
    accepts = True


@contextmanager
def stub_bot_api(handler: type[_StubBotApi]) -> Iterator[tuple[str, int]]:
    """Its base URL and port: a webhook on the same port finds it taken."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        yield f"http://127.0.0.1:{port}/bot", port
    finally:
        server.shutdown()


def _db(folder: Path) -> Path:
    return folder / "bot.sqlite3"


def _database(folder: Path, version: int) -> None:
    """A database the bot wrote, at `version` (its own for a damaged copy, higher: newer)."""
    with closing(sqlite3.connect(_db(folder))) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 400)
        conn.commit()
        conn.execute(f"PRAGMA user_version = {version:d}")


def _truncated(folder: Path) -> dict[str, str]:
    _database(folder, 1)
    _db(folder).write_bytes(_db(folder).read_bytes()[: _db(folder).stat().st_size // 2])
    return {}


def _random(folder: Path) -> dict[str, str]:
    _db(folder).write_bytes(random.Random(14).randbytes(8192))
    return {}


def _text(folder: Path) -> dict[str, str]:
    _db(folder).write_text("this is a text file, not a database\n" * 50)
    return {}


def _newer(folder: Path) -> dict[str, str]:
    _database(folder, 999)
    return {}


def _folder(folder: Path) -> dict[str, str]:
    _db(folder).mkdir()
    return {}


def _under_a_file(folder: Path) -> dict[str, str]:
    (folder / "notes").write_text("a regular file")
    return {"DATABASE_PATH": str(folder / "notes" / "bot.sqlite3")}


def cases(refusing_url: str, accepting_url: str, taken_port: int) -> dict[str, Setup]:
    def env(**values: str) -> Setup:
        return lambda _: values

    return {
        "BOT_TOKEN=abc": env(BOT_TOKEN="abc"),
        "BOT_TOKEN=999:WRONG": env(BOT_TOKEN="999:WRONG"),
        "token refused by the Bot API (401)": env(TELEGRAM_BASE_URL=refusing_url),
        "TELEGRAM_BASE_URL nothing listens": env(TELEGRAM_BASE_URL="http://127.0.0.1:9/bot"),
        "TELEGRAM_BASE_URL=api.telegram.org": env(TELEGRAM_BASE_URL="api.telegram.org"),
        "WEBHOOK_URL=http://not-https": env(WEBHOOK_URL="http://not-https"),
        "WEBHOOK_URL=garbage": env(WEBHOOK_URL="garbage"),
        "DATABASE_PATH under a regular file": _under_a_file,
        "DATABASE_PATH in /proc": env(DATABASE_PATH="/proc/bot.sqlite3"),
        "DATABASE_PATH a folder": _folder,
        "database truncated": _truncated,
        "database random bytes": _random,
        "database a text file": _text,
        "database schema newer": _newer,
        "WEBHOOK_URL with its PORT taken": env(
            TELEGRAM_BASE_URL=accepting_url,
            WEBHOOK_URL="https://bot.example.org/hook",
            PORT=str(taken_port),
        ),
        "ADMIN_IDS=abc": env(ADMIN_IDS="abc"),
        "TZ=Mars/Olympus": env(TZ="Mars/Olympus"),
        "DEFAULT_LOCALE=xx": env(DEFAULT_LOCALE="xx"),
        "PORT=99999": env(PORT="99999"),
        "QUIET_HOURS=nights": env(QUIET_HOURS="nights"),
        "QUESTION_ALERT_HOURS=0": env(QUESTION_ALERT_HOURS="0"),
    }


def _files(folder: Path) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def run(name: str, setup: Setup) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "BOT_TOKEN": TOKEN,
            "DATABASE_PATH": str(_db(folder)),
            "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
        }
        env.update(setup(folder))
        before = _files(folder)
        result = subprocess.run(
            [sys.executable, "-m", "bot"], env=env, cwd=ROOT, capture_output=True, text=True
        )
        lines = result.stderr.splitlines()
        unchanged = _files(folder) == before
        ok = result.returncode != 0 and len(lines) == 1 and unchanged
        print(f"{'ok ' if ok else 'BAD'} exit {result.returncode}  {name}")
        print(f"      {result.stderr.strip()}")
        if not unchanged:
            print("      a file in the data folder changed")
        return ok


def main() -> None:
    with (
        stub_bot_api(_StubBotApi) as (refusing_url, _),
        stub_bot_api(_AcceptingBotApi) as (accepting_url, taken_port),
    ):
        all_cases = cases(refusing_url, accepting_url, taken_port)
        results = [run(name, setup) for name, setup in all_cases.items()]
    print(f"{sum(results)} of {len(results)}: one line, exit ≠ 0, no file changed")


if __name__ == "__main__":
    main()
