"""Every catalog is complete, nothing fuzzy, placeholders intact; locale resolution is total."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog_tools import POT_PATH, extract, po_path
from bot.i18n import Catalogs
from domain.locales import (
    SUPPORTED_LOCALES,
    exact_plural_forms,
    match_locale,
    plural_forms,
    plural_index,
    resolve_locale,
)

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _ids(catalog) -> set:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


@pytest.fixture(scope="module")
def source():
    return extract()


def test_the_committed_template_matches_the_source(source):
    with POT_PATH.open("rb") as f:
        template = read_po(f)
    assert _ids(template) == _ids(source), "run: python -m bot.catalog_tools"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalog_is_complete_with_the_same_placeholders(locale, source):
    with po_path(locale).open("rb") as f:
        catalog = read_po(f, locale=locale)
    assert _ids(source) <= _ids(catalog), "run: python -m bot.catalog_tools, then translate"
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert not message.fuzzy, f"{locale}: fuzzy {ids[0]!r}"
        assert all(strings), f"{locale}: untranslated {ids[0]!r}"
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        exact = exact_plural_forms(locale) if len(strings) > 1 else frozenset()
        for index, string in enumerate(strings):
            found = sorted(PLACEHOLDER.findall(string))
            if index in exact:  # "two places": the count may go unsaid, nothing else may
                missing = set(expected) - set(found)
                assert set(found) <= set(expected) and len(missing) <= 1, f"{locale}: {ids[0]!r}"
            else:
                assert found == expected, f"{locale}: {ids[0]!r}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_plural_forms_are_cldr_s_and_every_entry_has_them_all(locale):
    with po_path(locale).open("rb") as f:
        catalog = read_po(f, locale=locale)
    assert f"{catalog.plural_forms}" == plural_forms(locale)
    for message in catalog:
        if message.id and isinstance(message.id, tuple):
            assert len(message.string) == catalog.num_plurals, f"{locale}: {message.id[0]!r}"


@pytest.mark.parametrize(
    ("locale", "counts"),
    [
        ("ar", {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3}),
        ("fa", {0: 0, 1: 0, 2: 1, 15: 1}),
        ("tr", {1: 0, 2: 1}),
        ("de", {0: 1, 1: 0, 2: 1}),
        ("uk", {1: 0, 2: 1, 5: 2, 11: 2, 21: 0, 22: 1}),
    ],
)
def test_counts_take_the_form_cldr_gives_them(locale, counts):
    assert {n: plural_index(locale, n) for n in counts} == counts


def test_the_translator_chooses_the_dual_in_arabic():
    catalogs = Catalogs("de", ZoneInfo("Europe/Berlin"))
    arabic = catalogs.get("ar")
    two, fifteen = (arabic.ngettext("{n} place free", "{n} places free", n) for n in (2, 15))
    assert two != fifteen and "{n}" in fifteen


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("uk", "uk"),
        ("uk-UA", "uk"),
        ("uk_UA", "uk"),
        ("ar-SY", "ar"),
        ("fa-AF", "fa"),
        ("prs", "fa"),
        ("pt-br", None),
        ("", None),
        (None, None),
        ("xx-!!", None),
    ],
)
def test_telegram_language_codes_map_to_supported_locales(code, expected):
    assert match_locale(code) == expected


def test_saved_choice_wins_then_telegram_then_default():
    assert resolve_locale("tr", "uk", "de") == "tr"
    assert resolve_locale(None, "uk-UA", "de") == "uk"
    assert resolve_locale(None, "pt-br", "de") == "de"
    assert resolve_locale("klingon", None, "en") == "en"


@given(st.one_of(st.none(), st.text(max_size=20)), st.one_of(st.none(), st.text(max_size=20)))
def test_resolution_never_raises_and_always_gives_a_supported_locale(saved, code):
    assert resolve_locale(saved, code, "de") in SUPPORTED_LOCALES
