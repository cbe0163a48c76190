"""A seeker's case as staff see it: the short case number and the consent hand-off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# No 0/O, 1/I/L: a case number is read out on the phone and typed on cheap keyboards.
CASE_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CASE_NUMBER_LENGTH = 6
CASE_NUMBER_PATTERN = f"[{CASE_NUMBER_ALPHABET}]{{{CASE_NUMBER_LENGTH}}}"
_CASE_NUMBER = re.compile(CASE_NUMBER_PATTERN)
_SEPARATORS = re.compile(r"[\s\-./]+")


def parse_case_number(text: str) -> str | None:
    """'k7m 2qx', 'K7M-2QX' → 'K7M2QX'; anything else → None."""
    candidate = _SEPARATORS.sub("", text).upper()
    return candidate if _CASE_NUMBER.fullmatch(candidate) else None


class ConsentAnswer(StrEnum):
    GRANTED = "granted"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    id: int
    user_id: int
    carrier_id: int
    requested_by: int  # telegram id of the staff member who asked
    requested_at: datetime
    answer: ConsentAnswer | None
    answered_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.answer is None


def may_ask_consent(
    last: ConsentRequest | None, *, consented: bool, now: datetime, interval: timedelta
) -> bool:
    """A carrier asks the same seeker at most once per `interval`, so nobody is pestered."""
    if consented:
        return False
    return last is None or now - last.requested_at >= interval
