"""One word per thing: every catalog uses locales/glossary.toml's term where the English
msgid names the concept, and none of the words to avoid."""

from __future__ import annotations

import re
import tomllib
from functools import cache

import pytest
from babel.messages.pofile import read_po

from bot.catalog_tools import po_path
from bot.i18n import LOCALES_DIR
from domain.locales import SUPPORTED_LOCALES

TRANSLATED = [code for code in SUPPORTED_LOCALES if code != "en"]  # msgids are English


@cache
def glossary() -> dict:
    with (LOCALES_DIR / "glossary.toml").open("rb") as f:
        return tomllib.load(f)


def _entries(locale: str) -> list[tuple[str, list[str]]]:
    with po_path(locale).open("rb") as f:
        catalog = read_po(f, locale=locale)
    return [
        (
            m.id[0] if isinstance(m.id, tuple) else m.id,
            list(m.string) if m.pluralizable else [m.string],
        )
        for m in catalog
        if m.id
    ]


def _exceptions(locale: str) -> set[tuple[str, str]]:
    listed = glossary()[locale].get("exceptions", {})
    return {(concept, msgid) for concept, entries in listed.items() for msgid in entries}


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_concept_has_one_term_in_every_language(locale):
    terms = glossary().get(locale, {})
    missing = [c for c in glossary()["concepts"] if "term" not in terms.get(c, {})]
    assert missing == [], f"{locale}: no glossary term for {missing}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_catalog_uses_the_glossary_s_terms(locale):
    terms, exceptions = glossary()[locale], _exceptions(locale)
    wrong = []
    for msgid, strings in _entries(locale):
        for concept, english in glossary()["concepts"].items():
            if not re.search(english, msgid, re.IGNORECASE) or (concept, msgid) in exceptions:
                continue
            entry = terms[concept]
            for string in strings:
                if not re.search(entry["match"], string, re.IGNORECASE):
                    wrong.append(f"{concept} ({entry['term']}): {msgid[:60]!r} -> {string[:60]!r}")
    assert wrong == [], f"{locale}: {len(wrong)} translations miss the term:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_no_catalog_uses_a_word_to_avoid(locale):
    terms = glossary()[locale]
    avoided = [
        (concept, word)
        for concept, entry in terms.items()
        if concept != "exceptions"
        for word in entry.get("avoid", [])
    ]
    found = [
        f"{concept}: {word!r} in {msgid[:60]!r}"
        for msgid, strings in _entries(locale)
        for concept, word in avoided
        if any(word.lower() in string.lower() for string in strings)
    ]
    assert found == [], f"{locale}:\n" + "\n".join(found)
