"""kill -9 while users type: how many typed messages never get an answer?

    python bench/kill_while_typing.py [--users 20] [--every 0.05] [--latency 0.2] [--kill-after 5]
                                      [--root DIR]

Each of `--users` people types /start, one every `--every` seconds, to the real bot
(`python -m bot` with long polling, a child process) through the sandbox's stand-in of the Bot
API on loopback, which answers every bot request after `--latency` seconds, so that the bot has
fetched more than it has answered. When `--kill-after` people have their answer, the child gets
SIGKILL; the others keep typing. A new child then runs until everyone has an answer or a
minute has passed. It prints how many messages Telegram had handed over (their offset
confirmed) without an answer at the kill, and per person: never answered, answered twice.
`--root` runs the bot of another source tree, e.g. a `git worktree` of an older commit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.bot_api import SANDBOX_TOKEN, BotApi  # noqa: E402
from sandbox.run import serving  # noqa: E402
from sandbox.web import make_web_app  # noqa: E402

FIRST_USER = 610_000
RESTART_WITHIN = 60.0  # seconds the new process has to answer everyone


class Typing:
    """The people, the stand-in with its latency, and what Telegram confirmed."""

    def __init__(self, users: int, latency: float) -> None:
        self.users = [
            {"id": FIRST_USER + n, "is_bot": False, "first_name": "Olena", "language_code": "uk"}
            for n in range(users)
        ]
        self.api = BotApi([])
        self.latency = latency
        self.typed: dict[int, int] = {}  # user id → update_id of their message
        self.confirmed_below = 0  # the highest getUpdates offset the bot sent
        self._answer: Callable[[str, dict[str, Any]], Awaitable[Any]] = self.api.call
        self.api.call = self._slow_call  # type: ignore[method-assign]

    async def _slow_call(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            self.confirmed_below = max(self.confirmed_below, int(params.get("offset") or 0))
        else:
            await asyncio.sleep(self.latency)
        return await self._answer(method, params)

    async def type_all(self, every: float) -> None:
        for user in self.users:
            await self.api.user_sends(user, "/start")
            self.typed[int(user["id"])] = self.api.updates[-1]["update_id"]
            await asyncio.sleep(every)

    def answers(self, user: dict[str, Any]) -> int:
        chat = self.api.chats[int(user["id"])]
        return sum(message.from_bot for message in chat.messages.values())

    def answered(self) -> int:
        return sum(1 for user in self.users if user["id"] in self.api.chats and self.answers(user))

    def handed_over_unanswered(self) -> int:
        """Messages whose offset the bot confirmed to Telegram that have no answer yet."""
        return sum(
            1
            for user in self.users
            if self.typed.get(int(user["id"]), self.confirmed_below) < self.confirmed_below
            and not self.answers(user)
        )


async def start_bot(root: Path, url: str, db_path: Path, log: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "BOT_TOKEN": SANDBOX_TOKEN,
        "TELEGRAM_BASE_URL": f"{url}/bot",
        "DATABASE_PATH": str(db_path),
        "PYTHONPATH": str(root),
    }
    with log.open("a") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=root, env=env, stdout=out, stderr=out
        )


async def run(args: argparse.Namespace) -> None:
    typing = Typing(args.users, args.latency)
    with tempfile.TemporaryDirectory() as tmp:
        db_path, log = Path(tmp) / "bot.sqlite3", Path(tmp) / "bot.log"
        async with serving(make_web_app(typing.api, ()), port=0) as url:
            bot = await start_bot(args.root, url, db_path, log)
            typists = asyncio.create_task(typing.type_all(args.every))
            killed = await typing.api.wait_for(lambda: typing.answered() >= args.kill_after, 60)
            bot.send_signal(signal.SIGKILL)
            await bot.wait()
            at_kill = typing.answered(), typing.handed_over_unanswered()
            await typists

            bot = await start_bot(args.root, url, db_path, log)
            everyone = await typing.api.wait_for(
                lambda: typing.answered() == len(typing.users), RESTART_WITHIN
            )
            bot.send_signal(signal.SIGTERM)
            await bot.wait()
            await typing.api.close()
        if not killed:
            print(f"the bot answered fewer than {args.kill_after} in time; its log:")
            print(log.read_text())
    never = sum(1 for user in typing.users if not typing.answers(user))
    twice = sum(1 for user in typing.users if typing.answers(user) > 1)
    print(
        f"typed: {len(typing.users)} messages, one every {args.every * 1000:.0f} ms; "
        f"Bot API latency {args.latency * 1000:.0f} ms; bot: {args.root}\n"
        f"kill -9 after {at_kill[0]} answers; handed over by Telegram but unanswered then: "
        f"{at_kill[1]}\n"
        f"after the restart ({'everyone answered' if everyone else 'gave up after a minute'}): "
        f"never answered {never}, answered twice {twice}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--every", type=float, default=0.05)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--kill-after", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
