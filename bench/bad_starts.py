"""`python -m bot` with bad configurations: one line on stderr, exit ≠ 0, no database changed.

Each case runs the real entry point in a fresh temporary folder. A stub Bot API on this
computer answers getMe with 401, as Telegram does for an unknown token; the unreachable
address takes the full retry time (2 s + 4 s). Run: python bench/bad_starts.py
"""

from __future__ import annotations

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

Setup = Callable[[Path], dict[str, str]]


class _Refuses(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = b'{"ok":false,"error_code":401,"description":"Unauthorized"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def refusing_bot_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refuses)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
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


def cases(refusing_url: str) -> dict[str, Setup]:
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
    with refusing_bot_api() as refusing_url:
        results = [run(name, setup) for name, setup in cases(refusing_url).items()]
    print(f"{sum(results)} of {len(results)}: one line, exit ≠ 0, no file changed")


if __name__ == "__main__":
    main()
