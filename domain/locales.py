"""Which locales the bot speaks and how a Telegram language code maps onto them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from gettext import c2py

from babel import Locale, UnknownLocaleError
from babel.plural import to_gettext

# Every language with a complete catalog; locales/STATUS.toml says which are drafts.
SUPPORTED_LOCALES: tuple[str, ...] = (
    *("de", "en", "uk", "ar", "fa", "ru", "tr", "fr"),  # complete, corrected after review
    *("sq", "bs", "kmr", "ps", "ti", "so"),  # drafts
)
# The language picker: most spoken in Cologne's shelters first (domain.md), German last but
# one because staff and many volunteers read it, English last.
PICKER_ORDER: tuple[str, ...] = (
    "uk", "bs", "ar", "sq", "fa", "ru", "tr", "kmr", "ps", "ti", "so", "fr", "de", "en",
)  # fmt: skip
RTL_LOCALES = frozenset({"ar", "fa", "ps", "ckb"})
# Codes we serve with another locale's catalog (Babel does not know all of them).
ALIASES = {
    "prs": "fa",  # Dari speakers read Farsi
    **dict.fromkeys(("hr", "sr", "sh", "me", "cnr"), "bs"),  # one catalog for all four
    "ku": "kmr",  # Telegram's "ku" is Kurmanji for most of its users here
}
# Names in the language itself where CLDR's would leave readers out.
_OWN_NAMES = {"bs": "Bosanski · Hrvatski · Srpski", "kmr": "Kurmancî"}


def match_locale(code: str | None) -> str | None:
    """Map a Telegram language code (`uk`, `uk-UA`, `pt-br`, `prs`) to a supported locale."""
    if not code:
        return None
    code = code.strip().replace("_", "-")
    language = code.split("-")[0].lower()
    if language in SUPPORTED_LOCALES:  # "kmr": Babel would read it as ku_Latn_TR
        return language
    alias = ALIASES.get(language)
    if alias in SUPPORTED_LOCALES:
        return alias
    try:
        parsed = Locale.parse(code, sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    for candidate in (f"{parsed.language}_{parsed.territory}", parsed.language):
        if candidate in SUPPORTED_LOCALES:
            return candidate
    return None


def resolve_locale(saved: str | None, telegram_code: str | None, default: str) -> str:
    """The user's saved choice, else their Telegram language, else the configured default."""
    if saved in SUPPORTED_LOCALES:
        return saved
    return match_locale(telegram_code) or default


def native_name(code: str) -> str:
    """A language's name in that language, for the language picker."""
    name = _OWN_NAMES.get(code) or language_name(code, code)
    return name[:1].upper() + name[1:]


def picker_order(supported: tuple[str, ...] = SUPPORTED_LOCALES) -> list[str]:
    """The supported languages, the most spoken in the shelters first."""
    ranked = [code for code in PICKER_ORDER if code in supported]
    return ranked + [code for code in supported if code not in ranked]


def language_name(code: str, reader: str) -> str:
    """A language's name in the reader's language: staff see 'Ukrainisch' for 'uk'."""
    return Locale.parse(code).get_display_name(reader) or code


def is_rtl(code: str) -> bool:
    return code.split("_")[0] in RTL_LOCALES


# CLDR's "e" (compact exponent) and "c" never apply to the counts we show: they are 0.
_UNUSED_OPERANDS = re.compile(r"\b[ec]\b")


def plural_forms(code: str) -> str:
    """The catalog's Plural-Forms header, generated from CLDR's rule for the language."""
    return _UNUSED_OPERANDS.sub("0", to_gettext(Locale.parse(code).plural_form))


def plural_index(code: str, n: int) -> int:
    """Which of the catalog's plural forms a count takes, as gettext will choose it."""
    return int(_plural_rule(code)(n))


@cache
def _plural_rule(code: str) -> Callable[[int], int]:
    """The header's expression compiled once per language, as gettext compiles it."""
    return c2py(plural_forms(code).split("plural=", 1)[1].rstrip(";"))


def exact_plural_forms(code: str, up_to: int = 1000) -> frozenset[int]:
    """Forms that stand for one number only ("two places"), so they may leave out the digit."""
    counts: dict[int, int] = {}
    for n in range(up_to):
        index = plural_index(code, n)
        counts[index] = counts.get(index, 0) + 1
    return frozenset(index for index, count in counts.items() if count == 1)


class CatalogState(StrEnum):
    """How far a language's catalog is (locales/STATUS.toml)."""

    REVIEWED = "reviewed"
    COMPLETE = "complete"
    DRAFT = "draft"


@dataclass(frozen=True, slots=True)
class LanguageStatus:
    code: str
    state: CatalogState
    reviewer: str | None = None
    reviewed_on: date | None = None

    @property
    def is_draft(self) -> bool:
        return self.state is CatalogState.DRAFT
