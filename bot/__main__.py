"""`python -m bot`: configure logging, read settings, run with polling or a webhook."""

from __future__ import annotations

import logging
import sys

from bot.app import build_application
from bot.settings import Settings, SettingsError
from storage.db import SchemaTooNew


def main() -> int:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level="INFO")
    # httpx logs every request URL at INFO, and the URL carries the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)  # noqa: T201
        return 2
    app = build_application(settings)
    try:
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
    except SchemaTooNew as error:
        print(f"database error: {error}", file=sys.stderr)  # noqa: T201
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
