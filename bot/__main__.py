"""`python -m bot`: with BOT_TOKEN run the bot on Telegram, without it open the sandbox;
`python -m bot backup PATH` and `python -m bot restore BACKUP`: see bot/backup.py."""

from __future__ import annotations

import asyncio
import os
import sys
from urllib.parse import urlsplit

from telegram.error import TelegramError

from bot import backup
from bot.app import build_application
from bot.context import BotApp
from bot.health import schedule_heartbeat
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, has_token
from bot.startup import (
    WEBHOOK_LISTEN,
    StartFailed,
    check_start,
    port_unusable,
    telegram_failure,
)
from sandbox.run import run_sandbox
from storage.db import DatabaseUnusable, SchemaTooNew


def run_bot(settings: Settings) -> None:
    """Long polling, or a webhook when WEBHOOK_URL is set."""
    asyncio.run(check_start(settings))
    app = build_application(settings)
    schedule_heartbeat(app, settings.database_path)
    try:
        if settings.webhook_url:
            _run_webhook(app, settings, settings.webhook_url)
        else:
            app.run_polling()
    # Only starting raises out of run_*: once running, handlers' errors go to on_error.
    except TelegramError as error:  # e.g. setWebhook refused, or the network gone since
        raise telegram_failure(error) from None


def _run_webhook(app: BotApp, settings: Settings, url: str) -> None:
    try:
        app.run_webhook(
            listen=WEBHOOK_LISTEN,
            port=settings.port,
            url_path=urlsplit(url).path.rsplit("/", 1)[-1],  # https://host alone: "/"
            webhook_url=url,
            secret_token=settings.webhook_secret,
        )
    except OSError as error:  # taken since check_start tried it
        raise port_unusable(settings.port, error) from None


def main() -> int:
    if sys.argv[1:2] in (["backup"], ["restore"]):
        return backup.main(sys.argv[1:])
    configure_logging()
    try:
        if has_token(os.environ):
            run_bot(Settings.from_env())
        else:
            run_sandbox(os.environ)
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)  # noqa: T201
        return 2
    except (SchemaTooNew, DatabaseUnusable) as error:
        print(f"database error: {error}", file=sys.stderr)  # noqa: T201
        return 3
    except StartFailed as error:
        print(f"start-up error: {error}", file=sys.stderr)  # noqa: T201
        return 4
    except KeyboardInterrupt:  # Ctrl+C while the start-up check waits to try again
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
