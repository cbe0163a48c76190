"""The translator: RTL isolation of commands and Latin values, Babel formatting per locale."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import FSI, PDI, Catalogs

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


def test_dates_and_money_follow_the_readers_locale(catalogs: Catalogs):
    moment = datetime(2026, 10, 25, 9, 30, tzinfo=UTC)  # 10:30 in Berlin, winter time
    # The parts, not CLDR's wording: the local hour, each language's digit grouping.
    local = catalogs.get("de").time(moment)
    assert "10" in local and "30" in local and "9" not in local  # Berlin's hour, not UTC's
    german, english = catalogs.get("de").money(1095), catalogs.get("en").money(1095)
    assert "1.095" in german and "€" in german
    assert "1,095" in english and "€" in english


def test_latin_values_are_isolated_in_rtl_only(catalogs: Catalogs):
    assert catalogs.get("ar").isolate("Olena") == f"{FSI}Olena{PDI}"
    assert catalogs.get("ru").isolate("Olena") == "Olena"
