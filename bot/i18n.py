"""Catalogs and the per-recipient translator: whole sentences first, then Babel formatting."""

from __future__ import annotations

import gettext
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_interval,
    format_skeleton,
    format_time,
    format_timedelta,
)
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from domain.locales import SUPPORTED_LOCALES, is_rtl

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
# Unicode isolates keep a Latin name or number readable inside right-to-left text.
Moment = datetime  # inside Translator the method `datetime` hides the type
FSI, PDI = "\u2068", "\u2069"
_COMMAND = re.compile(r"(?<![<\w/])(/[a-z][a-z0-9_]*)")  # not "</b>", not in URLs


@dataclass(frozen=True, slots=True)
class Translator:
    locale: str
    tz: ZoneInfo
    catalog: gettext.NullTranslations

    def gettext(self, msgid: str) -> str:
        return self._bidi(self.catalog.gettext(msgid))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._bidi(self.catalog.ngettext(singular, plural, n))

    def pgettext(self, context: str, msgid: str) -> str:
        return self._bidi(self.catalog.pgettext(context, msgid))

    def _bidi(self, text: str) -> str:
        # In right-to-left text "/menu" would show as "menu/": isolate every command.
        return _COMMAND.sub(rf"{FSI}\1{PDI}", text) if self.rtl else text

    @property
    def rtl(self) -> bool:
        return is_rtl(self.locale)

    def isolate(self, text: str) -> str:
        """Wrap a Latin value (a name, a phone number) so bidi does not scramble it."""
        return f"{FSI}{text}{PDI}" if self.rtl else text

    def date(self, day: date, fmt: str = "full") -> str:
        return format_date(day, format=fmt, locale=self.locale)

    def time(self, moment: datetime) -> str:
        return format_time(moment, format="short", tzinfo=self.tz, locale=self.locale)

    def datetime(self, moment: datetime, fmt: str = "medium") -> str:
        return format_datetime(moment, format=fmt, tzinfo=self.tz, locale=self.locale)

    def time_range(self, start: Moment, end: Moment) -> str:
        """'10:00-12:00' as the reader writes a span of clock times."""
        return format_interval(start, end, "Hm", tzinfo=self.tz, locale=self.locale)

    def short_date(self, moment: Moment) -> str:
        """'Thu, Dec 3' for a button: the local day of a moment, short."""
        return format_skeleton("MMMEd", moment, tzinfo=self.tz, locale=self.locale)

    def when(self, moment: Moment) -> str:
        """An appointment: weekday, day, month and time, e.g. "Sa., 28. November, 14:30"."""
        day = format_skeleton("MMMMEEEEd", moment, tzinfo=self.tz, locale=self.locale)
        pattern = Locale.parse(self.locale).datetime_formats["long"]
        return str(pattern).format(self.time(moment), day)

    def stamp(self, moment: Moment) -> str:
        """A stored moment with its year, without seconds: "Dec 3, 2026, 10:07 AM"."""
        day = format_date(moment.astimezone(self.tz), format="medium", locale=self.locale)
        pattern = Locale.parse(self.locale).datetime_formats["medium"]
        return str(pattern).format(self.time(moment), day)

    def duration(self, period: timedelta) -> str:
        """A period in its largest fitting unit: "6 months", "3 years", "30 days"."""
        return format_timedelta(period, threshold=1, locale=self.locale)

    def money(self, amount: Decimal | int) -> str:
        return format_currency(amount, "EUR", locale=self.locale)

    def number(self, value: Decimal | int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def join(self, items: list[str]) -> str:
        """'Caritas, DRK and Kölner Flüchtlingsrat' in the reader's language."""
        return format_list(items, locale=self.locale)


class Catalogs:
    """One Translator per supported locale, loaded once at start-up."""

    def __init__(self, default_locale: str, tz: ZoneInfo, directory: Path = LOCALES_DIR) -> None:
        compile_catalogs(directory)
        self._translators = {
            code: Translator(code, tz, _load(directory, code)) for code in SUPPORTED_LOCALES
        }
        self.default = self._translators[default_locale]

    def get(self, locale: str) -> Translator:
        return self._translators.get(locale, self.default)


def _load(directory: Path, code: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=directory, languages=[code], fallback=True)


def compile_catalogs(directory: Path = LOCALES_DIR) -> list[Path]:
    """Build each .mo from its .po when missing or older; .mo files are never committed."""
    built = []
    for po_path in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # Written to a temporary file and renamed, so a reader never sees half a catalog.
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.replace(tmp, mo_path)
        built.append(mo_path)
    return built


def N_(msgid: str) -> str:
    """Marks a msgid for extraction where it is defined; it is translated where it is shown."""
    return msgid
