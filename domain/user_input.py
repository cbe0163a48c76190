"""Numbers, amounts and dates as people type them, in any of our languages.

"1.200,50 €", "1,200.50", "1 200 EUR", "١٢٠٠" and "800,-" are all amounts; "abc" and "-5"
are answers the bot must explain. Each reader returns the value or the Problem to explain.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Problem(StrEnum):
    NOT_A_NUMBER = "not_a_number"
    NOT_WHOLE = "not_whole"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    NOT_A_DATE = "not_a_date"
    IN_THE_PAST = "in_the_past"
    TOO_FAR = "too_far"


# Currency words people add to an amount, casefolded: €, EUR, Euro, евро, євро, يورو, یورو, avro.
_CURRENCY = re.compile(r"€|euros?|eur|евро|євро|يورو|یورو|avro")
_NUMBER = re.compile(r"([+-]?)([0-9][0-9.,]*)")
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{2}|[0-9]{4})")
_YEAR_MONTH_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DAY_MONTH = re.compile(r"([0-9]{1,2})[./]([0-9]{1,2})[.]?")
_MONTH_YEAR = re.compile(r"([0-9]{1,2})[./]([0-9]{4})")
CENT = Decimal("0.01")


def ascii_digits(text: str) -> str:
    """Arabic-Indic, Persian and other decimal digits become 0-9; Arabic separators . and ,."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for ch in text:
        if ch.isdecimal():
            out.append(str(unicodedata.decimal(ch)))
        elif ch == "\u066b":  # Arabic decimal separator
            out.append(".")
        elif ch == "\u066c":  # Arabic thousands separator
            out.append(",")
        elif ch == "\u2212":  # minus sign
            out.append("-")
        elif unicodedata.category(ch) != "Cf":  # drop bidi marks such as U+200F
            out.append(ch)
    return "".join(out)


def parse_number(text: str) -> Decimal | None:
    """A number written with either `.` or `,` as decimal separator, or None.

    One separator followed by exactly three digits groups thousands ("1.200" is 1200): for
    rents and counts that reading is the one people mean.
    """
    text = _CURRENCY.sub("", ascii_digits(text).casefold())
    text = re.sub(r"[\s'\u2019]", "", text).removesuffix(",-").removesuffix(".-")
    match = _NUMBER.fullmatch(text.rstrip(".,"))
    if match is None:
        return None
    sign, body = match.groups()
    value = _unsigned(body)
    if value is None:
        return None
    return -value if sign == "-" else value


def _unsigned(body: str) -> Decimal | None:
    separators = {ch for ch in body if ch in ".,"}
    if not separators:
        return Decimal(body)
    if len(separators) == 2:
        decimal_mark = body[max(body.rfind("."), body.rfind(","))]
        whole, _, fraction = body.rpartition(decimal_mark)
        thousands = ({".", ","} - {decimal_mark}).pop()
        return _join(whole, thousands, fraction)
    mark = separators.pop()
    whole, _, last = body.rpartition(mark)
    if body.count(mark) > 1 or (len(last) == 3 and whole != "0"):
        return _join(body, mark, "")
    return _join(whole, None, last)


def _join(whole: str, thousands: str | None, fraction: str) -> Decimal | None:
    groups = whole.split(thousands) if thousands else [whole]
    if not 1 <= len(groups[0]) <= 3 and len(groups) > 1:
        return None
    if any(len(group) != 3 for group in groups[1:]) or not groups[0].isdigit():
        return None
    if fraction and not fraction.isdigit():
        return None
    return Decimal("".join(groups) + ("." + fraction if fraction else ""))


def read_count(text: str, low: int, high: int) -> int | Problem:
    """A whole number of people from `low` to `high`."""
    value = parse_number(text)
    if value is None:
        return Problem.NOT_A_NUMBER
    if value != value.to_integral_value():
        return Problem.NOT_WHOLE
    if value < low:
        return Problem.TOO_SMALL
    if value > high:
        return Problem.TOO_LARGE
    return int(value)


def read_amount(text: str, low: Decimal, high: Decimal) -> Decimal | Problem:
    """Euros and at most two digits of cents, more than `low` and at most `high`."""
    value = parse_number(text)
    if value is None:
        return Problem.NOT_A_NUMBER
    if value <= low:
        return Problem.TOO_SMALL
    if value > high:
        return Problem.TOO_LARGE
    if value.quantize(CENT) != value:  # "12.345" is not an amount of money
        return Problem.NOT_A_NUMBER
    return value


def read_date(text: str, today: date, latest: date) -> date | Problem:
    """1.3.2027, 01/03/27, 2027-03-01, 1.3. (the next one) or 3/2027 (its first day)."""
    day = _parse_date(re.sub(r"\s", "", ascii_digits(text)), today)
    if day is None:
        return Problem.NOT_A_DATE
    if day < today:
        return Problem.IN_THE_PAST
    if day > latest:
        return Problem.TOO_FAR
    return day


def _parse_date(text: str, today: date) -> date | None:
    try:
        if match := _YEAR_MONTH_DAY.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DAY_MONTH_YEAR.fullmatch(text):
            year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
            return date(year, int(match[2]), int(match[1]))
        if match := _MONTH_YEAR.fullmatch(text):
            return date(int(match[2]), int(match[1]), 1)
        if match := _DAY_MONTH.fullmatch(text):
            day = date(today.year, int(match[2]), int(match[1]))
            return day if day >= today else day.replace(year=today.year + 1)
    except ValueError:  # 31.2., month 13, 29.2. moved into a year without it
        return None
    return None
