"""`python -m bot` without BOT_TOKEN: the real bot against the stand-in, and the chat page."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from bot.app import build_application
from bot.context import BotApp
from bot.settings import Settings, SettingsError, parse_port
from domain.pacing import QuietHours
from sandbox.bot_api import SANDBOX_TOKEN, BotApi
from sandbox.personas import ADMIN, PERSONAS
from sandbox.seed import seed
from sandbox.store import ChatStore, chats_path
from sandbox.web import make_web_app

# Its own file, so demo staff and personas never land in a real database.
SANDBOX_DATABASE = Path("data/sandbox.sqlite3")
HOST = "127.0.0.1"  # this computer only: the page has no login


@dataclass(frozen=True, slots=True)
class Sandbox:
    url: str
    api: BotApi
    app: BotApp


def sandbox_settings(env: Mapping[str, str], url: str, database_path: Path) -> Settings:
    """The operator's TZ, DEFAULT_LOCALE and QUIET_HOURS; token, endpoint, database and admin
    are ours. Quiet hours are off unless set: whoever tries the bot in the evening should see
    an offer arrive, not wait for 08:00."""
    kept = {key: env[key] for key in ("TZ", "DEFAULT_LOCALE", "QUIET_HOURS") if key in env}
    return Settings.from_env(
        {
            "QUIET_HOURS": "off",
            **kept,
            "BOT_TOKEN": SANDBOX_TOKEN,
            "TELEGRAM_BASE_URL": f"{url}/bot",
            "DATABASE_PATH": str(database_path),
            "ADMIN_IDS": str(ADMIN.user_id),
        }
    )


def quiet_hours_note(quiet: QuietHours | None) -> str:
    """One line for the console and the page: when notices wait, and how to change it."""
    if quiet is None:
        return (
            "Quiet hours are off: offers and notices arrive at any hour "
            "(set QUIET_HOURS=21:00-08:00 to try them)."
        )
    return (
        f"Quiet hours {quiet.start:%H:%M}-{quiet.end:%H:%M} (QUIET_HOURS): offers and notices "
        f"sent then arrive at {quiet.end:%H:%M}."
    )


@asynccontextmanager
async def serving(web_app: web.Application, port: int) -> AsyncIterator[str]:
    """Serves `web_app` on this computer; yields its base URL (port 0: any free port)."""
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, HOST, port).start()
        except OSError as error:
            raise SettingsError(
                f"SANDBOX_PORT {port} cannot be used ({error.strerror}): "
                "choose another port or leave SANDBOX_PORT unset for a free one"
            ) from None
        yield f"http://{HOST}:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def polling(
    app: BotApp, prepare: Callable[[BotApp], Awaitable[None]] | None = None
) -> AsyncIterator[BotApp]:
    """What run_polling does, in a running event loop; `prepare` runs after post_init."""
    assert app.post_init is not None and app.post_shutdown is not None and app.updater
    async with AsyncExitStack() as stack:
        await app.initialize()
        stack.push_async_callback(app.shutdown)
        await app.post_init(app)
        stack.push_async_callback(app.post_shutdown, app)
        if prepare is not None:
            await prepare(app)
        await app.start()
        stack.push_async_callback(app.stop)
        await app.updater.start_polling(poll_interval=0)
        stack.push_async_callback(app.updater.stop)
        yield app


def _forget_chats_without_database(database_path: Path) -> None:
    """Deleting data/sandbox.sqlite3 still starts everything afresh, the chats too."""
    if database_path.exists():
        return
    path = chats_path(database_path)
    for leftover in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)


@asynccontextmanager
async def chat_store(database_path: Path) -> AsyncIterator[ChatStore]:
    """The chats kept next to the bot's database."""
    await asyncio.to_thread(_forget_chats_without_database, database_path)
    store = await ChatStore.open(chats_path(database_path))
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def running_sandbox(
    env: Mapping[str, str], database_path: Path = SANDBOX_DATABASE, port: int = 0
) -> AsyncIterator[Sandbox]:
    # Read before serving: a bad variable stops the sandbox before anything starts.
    quiet_hours = sandbox_settings(env, f"http://{HOST}", database_path).quiet_hours
    async with chat_store(database_path) as store:
        api = BotApi((persona.telegram_user() for persona in PERSONAS), store=store)
        await api.load()
        web_app = make_web_app(api, PERSONAS, quiet_hours_note(quiet_hours))
        async with serving(web_app, port) as url:
            app = build_application(sandbox_settings(env, url, database_path))
            async with polling(app, prepare=seed):
                yield Sandbox(url, api, app)


async def _serve_until_stopped(env: Mapping[str, str], port: int) -> None:
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    async with running_sandbox(env, port=port) as sandbox:
        print(  # noqa: T201
            "No BOT_TOKEN is set, so this is the sandbox: the real bot talks to a stand-in of "
            f"Telegram on this computer.\n\n    Open {sandbox.url}/ in your browser.\n\n"
            f"{quiet_hours_note(sandbox.app.bot_data.settings.quiet_hours)}\n"
            f"Its database is {SANDBOX_DATABASE}, its chats {chats_path(SANDBOX_DATABASE)}. "
            "Stop with Ctrl+C.",
            flush=True,
        )
        await stopped.wait()


def run_sandbox(env: Mapping[str, str]) -> None:
    """Runs until Ctrl+C or SIGTERM; raises SettingsError for a bad variable."""
    port = parse_port(env.get("SANDBOX_PORT", "0"), "SANDBOX_PORT", allow_any=True)
    try:
        asyncio.run(_serve_until_stopped(env, port))
    except KeyboardInterrupt:
        print("Sandbox stopped.", file=sys.stderr)  # noqa: T201
