"""/audit: coordinators read their carrier's log, page by page, within Telegram's limits."""

from __future__ import annotations

from bot.limits import AUDIT_PAGE_SIZE, MAX_TEXT_LENGTH
from storage import consents
from tests.conftest import ADMIN_ID, Harness
from tests.staffing import (
    CASEWORKER,
    COORDINATOR,
    OTHER_CASEWORKER,
    OTHER_COORDINATOR,
    last_audit,
    make_team,
)


async def _log(harness: Harness, n: int, carrier_id: int, detail: str = "x") -> None:
    async with harness.db.transaction() as db:
        for i in range(n):
            await consents.record_audit(
                db,
                actor_telegram_id=1000 + i,
                action="zz.unknown",  # a later feature's code is shown as it is
                now=harness.clock(),
                carrier_id=carrier_id,
                detail=f"{detail}{i}",
            )


async def test_a_coordinator_sees_only_their_carriers_entries(harness: Harness):
    await make_team(harness)
    await _log(harness, 2, carrier_id=1, detail="caritas-")
    await _log(harness, 2, carrier_id=2, detail="drk-")
    await harness.send("/audit", user_id=COORDINATOR)
    text = harness.rec.last().text
    assert "caritas-0" in text and "caritas-1" in text and "zz.unknown" in text
    assert "drk-" not in text
    await harness.send("/audit", user_id=ADMIN_ID)
    assert "drk-1" in harness.rec.last().text and "caritas-1" in harness.rec.last().text


async def test_the_log_is_paged_newest_first(harness: Harness):
    await make_team(harness)
    await _log(harness, AUDIT_PAGE_SIZE + 5, carrier_id=2)
    await harness.send("/audit", user_id=OTHER_COORDINATOR)
    first = harness.rec.last()
    assert first.text.index("x24") < first.text.index("x5") and "x4" not in first.text
    assert first.callback_data == [f"au:{AUDIT_PAGE_SIZE}", "mn:home"]
    await harness.press(f"au:{AUDIT_PAGE_SIZE}", user_id=OTHER_COORDINATOR)
    second = harness.rec.last()
    assert "x4" in second.text and "x0" in second.text and "x5" not in second.text
    assert second.callback_data == ["au:0", "mn:home"]


async def test_long_entries_are_split_to_fit_one_message(harness: Harness):
    await make_team(harness)
    await _log(harness, AUDIT_PAGE_SIZE, carrier_id=1, detail="d" * 400)
    await harness.send("/audit", user_id=COORDINATOR)
    first = harness.rec.last()
    assert len(first.text) <= MAX_TEXT_LENGTH  # the harness also refuses longer ones
    shown = first.text.count("d" * 400)
    assert 0 < shown < AUDIT_PAGE_SIZE
    assert first.callback_data == [f"au:{shown}", "mn:home"]
    await harness.press(f"au:{shown}", user_id=COORDINATOR)
    assert harness.rec.last().text.count("d" * 400) > 0


async def test_caseworkers_and_other_carriers_cannot_read_it(harness: Harness):
    await make_team(harness)
    await harness.send("/audit", user_id=CASEWORKER)
    assert "only for staff" in harness.rec.last().text
    assert await last_audit(harness) == (CASEWORKER, 1, "denied.audit.view", None, "/audit")
    await harness.press("au:0", user_id=OTHER_CASEWORKER)
    assert harness.rec.answers()[-1].params["text"] == "This button has expired."
    assert await last_audit(harness) == (OTHER_CASEWORKER, 2, "denied.audit.view", None, "au:0")


async def test_an_empty_log_says_so(harness: Harness):
    await make_team(harness)
    await harness.send("/audit", user_id=COORDINATOR)
    assert "no entries" in harness.rec.last().text
