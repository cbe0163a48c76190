"""/stats and /export: one carrier's figures as text and charts, its cases as CSV, audited."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from bot.charts import bar_chart
from domain.stats import Chart
from storage import consents
from tests.conftest import Harness
from tests.staffing import (
    CASEWORKER,
    OTHER_CASEWORKER,
    SEEKER,
    audit,
    make_staff,
    make_team,
    register_seeker,
    share_with,
    texts_to,
)

PNG = b"\x89PNG\r\n\x1a\n"


async def _cases(harness: Harness) -> list:
    """Caritas: one household searching, one moved a month ago, one that withdrew consent.
    DRK: one household with a viewing."""
    await make_team(harness)
    searching = await register_seeker(harness, SEEKER)
    moved = await register_seeker(harness, SEEKER + 1)
    hidden = await register_seeker(harness, SEEKER + 2)
    elsewhere = await register_seeker(harness, SEEKER + 3)
    for seeker in (searching, moved, hidden):
        await share_with(harness, seeker)
    await share_with(harness, elsewhere, "drk")
    statuses = ("viewing", "offer", "approved", "signed", "moved")
    for status in statuses:
        await harness.press(f"xs:{moved.id}:{status}:go", user_id=CASEWORKER)
    await harness.press(f"xs:{elsewhere.id}:viewing:go", user_id=OTHER_CASEWORKER)
    async with harness.db.transaction() as db:
        await consents.withdraw_consent(db, hidden.id, 1)
    harness.clock.advance(timedelta(days=31))
    return [searching, moved, hidden, elsewhere]


def _photos(harness: Harness):
    return [c for c in harness.rec.calls if c.endpoint == "sendPhoto"]


async def test_stats_show_the_carriers_own_figures_as_text_and_charts(harness: Harness):
    await _cases(harness)
    harness.rec.clear()
    await harness.send("/stats", user_id=CASEWORKER)
    text = texts_to(harness, CASEWORKER)[0]
    assert "Figures of Caritas" in text
    # The household that withdrew its consent and DRK's household are not counted.
    assert "Searching: 1" in text and "Moved: 1" in text and "Viewing: 0" in text
    november, december = (
        harness.tr("en").date(date(2026, month, 1), "LLL yy") for month in (11, 12)
    )
    assert f"{november}: 1" in text and f"{december}: 0" in text  # moves per month
    photos = _photos(harness)
    assert [p.params["caption"] for p in photos] == ["Households per status", "Moves per month"]
    assert all(p.uploads["figures.png"].startswith(PNG) for p in photos)  # no viewings: no chart


async def test_staff_who_read_arabic_get_the_numbers_in_arabic_and_charts_in_german(
    harness: Harness,
):
    await _cases(harness)
    await make_staff(harness, 503, locale="ar")
    harness.rec.clear()
    await harness.send("/stats", user_id=503)
    assert "Caritas" in texts_to(harness, 503)[0]
    assert harness.t("ar", "Households per status") in texts_to(harness, 503)[0]
    captions = [p.params["caption"] for p in _photos(harness)]
    assert captions == [
        harness.t("de", "Households per status"),
        harness.t("de", "Moves per month"),
    ]


async def test_stats_are_for_staff_only(harness: Harness):
    await register_seeker(harness)
    await harness.send("/stats")
    assert "only for staff" in harness.rec.last().text
    assert (await audit(harness))[-1][:3] == (SEEKER, None, "denied.stats.view")
    assert _photos(harness) == []


async def test_export_holds_the_carriers_cases_without_names_and_is_audited(harness: Harness):
    searching, moved, *_ = await _cases(harness)  # not the hidden one, not DRK's
    harness.rec.clear()
    await harness.press("xt:export", user_id=CASEWORKER)
    [document] = [c for c in harness.rec.calls if c.endpoint == "sendDocument"]
    assert document.params["caption"].startswith("2 cases of Caritas.")
    [(name, content)] = document.uploads.items()
    assert name == "cases-caritas-2026-12-26.csv"
    assert content.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets show the umlauts right
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Case number", "Status", "Case opened", "Status since", "Moved on"],
        [searching.case_number, "Searching", "2026-11-25", "2026-11-25", ""],
        [moved.case_number, "Moved", "2026-11-25", "2026-11-25", "2026-11-25"],
    ]
    assert str(SEEKER) not in content.decode()
    assert (await audit(harness))[-1] == (CASEWORKER, 1, "case.export", None, "rows=2")


async def test_staff_find_figures_and_the_export_in_their_main_menu(harness: Harness):
    await make_team(harness)
    await harness.send("/menu", user_id=CASEWORKER)
    assert {"xt:stats", "xt:export"} <= set(harness.rec.last().callback_data)
    await harness.press("xt:stats", user_id=CASEWORKER)
    assert "Figures of Caritas" in harness.rec.last().text
    assert _photos(harness) == []  # nothing to draw yet


def test_a_chart_with_several_series_is_a_png():
    series = (("Viewings", (3, 0)), ("No-show", (1, 0)))
    chart = Chart("Viewings per week", ("1.12.", "8.12."), series)
    assert bar_chart(chart).startswith(PNG)
    assert not chart.is_empty and Chart("x", ("a",), (("s", (0,)),)).is_empty
