"""The translator: RTL isolation of commands and Latin values, Babel formatting per locale."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_day_names
from babel.numbers import format_currency, format_decimal

from bot.i18n import FSI, PDI, Catalogs
from domain.locales import SUPPORTED_LOCALES

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs("de", BERLIN)


def test_commands_are_isolated_in_right_to_left_text_only(catalogs: Catalogs):
    msgid = "Your rights: /mydata shows what is stored. /delete deletes everything at once."
    arabic = catalogs.get("ar").gettext(msgid)
    assert f"{FSI}/mydata{PDI}" in arabic and f"{FSI}/delete{PDI}" in arabic
    assert FSI not in catalogs.get("uk").gettext(msgid)


def test_html_tags_and_urls_are_left_alone(catalogs: Catalogs):
    text = catalogs.get("fa")._bidi("<b>x</b> https://t.me/bot /start")
    assert text == f"<b>x</b> https://t.me/bot {FSI}/start{PDI}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_times_are_24_hours_with_latin_digits_and_no_seconds(catalogs: Catalogs, locale: str):
    tr = catalogs.get(locale)
    moment = datetime(2026, 10, 25, 13, 30, tzinfo=UTC)  # 14:30 in Berlin, winter time
    assert tr.time(moment) == "14:30"
    assert "14:30" in tr.when(moment) and "14:30" in tr.datetime(moment)
    assert "14:30:" not in tr.datetime(moment)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_an_appointment_names_the_whole_weekday(catalogs: Catalogs, locale: str):
    moment = datetime(2026, 11, 28, 13, 30, tzinfo=UTC)  # a Saturday
    saturday = get_day_names("wide", locale=locale)[5]
    assert saturday.lower() in catalogs.get(locale).when(moment).lower()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_whole_euros_have_no_cents_and_every_amount_the_euro_sign(catalogs: Catalogs, locale: str):
    tr = catalogs.get(locale)
    whole, cents = tr.money(1095), tr.money(Decimal("939.50"))
    assert "€" in whole and "€" in cents and "EUR" not in whole
    assert whole == format_currency(1095, "EUR", locale=locale).replace(
        format_decimal(0.0, format="0.00", locale=locale)[1:], ""
    ).replace("EUR", "€")
    assert format_decimal(Decimal("939.50"), format="0.00", locale=locale) in cents


def test_latin_values_are_isolated_in_rtl_only(catalogs: Catalogs):
    assert catalogs.get("ar").isolate("Olena") == f"{FSI}Olena{PDI}"
    assert catalogs.get("ru").isolate("Olena") == "Olena"


def test_french_writes_the_first_of_a_month_as_1er(catalogs: Catalogs):
    first, second = (datetime(2026, 12, day, 13, 30, tzinfo=UTC) for day in (1, 2))
    french = catalogs.get("fr")
    assert "1er déc" in french.when(first) and "1er" in french.short_date(first)
    assert "1er" in french.date(first.date(), "medium") and "1er" in french.datetime(first)
    assert "1er" not in french.when(second) and "1er" not in catalogs.get("en").when(first)
