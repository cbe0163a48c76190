"""Numbers, amounts and dates as people type them in any of our languages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal
from hypothesis import given
from hypothesis import strategies as st

from domain.locales import SUPPORTED_LOCALES
from domain.user_input import Problem, parse_number, read_amount, read_count, read_date

MAX = Decimal(10_000)
TODAY = date(2026, 11, 25)
LATEST = TODAY + timedelta(days=730)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1200", Decimal(1200)),
        ("1.200,50 €", Decimal("1200.50")),
        ("1,200.50", Decimal("1200.50")),
        ("1200,5", Decimal("1200.5")),
        ("€ 800", Decimal(800)),
        ("800€", Decimal(800)),
        ("800,- €", Decimal(800)),
        ("1 200 EUR", Decimal(1200)),
        ("1\u202f200,00\xa0€", Decimal(1200)),
        ("650 Euro", Decimal(650)),
        ("650 евро", Decimal(650)),
        ("١٢٠٠", Decimal(1200)),
        ("\u06f1\u06f2\u06f0\u06f0\u066b\u06f5\u06f0", Decimal("1200.50")),  # Persian
        ("\u200f1,200.50\xa0€", Decimal("1200.50")),
        ("abc", Problem.NOT_A_NUMBER),
        ("", Problem.NOT_A_NUMBER),
        ("12 abc", Problem.NOT_A_NUMBER),
        ("1.2.3", Problem.NOT_A_NUMBER),
        ("1,234.567", Problem.NOT_A_NUMBER),
        ("1200.505", Problem.NOT_A_NUMBER),
        ("-5", Problem.TOO_SMALL),
        ("\u22125 €", Problem.TOO_SMALL),  # minus sign
        ("0", Problem.TOO_SMALL),
        ("99999", Problem.TOO_LARGE),
        ("1" * 60, Problem.TOO_LARGE),
    ],
)
def test_amounts_as_people_write_them(typed, expected):
    assert read_amount(typed, Decimal(0), MAX) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2", 2),
        (" 3 ", 3),
        ("٣", 3),
        ("0", Problem.TOO_SMALL),
        ("40", Problem.TOO_LARGE),
        ("2.5", Problem.NOT_WHOLE),
        ("zwei", Problem.NOT_A_NUMBER),
        ("-1", Problem.TOO_SMALL),
    ],
)
def test_counts_of_people(typed, expected):
    assert read_count(typed, 1, 20) == expected


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(SUPPORTED_LOCALES))
def test_whole_numbers_formatted_in_any_locale_read_back(n, locale):
    assert parse_number(format_decimal(n, locale=locale)) == n


@given(
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(SUPPORTED_LOCALES),
)
def test_euro_amounts_formatted_in_any_locale_read_back(amount, locale):
    assert parse_number(format_currency(amount, "EUR", locale=locale)) == amount


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([ARABIC_INDIC, PERSIAN]))
def test_arabic_indic_and_persian_digits_are_digits(n, digits):
    assert parse_number(str(n).translate(digits)) == n


@given(st.integers(min_value=1, max_value=10**9))
def test_negative_amounts_are_too_small(n):
    assert read_amount(f"-{n}", Decimal(0), MAX) is Problem.TOO_SMALL


@given(st.text(max_size=40))
def test_readers_never_raise_on_any_text(text):
    assert isinstance(read_amount(text, Decimal(0), MAX), Decimal | Problem)
    assert isinstance(read_count(text, 1, 20), int | Problem)
    assert isinstance(read_date(text, TODAY, LATEST), date | Problem)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1.3.2027", date(2027, 3, 1)),
        ("01.03.27", date(2027, 3, 1)),
        ("1/3/2027", date(2027, 3, 1)),
        ("2027-03-01", date(2027, 3, 1)),
        ("3/2027", date(2027, 3, 1)),
        ("1.3.", date(2027, 3, 1)),  # the next 1 March
        ("31.12.", date(2026, 12, 31)),
        ("\u0660\u0661.\u0660\u0663.\u0662\u0660\u0662\u0667", date(2027, 3, 1)),
        ("25.11.2026", TODAY),
        ("24.11.2026", Problem.IN_THE_PAST),
        ("1.1.2030", Problem.TOO_FAR),
        ("31.2.2027", Problem.NOT_A_DATE),
        ("next week", Problem.NOT_A_DATE),
        ("13.13.2027", Problem.NOT_A_DATE),
    ],
)
def test_dates_as_people_write_them(typed, expected):
    assert read_date(typed, TODAY, LATEST) == expected


@given(st.dates(min_value=TODAY, max_value=LATEST))
def test_any_date_in_range_reads_back_in_both_forms(day):
    assert read_date(f"{day.day}.{day.month}.{day.year}", TODAY, LATEST) == day
    assert read_date(day.isoformat(), TODAY, LATEST) == day
