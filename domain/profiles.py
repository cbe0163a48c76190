"""A volunteer's profile (/profile) and first names as people type them.

Stored only for volunteers who consented at /start. First names are the only names the bot
keeps: a volunteer's own, and the household a question is about.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypeVar

from domain.workshops import WorkshopTopic

MAX_FIRST_NAME = 40
# Languages volunteers may speak: ours, and those of the shelters we have no catalog for yet.
PROFILE_LANGUAGES = ("de", "en", "uk", "ru", "ar", "fa", "ps", "tr", "ku", "sq", "ti", "so", "fr")
# Besides letters and marks of any script, names contain spaces, hyphens and apostrophes.
_NAME_PUNCTUATION = frozenset(" -'\u2019")


class NameProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NAME = "not_a_name"  # digits, symbols, several lines


@dataclass(frozen=True, slots=True)
class Profile:
    user_id: int
    first_name: str | None = None
    districts: frozenset[str] = field(default_factory=frozenset)  # German district names
    languages: frozenset[str] = field(default_factory=frozenset)
    topics: frozenset[WorkshopTopic] = field(default_factory=frozenset)


def read_first_name(text: str) -> str | NameProblem:
    """A first name: letters of any script, one line, at most MAX_FIRST_NAME characters."""
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name:
        return NameProblem.EMPTY
    if len(name) > MAX_FIRST_NAME:
        return NameProblem.TOO_LONG
    if "\n" in text.strip() or not _is_name(name):
        return NameProblem.NOT_A_NAME
    return name


T = TypeVar("T")


def _is_name(text: str) -> bool:
    def allowed(ch: str) -> bool:
        return unicodedata.category(ch)[0] in "LM" or ch in _NAME_PUNCTUATION

    return unicodedata.category(text[0])[0] == "L" and all(map(allowed, text))


def toggle(chosen: frozenset[T], item: T) -> frozenset[T]:
    return chosen - {item} if item in chosen else chosen | {item}


def with_district(profile: Profile, district: str) -> Profile:
    return replace(profile, districts=toggle(profile.districts, district))


def with_language(profile: Profile, language: str) -> Profile:
    return replace(profile, languages=toggle(profile.languages, language))


def with_topic(profile: Profile, topic: WorkshopTopic) -> Profile:
    return replace(profile, topics=toggle(profile.topics, topic))
