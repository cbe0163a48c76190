"""A viewing of a listed flat, planned from the listing's shortlist."""

from __future__ import annotations

from tests.conftest import Harness
from tests.listing_setup import household, publish, team_and_households
from tests.staffing import CASEWORKER, OTHER_CASEWORKER, audit, expired_alert

UK = 201


async def _shortlisted(harness: Harness):
    ukrainian, _ = await team_and_households(harness)
    await publish(harness)
    await harness.press("li:1:yes", user_id=UK, lang="uk")
    await harness.press("lq:1:0", user_id=CASEWORKER)
    assert f"vl:1:{ukrainian.id}" in harness.rec.last().callback_data
    return ukrainian


async def test_staff_plan_a_viewing_of_the_flat_and_only_type_the_time(harness: Harness):
    ukrainian = await _shortlisted(harness)
    await harness.press(f"vl:1:{ukrainian.id}", user_id=CASEWORKER)
    prompt = harness.rec.last().text
    assert "New viewing of listing 1 for case" in prompt
    assert "Deutz-Mülheimer Str. 12, Deutz" in prompt  # the house number, though not released
    await harness.send("28.11. 14:30", user_id=CASEWORKER)
    assert harness.rec.last().text.startswith("Scheduled.")
    assert await harness.rows("SELECT listing_id, address, meeting_point FROM viewings") == [
        (1, "Deutz-Mülheimer Str. 12, Deutz", None)
    ]
    assert (await audit(harness))[-1][2:4] == ("viewing.schedule", ukrainian.id)
    harness.rec.clear()
    await harness.deliver()
    [invitation] = [c for c in harness.rec.calls if c.endpoint == "sendDocument"]
    assert invitation.params["chat_id"] == UK and "Deutz-Mülheimer Str. 12" in invitation.text


async def test_staff_may_type_another_address_for_the_viewing(harness: Harness):
    ukrainian = await _shortlisted(harness)
    await harness.press(f"vl:1:{ukrainian.id}", user_id=CASEWORKER)
    await harness.send("28.11. 14:30\nDeutzer Freiheit 1\nam Kiosk", user_id=CASEWORKER)
    assert await harness.rows("SELECT listing_id, address, meeting_point FROM viewings") == [
        (1, "Deutzer Freiheit 1", "am Kiosk")
    ]


async def test_a_forged_button_for_another_carriers_listing_or_household_is_refused(
    harness: Harness,
):
    ukrainian = await _shortlisted(harness)
    stranger = await household(harness, 203, "en", shared=False)  # not on the shortlist
    for presser, data in (
        (OTHER_CASEWORKER, f"vl:1:{ukrainian.id}"),  # DRK staff, Caritas' listing
        (CASEWORKER, f"vl:1:{stranger.id}"),  # not shared, not interested
        (CASEWORKER, f"vl:99:{ukrainian.id}"),  # no such listing
    ):
        await harness.press(data, user_id=presser)
        assert expired_alert(harness)
        assert (await audit(harness))[-1][0] == presser
        assert (await audit(harness))[-1][2] == "denied.viewing.schedule"
    await harness.send("28.11. 14:30", user_id=CASEWORKER)  # no question was opened
    assert await harness.rows("SELECT id FROM viewings") == []
