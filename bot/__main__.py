"""`python -m bot`: with BOT_TOKEN run the bot on Telegram, without it open the sandbox;
`python -m bot backup PATH` and `python -m bot restore BACKUP`: see bot/backup.py."""

from __future__ import annotations

import logging
import os
import sys

from bot import backup
from bot.app import build_application
from bot.settings import Settings, SettingsError, has_token
from sandbox.run import run_sandbox
from storage.db import SchemaTooNew


def run_bot(settings: Settings) -> None:
    """Long polling, or a webhook when WEBHOOK_URL is set."""
    app = build_application(settings)
    if settings.webhook_url:
        app.run_webhook(
            listen="0.0.0.0",
            port=settings.port,
            url_path=settings.webhook_url.rsplit("/", 1)[-1],
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
        )
    else:
        app.run_polling()


def main() -> int:
    if sys.argv[1:2] in (["backup"], ["restore"]):
        return backup.main(sys.argv[1:])
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level="INFO")
    # httpx logs every request URL at INFO, and the URL carries the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        if has_token(os.environ):
            run_bot(Settings.from_env())
        else:
            run_sandbox(os.environ)
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)  # noqa: T201
        return 2
    except SchemaTooNew as error:
        print(f"database error: {error}", file=sys.stderr)  # noqa: T201
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
