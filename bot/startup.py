"""Before the bot runs: the database, then Telegram; each failure is one line for the operator."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import BaseRequest, HTTPXRequest

from bot.settings import Settings
from storage.db import check_db

log = logging.getLogger(__name__)

START_TRIES = 3  # a network failure at start is tried again twice before the bot gives up
FIRST_RETRY_DELAY = 2.0  # seconds; doubled after each failed try
WEBHOOK_LISTEN = "0.0.0.0"  # all addresses: Telegram, or the HTTPS proxy, connects from outside

Sleep = Callable[[float], Awaitable[None]]


class StartFailed(RuntimeError):
    """Telegram refused the bot or could not be reached, or the port is taken: one line."""


async def check_start(
    settings: Settings,
    *,
    sleep: Sleep = asyncio.sleep,
    tries: int = START_TRIES,
    request: BaseRequest | None = None,
) -> None:
    """Fails before run_polling does, in the order an operator fixes things, writing nothing.

    The database and the webhook's port come first: their problems need no network to show.
    post_init opens the database, run_webhook the port.
    """
    await check_db(settings.database_path)
    if settings.webhook_url:
        check_port(settings.port)
    # Our own request: Bot.shutdown() skips closing it when initialize() failed.
    request = request or HTTPXRequest()
    bot = Bot(
        settings.bot_token,
        base_url=settings.telegram_base_url,
        request=request,
        get_updates_request=request,
    )
    try:
        await reach_telegram(bot, sleep=sleep, tries=tries)
    finally:
        await request.shutdown()


def check_port(port: int) -> None:
    """Binds and lets go, as the webhook's server will bind (with SO_REUSEADDR)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((WEBHOOK_LISTEN, port))
        except OSError as error:
            raise port_unusable(port, error) from None


def port_unusable(port: int, error: OSError) -> StartFailed:
    return StartFailed(f"cannot listen on PORT {port} ({error.strerror}): choose a free PORT")


async def reach_telegram(bot: Bot, *, sleep: Sleep, tries: int) -> None:
    """getMe (in bot.initialize); a network failure is tried again with a growing pause."""
    for attempt in range(1, tries + 1):
        try:
            await bot.initialize()
        except NetworkError as error:  # also TimedOut; not a refusal by Telegram
            if attempt == tries:
                url = bot.base_url.removesuffix(bot.token)
                raise telegram_failure(error, f"cannot reach {url} after {tries} tries") from None
            pause = FIRST_RETRY_DELAY * 2 ** (attempt - 1)
            log.warning(
                "Telegram cannot be reached (try %d of %d: %s); trying again in %g s",
                attempt,
                tries,
                error,
                pause,
            )
            await sleep(pause)
        except TelegramError as error:
            raise telegram_failure(error) from None
        else:
            log.info("connected to Telegram as @%s", bot.username)
            return


def telegram_failure(error: TelegramError, problem: str = "cannot reach Telegram") -> StartFailed:
    """PTB's InvalidToken message repeats the token, a secret: ours does not."""
    if isinstance(error, InvalidToken):
        return StartFailed(
            "BOT_TOKEN was refused (unknown or revoked), or TELEGRAM_BASE_URL is not a Bot API "
            "server: copy the current token from @BotFather"
        )
    if isinstance(error, NetworkError):
        return StartFailed(
            f"{problem} ({error}): check the network, a proxy or TELEGRAM_BASE_URL, then start "
            "again"
        )
    return StartFailed(
        f"starting the bot was refused ({error}): check BOT_TOKEN, TELEGRAM_BASE_URL and "
        "WEBHOOK_URL, then start again"
    )
