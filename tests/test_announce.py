"""/announce: a free-text message to a segment, previewed and confirmed, sent once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from domain.accounts import Audience, Role
from domain.announcements import Announcement, Person, Step, recipients
from domain.places import Area
from tests.conftest import ADMIN_ID, Harness
from tests.listing_setup import household
from tests.staffing import CASEWORKER, SEEKER, make_team, texts_to

NOW = datetime(2026, 11, 25, tzinfo=UTC)
TEXT = "Am 3. Dezember gibt es eine Sprechstunde im Bürgerzentrum Deutz."


async def write(harness: Harness, staff: int = CASEWORKER) -> int:
    await harness.send("/announce", user_id=staff)
    await harness.send(TEXT, user_id=staff)
    [(announcement_id,)] = await harness.rows("SELECT id FROM announcements WHERE sent_at IS NULL")
    return int(announcement_id)


async def test_an_announcement_reaches_the_chosen_segment_after_confirmation(harness: Harness):
    await make_team(harness)
    innenstadt = await household(harness, 201, "uk")
    await household(harness, 202, "uk", area=Area(False, frozenset({"Kalk"})))
    await household(harness, 203, "ar")
    await harness.add_user(301, "uk", Role.VOLUNTEER)
    n = await write(harness)
    assert "Who should get it?" in harness.rec.last().text
    await harness.press(f"pa:{n}:audience:seekers", user_id=CASEWORKER)
    await harness.press(f"pa:{n}:district:1", user_id=CASEWORKER)  # Innenstadt
    await harness.press(f"pa:{n}:language:uk", user_id=CASEWORKER)
    preview = harness.rec.last()
    assert "📣 News from Caritas" in preview.text and TEXT in preview.text
    assert "It goes to 1 person." in preview.text and "Innenstadt" in preview.text
    await harness.press(f"pa:{n}:send:x", user_id=CASEWORKER)
    assert "cannot be taken back" in harness.rec.last().text
    assert await harness.rows("SELECT id FROM outbox") == []  # nothing before the yes
    await harness.press(f"pa:{n}:yes:x", user_id=CASEWORKER)
    assert "1 person gets it" in harness.rec.last().text
    await harness.press(f"pa:{n}:yes:x", user_id=CASEWORKER)  # twice
    assert "sent already. Nothing was sent again." in harness.rec.last().text
    assert await harness.rows("SELECT user_id, topic FROM outbox") == [
        (innenstadt.id, "announcements")
    ]
    harness.rec.clear()
    await harness.deliver()
    [message] = texts_to(harness, 201)
    assert TEXT in message and harness.t("uk", "📣 News from {sender}").split("{")[0] in message
    assert any("Broadcast" in text for text in texts_to(harness, CASEWORKER))  # progress


async def test_volunteers_are_not_asked_about_a_district(harness: Harness):
    await make_team(harness)
    volunteer = await harness.add_user(301, "de", Role.VOLUNTEER)
    n = await write(harness)
    await harness.press(f"pa:{n}:audience:volunteers", user_id=CASEWORKER)
    assert f"pa:{n}:language:all" in harness.rec.last().callback_data
    await harness.press(f"pa:{n}:district:1", user_id=CASEWORKER)  # not this step: old button
    assert harness.rec.answers()[-1].params["text"] == "This button has expired."
    await harness.press(f"pa:{n}:language:all", user_id=CASEWORKER)
    await harness.press(f"pa:{n}:send:x", user_id=CASEWORKER)
    await harness.press(f"pa:{n}:yes:x", user_id=CASEWORKER)
    assert await harness.rows("SELECT user_id FROM outbox") == [(volunteer.id,)]


async def test_bad_input_while_writing_is_explained(harness: Harness):
    await make_team(harness)
    await harness.send("/announce", user_id=CASEWORKER)
    await harness.send("x" * 3001, user_id=CASEWORKER)
    assert "too long" in harness.rec.last().text
    await harness.send(
        user_id=CASEWORKER,
        photo=[{"file_id": "p", "file_unique_id": "p1", "width": 9, "height": 9}],
    )
    assert "Please write the announcement as text." in harness.rec.last().text
    await harness.send("/cancel", user_id=CASEWORKER)
    assert "Your announcement is kept" in harness.rec.last().text
    await harness.send("/announce", user_id=SEEKER)
    assert "only for staff" in harness.rec.last().text


async def test_nobody_in_the_segment_means_no_send_button_and_others_drafts_are_off_limits(
    harness: Harness,
):
    await make_team(harness)
    await harness.send("/start", user_id=ADMIN_ID)
    n = await write(harness)
    await harness.press(f"pa:{n}:audience:both", user_id=CASEWORKER)
    await harness.press(f"pa:{n}:district:0", user_id=CASEWORKER)
    await harness.press(f"pa:{n}:language:all", user_id=CASEWORKER)
    assert "Nobody fits this choice." in harness.rec.last().text
    assert not any(":send:" in data for data in harness.rec.last().callback_data)
    await harness.press(f"pa:{n}:drop:x", user_id=ADMIN_ID)  # not theirs
    assert harness.rec.answers()[-1].params["text"] == "This button has expired."
    await harness.press(f"pa:{n}:drop:x", user_id=CASEWORKER)
    assert await harness.rows("SELECT id FROM announcements") == []


def test_a_district_narrows_households_only_and_a_language_everyone():
    people = [
        Person(1, Role.SEEKER, "uk"),
        Person(2, Role.SEEKER, "uk"),
        Person(3, Role.VOLUNTEER, "uk"),
        Person(4, Role.SEEKER, "ar"),
        Person(5, Role.SEEKER, "uk"),  # no search
    ]
    areas = {1: Area(False, frozenset({"Kalk"})), 2: Area(True), 4: Area(False, frozenset())}
    both = Announcement(1, 1, Step.PREVIEW, NOW, "x", Audience.BOTH, district="Kalk")
    assert recipients(both, people, areas) == [1, 2, 3]
    assert recipients(replace(both, district=None, locale="ar"), people, areas) == [4]
    assert recipients(replace(both, audience=Audience.VOLUNTEERS), people, areas) == [3]
    assert recipients(replace(both, audience=None), people, areas) == []
