"""A heartbeat file for a container's HEALTHCHECK: `python -m bot.health` (stdlib only, quick).

The running bot touches `<DATABASE_PATH>.alive` every minute while its updater runs (polling
or webhook). Healthy means: the event loop is not stuck and the bot still takes updates. It
does not prove Telegram is reachable: the updater retries a lost network by itself.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import database_path  # domain's rules only: no telegram, no database

if TYPE_CHECKING:  # the health check itself imports nothing of the bot: it runs every minute
    from bot.context import BotApp, BotContext

HEARTBEAT_EVERY = timedelta(minutes=1)
STALE_AFTER = 3 * HEARTBEAT_EVERY  # two beats missed: not a slow minute, a stuck bot


def heartbeat_file(database_path: Path) -> Path:
    """Next to the database: the one place the bot is sure to be allowed to write."""
    return database_path.with_name(database_path.name + ".alive")


def schedule_heartbeat(app: BotApp, database_path: Path) -> None:
    assert app.job_queue is not None

    async def beat(context: BotContext) -> None:
        updater = context.application.updater
        if updater is not None and updater.running:
            await asyncio.to_thread(heartbeat_file(database_path).touch)

    app.job_queue.run_repeating(
        beat,
        interval=HEARTBEAT_EVERY,
        first=0,
        name="heartbeat",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )


def check(env: Mapping[str, str], now: float) -> str | None:
    """None when healthy, else one line saying why not."""
    path = heartbeat_file(database_path(env))
    try:
        age = now - path.stat().st_mtime
    except OSError:
        return f"unhealthy: no heartbeat at {path} yet (the bot has not started taking updates)"
    if age > STALE_AFTER.total_seconds():
        return f"unhealthy: the last heartbeat at {path} is {age:.0f} s old"
    return None


def main() -> int:
    problem = check(os.environ, time.time())
    if problem is not None:
        print(problem, file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
