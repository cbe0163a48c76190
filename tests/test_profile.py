"""/profile: a volunteer's first name, districts, languages and topics; bad input and who
may have one."""

from __future__ import annotations

from domain.accounts import Role
from tests.conftest import Harness
from tests.staffing import expired_alert
from tests.test_workshops import PHOTO

VOLUNTEER = 301


async def test_a_volunteer_fills_in_the_profile_and_sees_it_in_mydata(harness: Harness):
    await harness.add_user(VOLUNTEER, "en", Role.VOLUNTEER)
    await harness.send("/profile", user_id=VOLUNTEER)
    screen = harness.rec.last()
    assert "First name: —" in screen.text
    assert screen.callback_data == [
        "fp:name",
        "fp:districts",
        "fp:languages",
        "fp:topics",
        "mn:home",
    ]
    await harness.press("fp:name", user_id=VOLUNTEER)
    await harness.send("  Jana  ", user_id=VOLUNTEER)
    assert "Saved." in harness.rec.last().text and "First name: Jana" in harness.rec.last().text
    await harness.press("fp:districts", user_id=VOLUNTEER)
    assert [f"fd:{n}" for n in range(1, 10)] == harness.rec.last().callback_data[:9]
    await harness.press("fd:4", user_id=VOLUNTEER)
    assert "✅ Ehrenfeld" in [b["text"] for b in harness.rec.last().buttons]
    await harness.press("fd:1", user_id=VOLUNTEER)
    await harness.press("fd:1", user_id=VOLUNTEER)  # chosen and unchosen again
    await harness.press("fl:uk", user_id=VOLUNTEER)
    await harness.press("fl:ar", user_id=VOLUNTEER)
    await harness.press("ft:lease", user_id=VOLUNTEER)
    await harness.press("fp:show", user_id=VOLUNTEER)
    text = harness.rec.last().text
    assert "Veedel (districts): Ehrenfeld" in text
    assert "Languages you speak: Arabic and Ukrainian" in text
    assert "Topics that interest you: The lease and the deposit (Kaution)" in text
    await harness.send("/mydata", user_id=VOLUNTEER)
    assert "First name: Jana" in harness.rec.last().text


async def test_names_that_are_no_names_and_photos_are_explained(harness: Harness):
    await harness.add_user(VOLUNTEER, "en", Role.VOLUNTEER)
    await harness.press("fp:name", user_id=VOLUNTEER)
    await harness.send("R2-D2", user_id=VOLUNTEER)
    assert "only a first name, in letters" in harness.rec.last().text
    await harness.send(user_id=VOLUNTEER, **PHOTO)
    assert "only a first name, in letters" in harness.rec.last().text
    await harness.send("Jana", user_id=VOLUNTEER)
    await harness.press("fp:name", user_id=VOLUNTEER)
    assert "fp:clearname" in harness.rec.last().callback_data
    await harness.send("/cancel", user_id=VOLUNTEER)
    assert "Nothing was changed" in harness.rec.last().text
    await harness.press("fp:clearname", user_id=VOLUNTEER)
    assert "First name: —" in harness.rec.last().text


async def test_the_name_question_survives_a_restart(harness: Harness):
    await harness.add_user(VOLUNTEER, "uk", Role.VOLUNTEER)
    await harness.press("fp:name", user_id=VOLUNTEER, lang="uk")
    await harness.restart()
    await harness.send("Олена", user_id=VOLUNTEER, lang="uk")
    assert await harness.rows("SELECT first_name FROM volunteer_profiles") == [("Олена",)]


async def test_only_volunteers_have_a_profile_and_forged_buttons_expire(harness: Harness):
    await harness.add_user(111, "en", Role.SEEKER)
    await harness.send("/profile", user_id=111)
    assert "for volunteers" in harness.rec.last().text
    await harness.press("fd:4", user_id=111)
    assert expired_alert(harness)
    await harness.add_user(VOLUNTEER, "en", Role.VOLUNTEER)
    for forged in ("fd:99", "fl:xx", "ft:health"):
        await harness.press(forged, user_id=VOLUNTEER)
        assert expired_alert(harness)
    assert await harness.rows("SELECT * FROM volunteer_profiles") == []


async def test_deleting_my_data_deletes_the_profile(harness: Harness):
    await harness.add_user(VOLUNTEER, "en", Role.VOLUNTEER)
    await harness.press("fl:de", user_id=VOLUNTEER)
    await harness.press("dl:yes", user_id=VOLUNTEER)
    assert await harness.rows("SELECT * FROM volunteer_profiles") == []
