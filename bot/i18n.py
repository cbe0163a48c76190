"""Catalogs and the per-recipient translator: whole sentences first, then Babel formatting."""

from __future__ import annotations

import gettext
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_timedelta,
    match_skeleton,
)
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from domain.locales import SUPPORTED_LOCALES, CatalogState, LanguageStatus, is_rtl

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
# Unicode isolates keep a Latin name or number readable inside right-to-left text.
Moment = datetime  # inside Translator the method `datetime` hides the type
Day = date  # and the method `date` hides this one
FSI, PDI = "\u2068", "\u2069"
_FIRST_DAY = re.compile(r"(?<![0-9])1(?= )")
_WEEKDAY = re.compile(r"(?<!E)E{1,3}(?!E)")
# Where the reviewers asked for another join of date and time than CLDR's.
_DATE_TIME_JOIN = {"tr": "{1}, {0}"}  # Turkish reviewers: a comma before the time
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
        return self._ordinal(format_date(day, format=fmt, locale=self.locale), day)

    def _ordinal(self, text: str, day: Day) -> str:
        """French writes the first of a month as "1er décembre"; CLDR has no pattern for it."""
        if day.day != 1 or self.locale != "fr":
            return text
        return _FIRST_DAY.sub("1er", text, count=1)

    def time(self, moment: datetime) -> str:
        """'14:30' in every language: letters, doors and timetables in Germany use 24 hours."""
        return format_skeleton("Hm", moment, tzinfo=self.tz, locale=self.locale)

    def datetime(self, moment: datetime, fmt: str = "medium") -> str:
        """A date and a 24-hour time, without seconds."""
        day = self.date(moment.astimezone(self.tz), fmt)
        return self._date_time(fmt).format(self.time(moment), day)

    def _date_time(self, fmt: str) -> str:
        """How the language joins a date and a time ('{1}, {0}')."""
        return _DATE_TIME_JOIN.get(self.locale) or str(
            Locale.parse(self.locale).datetime_formats[fmt]
        )

    def time_range(self, start: Moment, end: Moment) -> str:
        """'10:00-12:00' as the reader writes a span of clock times."""
        return format_interval(start, end, "Hm", tzinfo=self.tz, locale=self.locale)

    def short_date(self, moment: Moment) -> str:
        """'Thu, Dec 3' for a button: the local day of a moment, short."""
        text = format_skeleton("MMMEd", moment, tzinfo=self.tz, locale=self.locale)
        return self._ordinal(text, moment.astimezone(self.tz))

    def when(self, moment: Moment) -> str:
        """An appointment: weekday, day, month and time, e.g. "Samstag, 28. November, 14:30"."""
        local = moment.astimezone(self.tz)
        skeleton = match_skeleton("MMMMEEEEd", self._babel.datetime_skeletons) or "MMMMEd"
        # CLDR matches the short weekday's pattern; widen it, as ICU adjusts field widths.
        pattern = _WEEKDAY.sub("EEEE", self._babel.datetime_skeletons[skeleton].pattern)
        day = self._ordinal(format_date(local, format=pattern, locale=self.locale), local)
        return self._date_time("long").format(self.time(moment), day)

    def duration(self, period: timedelta) -> str:
        """A period in its largest fitting unit: "6 months", "3 years", "30 days"."""
        return format_timedelta(period, threshold=1, locale=self.locale)

    def money(self, amount: Decimal | int) -> str:
        """'850 €': the euro sign in every language, cents only where there are some."""
        pattern = self._babel.currency_formats["standard"].pattern.replace("¤", "€")
        if amount == int(amount):
            pattern = pattern.replace("0.00", "0")
        return format_currency(
            amount, "EUR", format=pattern, locale=self.locale, currency_digits=False
        )

    @property
    def _babel(self) -> Locale:
        return Locale.parse(self.locale)

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
        self.status = read_status(directory)

    def get(self, locale: str) -> Translator:
        return self._translators.get(locale, self.default)

    def is_draft(self, locale: str) -> bool:
        status = self.status.get(locale)
        return status is not None and status.is_draft


def read_status(directory: Path = LOCALES_DIR) -> dict[str, LanguageStatus]:
    """locales/STATUS.toml: each language's state, reviewer and date."""
    with (directory / "STATUS.toml").open("rb") as file:
        table = tomllib.load(file)
    return {
        code: LanguageStatus(
            code, CatalogState(entry["state"]), entry.get("reviewer"), entry.get("reviewed_on")
        )
        for code, entry in table.items()
    }


def _forms(string: object) -> tuple[object, ...]:
    return tuple(string) if isinstance(string, tuple | list) else (string,)


def catalog_counts(code: str, directory: Path = LOCALES_DIR) -> tuple[int, int] | None:
    """(strings, of them untranslated) of a language's catalog; None if it has none yet.
    Reads the whole .po: call it off the event loop."""
    path = directory / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return None
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=code)
    messages = [message for message in catalog if message.id]
    missing = [m for m in messages if not all(_forms(m.string))]
    return len(messages), len(missing)


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
