"""Configuration, read once from the environment into a frozen dataclass."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.locales import SUPPORTED_LOCALES
from domain.pacing import QuietHours
from domain.retention import RETENTION_VARIABLES, Retention

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_QUIET_HOURS = QuietHours(time(21, 0), time(8, 0))
DEFAULT_QUESTION_ALERT = timedelta(hours=24)
MAX_QUESTION_ALERT_HOURS = 24 * 30
MAX_RETENTION_DAYS = 100 * 365
MIN_ERASURE_KEY_LENGTH = 32
DEFAULT_DATABASE_PATH = "data/bot.sqlite3"


class SettingsError(ValueError):
    """One line that tells the operator which variable is wrong and how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    bot_token: str
    telegram_base_url: str
    database_path: Path
    admin_ids: frozenset[int]
    tz: ZoneInfo
    default_locale: str
    webhook_url: str | None = None
    webhook_secret: str | None = None
    port: int = 8443
    quiet_hours: QuietHours | None = DEFAULT_QUIET_HOURS  # None: notices go out at any hour
    # A volunteer's question nobody has taken for this long is shown to all staff it is for.
    question_alert_after: timedelta = DEFAULT_QUESTION_ALERT
    # How long personal data is kept, rule by rule (RETAIN_*_DAYS).
    retention: Retention = field(default_factory=Retention)
    # Keys the hashes of deleted users' Telegram ids (storage/erasure.py); None: not recorded.
    erasure_key: bytes | None = None

    @property
    def telegram_file_url(self) -> str:
        """Files are served under /file/bot on Telegram and on a local Bot API server."""
        root = self.telegram_base_url.removesuffix("/bot")
        return f"{root}/file/bot"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        if not has_token(env):
            raise SettingsError("BOT_TOKEN is not set: create a bot with @BotFather and export it")
        return cls(
            bot_token=env["BOT_TOKEN"].strip(),
            telegram_base_url=_base_url(env.get("TELEGRAM_BASE_URL", TELEGRAM_BASE_URL)),
            database_path=database_path(env),
            admin_ids=_admin_ids(env.get("ADMIN_IDS", "")),
            tz=_zone(env.get("TZ", "Europe/Berlin")),
            default_locale=_locale(env.get("DEFAULT_LOCALE", "de")),
            webhook_url=env.get("WEBHOOK_URL") or None,
            webhook_secret=env.get("WEBHOOK_SECRET") or None,
            port=parse_port(env.get("PORT", "8443"), "PORT"),
            quiet_hours=_quiet_hours(env.get("QUIET_HOURS", "21:00-08:00")),
            question_alert_after=_alert_hours(env.get("QUESTION_ALERT_HOURS", "24")),
            retention=_retention(env),
            erasure_key=_erasure_key(env.get("ERASURE_KEY", "")),
        )


def database_path(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("DATABASE_PATH", DEFAULT_DATABASE_PATH))


def has_token(env: Mapping[str, str] = os.environ) -> bool:
    """Without a token `python -m bot` opens the sandbox instead of talking to Telegram."""
    return bool(env.get("BOT_TOKEN", "").strip())


def _base_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise SettingsError(
            f"TELEGRAM_BASE_URL must start with http:// or https://, got {value!r} "
            "(e.g. http://127.0.0.1:8081/bot for a local Bot API server)"
        )
    return value


def _admin_ids(value: str) -> frozenset[int]:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    bad = [part for part in parts if not part.isascii() or not part.isdigit()]
    if bad:
        raise SettingsError(
            f"ADMIN_IDS must be comma-separated numeric Telegram user ids, got {bad[0]!r}"
        )
    return frozenset(int(part) for part in parts)


def _zone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"TZ must be an IANA time zone such as Europe/Berlin, got {value!r}"
        raise SettingsError(message) from None


def _locale(value: str) -> str:
    if value not in SUPPORTED_LOCALES:
        raise SettingsError(
            f"DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}, got {value!r}"
        )
    return value


def _alert_hours(value: str) -> timedelta:
    value = value.strip()
    if (
        not value.isascii()
        or not value.isdigit()
        or not 1 <= int(value) <= MAX_QUESTION_ALERT_HOURS
    ):
        raise SettingsError(
            f"QUESTION_ALERT_HOURS must be a whole number of hours from 1 to "
            f"{MAX_QUESTION_ALERT_HOURS}, got {value!r}"
        )
    return timedelta(hours=int(value))


def _retention(env: Mapping[str, str]) -> Retention:
    """Each period from its RETAIN_*_DAYS variable; the default where it is not set."""
    default, periods = Retention(), {}
    for name, variable in RETENTION_VARIABLES.items():
        value = env.get(variable, "").strip()
        if not value:
            periods[name] = getattr(default, name)
            continue
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_RETENTION_DAYS:
            raise SettingsError(
                f"{variable} must be a whole number of days from 1 to {MAX_RETENTION_DAYS}, "
                f"got {value!r}"
            )
        periods[name] = timedelta(days=int(value))
    return Retention(**periods)


def parse_port(value: str, variable: str, *, allow_any: bool = False) -> int:
    """A TCP port; with `allow_any`, 0 asks the system for any free one."""
    lowest = 0 if allow_any else 1
    if not value.isascii() or not value.isdigit() or not lowest <= int(value) < 65536:
        raise SettingsError(f"{variable} must be a TCP port number, got {value!r}")
    return int(value)


def _erasure_key(value: str) -> bytes | None:
    value = value.strip()
    if not value:
        return None  # the bot warns at start: deletions would not survive restoring a backup
    if len(value) < MIN_ERASURE_KEY_LENGTH:
        raise SettingsError(
            f"ERASURE_KEY must be at least {MIN_ERASURE_KEY_LENGTH} characters, e.g. the output "
            "of: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    return value.encode()


def _quiet_hours(value: str) -> QuietHours | None:
    try:
        return QuietHours.parse(value)
    except ValueError:
        message = f"QUIET_HOURS must look like 21:00-08:00 (local time) or off, got {value!r}"
        raise SettingsError(message) from None
