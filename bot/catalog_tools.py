"""`python -m bot.catalog_tools`: re-extract msgids into locales/messages.pot and update every .po.

The same extraction runs in tests/test_locales.py, so a string that reaches no catalog fails CI.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LOCALES_DIR, read_status
from domain.locales import SUPPORTED_LOCALES, LanguageStatus, plural_forms

ROOT = LOCALES_DIR.parent
SOURCE_DIRS = ("bot", "handlers", "domain", "storage")
KEYWORDS = {**DEFAULT_KEYWORDS, "t": None, "tn": (1, 2), "tp": ((1, "c"), 2)}
POT_PATH = LOCALES_DIR / f"{DOMAIN}.pot"
# A fixed date keeps re-extraction from rewriting every catalog's header.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def extract() -> Catalog:
    catalog = Catalog(project="auszug-bot", fuzzy=False, creation_date=EPOCH)
    for directory in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / directory,
            keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        ):
            path = f"{directory}/{filename}"
            catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _translator_header(status: LanguageStatus | None) -> str:
    """Who stands behind a catalog, from locales/STATUS.toml, in its Last-Translator line."""
    if status is None or status.is_draft:
        return "draft, not yet reviewed by a native speaker"
    return f"{status.state}: {status.reviewer}, {status.reviewed_on}"


def update() -> None:
    template = extract()
    with POT_PATH.open("wb") as out:
        write_po(out, template, omit_header=True, no_location=True, sort_output=True)
    statuses = read_status()
    for locale in SUPPORTED_LOCALES:
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as src:
                catalog = read_po(src, locale=locale)
        else:
            catalog = Catalog(locale=locale, project="auszug-bot", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.mime_headers = [("Plural-Forms", plural_forms(locale))]  # CLDR's, via Babel
        catalog.last_translator = _translator_header(statuses.get(locale))
        catalog.revision_date = EPOCH
        catalog.obsolete.clear()
        with path.open("wb") as out:
            write_po(out, catalog, omit_header=False, no_location=True, sort_output=True)
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(f"{path.relative_to(ROOT)}: {missing} untranslated")  # noqa: T201


if __name__ == "__main__":
    update()
    sys.exit(0)
