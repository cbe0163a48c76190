"""'Words you will hear': every German term of the process, explained in the reader's language."""

from __future__ import annotations

import pytest

from domain.locales import SUPPORTED_LOCALES
from domain.searches import DOCUMENT_NAMES
from handlers.onboarding.words import AFTER_MOVE_WORDS, DOCUMENT_WORDS, PROCESS_WORDS
from tests.conftest import Harness

USER = 5150


async def _seeker(harness: Harness, lang: str) -> None:
    await harness.send("/start", user_id=USER, lang=lang)
    await harness.press(f"cs:yes:seeker:{lang}", user_id=USER, lang=lang)


@pytest.mark.parametrize("lang", SUPPORTED_LOCALES)
async def test_help_leads_to_every_german_word_with_its_meaning(harness: Harness, lang: str):
    await _seeker(harness, lang)
    await harness.send("/help", user_id=USER)
    assert "mn:words" in harness.rec.last().callback_data
    await harness.press("mn:words", user_id=USER)
    text = harness.rec.last().text
    for word, meaning in (*PROCESS_WORDS, *AFTER_MOVE_WORDS):
        assert word in text and harness.t(lang, meaning) in text
    for document, meaning in DOCUMENT_WORDS.items():
        assert DOCUMENT_NAMES[document] in text and harness.t(lang, meaning) in text


async def test_the_words_fit_one_message_and_the_command_works_before_registration(
    harness: Harness,
):
    await harness.send("/words", user_id=USER, lang="uk")
    shown = harness.rec.last()
    assert "Mietschuldenfreiheitsbescheinigung" in shown.text
    assert harness.t("uk", "the rental contract: sign it only after the rent was approved.") in (
        shown.text
    )


def test_every_checklist_document_is_explained():
    assert set(DOCUMENT_WORDS) == set(DOCUMENT_NAMES)
