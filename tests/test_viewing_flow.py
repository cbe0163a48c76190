"""Viewings through the real Application: typed by staff, delivered with a calendar file,
reminded with the papers to bring, answered by the household, changed and recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from bot.limits import MAX_CAPTION_LENGTH
from domain.accounts import Account
from domain.locales import SUPPORTED_LOCALES
from domain.searches import Document, Step
from domain.viewings import MAX_PLACE_LENGTH
from handlers.cases.viewing_texts import render_invitation
from storage import consents, searches
from tests.conftest import Harness
from tests.fakes import Call
from tests.staffing import (
    CASEWORKER,
    COORDINATOR,
    OTHER_CASEWORKER,
    SEEKER,
    audit,
    expired_alert,
    make_team,
    register_seeker,
    share_with,
    texts_to,
)

# The fake clock starts on Wednesday 25 November 2026, 12:00 in Cologne.
TYPED = "28.11. 14:30\nVenloer Str. 12, Ehrenfeld\nvor der Haustür"


async def _case(harness: Harness, lang: str = "uk") -> Account:
    await make_team(harness)
    seeker = await register_seeker(harness, lang=lang)
    await share_with(harness, seeker)
    return seeker


async def _schedule(harness: Harness, seeker: Account, text: str = TYPED) -> None:
    await harness.press(f"vn:{seeker.id}", user_id=CASEWORKER)
    await harness.send(text, user_id=CASEWORKER)


def _sent_to(harness: Harness, chat_id: int) -> list[Call]:
    return [
        c
        for c in harness.rec.calls
        if c.endpoint in ("sendMessage", "sendDocument") and c.params.get("chat_id") == chat_id
    ]


def _event(call: Call):
    calendar = Calendar.from_ical(call.uploads["besichtigung.ics"])
    return calendar, next(iter(calendar.walk("VEVENT")))


async def test_staff_type_a_viewing_and_the_household_gets_it_with_a_calendar_file(
    harness: Harness,
):
    seeker = await _case(harness)
    await harness.press(f"vn:{seeker.id}", user_id=CASEWORKER)
    assert "For example:\n<code>2.12.2026 14:30" in harness.rec.last().text
    await harness.send(TYPED, user_id=CASEWORKER)
    shown = harness.rec.last()
    when = harness.tr("en").when(datetime(2026, 11, 28, 13, 30, tzinfo=UTC))
    assert shown.text.startswith("Scheduled.") and f"When: {when}\n" in shown.text
    assert await harness.rows("SELECT status FROM cases") == [("viewing",)]
    assert (await audit(harness))[-1][2:] == (
        "viewing.schedule", seeker.id, f"case={seeker.case_number} viewing=1"
    )  # fmt: skip
    harness.rec.clear()
    await harness.deliver()
    [invitation] = _sent_to(harness, SEEKER)  # no second notice for the status "viewing"
    assert invitation.endpoint == "sendDocument"
    assert harness.tr("uk").when(datetime(2026, 11, 28, 13, 30, tzinfo=UTC)) in invitation.text
    assert "Venloer Str. 12, Ehrenfeld" in invitation.text and "vor der Haustür" in invitation.text
    assert invitation.callback_data == ["va:1:yes", "va:1:no", "kv:1", "mn:home"]
    calendar, event = _event(invitation)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(event["UID"]) == "viewing-1@auszug-bot" and event["SEQUENCE"] == 0
    assert event.decoded("DTSTART").isoformat() == "2026-11-28T14:30:00+01:00"
    assert str(event["LOCATION"]) == "Venloer Str. 12, Ehrenfeld"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("next friday", "The first line needs a date and a time."),
        ("31.2. 10:00\nA", "I could not read the date in the first line."),
        ("25.11.2026 10:00\nA", "That time has already passed."),
        ("24.11. 10:00\nA", "That date is more than half a year ahead."),
        ("28.11. 14:30", "The address is missing"),
    ],
)
async def test_bad_input_is_explained_with_the_example_and_the_question_stays(
    harness: Harness, typed, expected
):
    seeker = await _case(harness)
    await _schedule(harness, seeker, typed)
    answer = harness.rec.last()
    assert answer.text.startswith(expected) and "For example:" in answer.text
    assert answer.callback_data == ["vq:stop"]
    await harness.send(TYPED, user_id=CASEWORKER)  # the question still waits
    assert await harness.rows("SELECT id FROM viewings") == [(1,)]


async def test_a_photo_gets_the_question_again_and_stop_ends_it(harness: Harness):
    seeker = await _case(harness)
    await harness.press(f"vn:{seeker.id}", user_id=CASEWORKER)
    photo = [{"file_id": "p", "file_unique_id": "p1", "width": 9, "height": 9}]
    await harness.send(user_id=CASEWORKER, photo=photo)
    assert harness.rec.last().text.startswith("Please type the appointment as text.")
    await harness.press("vq:stop", user_id=CASEWORKER)
    assert "Nothing was scheduled" in harness.rec.last().text
    await harness.send(TYPED, user_id=CASEWORKER)  # now just text: the general fallback
    assert await harness.rows("SELECT id FROM viewings") == []


async def test_the_question_survives_a_restart_and_typing_twice_schedules_once(
    harness: Harness,
):
    seeker = await _case(harness)
    await harness.press(f"vn:{seeker.id}", user_id=CASEWORKER)
    await harness.restart()
    await harness.send(TYPED, user_id=CASEWORKER)
    await _schedule(harness, seeker)  # the same viewing again
    assert harness.rec.last().text.startswith("This viewing is scheduled already.")
    assert await harness.rows("SELECT id FROM viewings") == [(1,)]
    assert await harness.rows("SELECT count(*) FROM outbox WHERE kind = 'viewing_invitation'") == [
        (1,)
    ]


async def _with_documents(harness: Harness, seeker: Account, held: set[Document]) -> None:
    """A search whose document flags are set, waiting at the SCHUFA question."""
    async with harness.db.transaction() as db:
        search = await searches.create_search(db, seeker.id, harness.clock())
        flags = {d: d in held for d in Document}
        await searches.save_search(
            db, replace(search, documents=flags, step=Step.DOC_SCHUFA), harness.clock()
        )


async def test_reminders_list_what_to_bring_and_what_is_still_missing(harness: Harness):
    seeker = await _case(harness, lang="en")
    await _with_documents(harness, seeker, {Document.RESIDENCE, Document.INCOME})
    await _schedule(harness, seeker)
    await harness.press("hs:1:doc_schufa:yes")  # the household got its SCHUFA meanwhile
    await harness.deliver()
    harness.rec.clear()
    harness.clock.advance(timedelta(days=2, hours=2, minutes=30))  # Friday 14:30
    await harness.deliver()
    [day_before] = _sent_to(harness, SEEKER)
    assert day_before.text.startswith("⏰ Reminder: your flat viewing is tomorrow.")
    assert (
        "Please bring: Aufenthaltstitel / Gestattung, SCHUFA-Auskunft, and "
        "Einkommensnachweis / Bewilligungsbescheid." in day_before.text
    )
    assert (
        "Still missing: Wohnsitzauflage, Mietschuldenfreiheitsbescheinigung, and "
        "Kautionsübernahme." in day_before.text
    )
    harness.clock.advance(timedelta(hours=22))
    await harness.deliver()
    assert _sent_to(harness, SEEKER)[-1].text.startswith(
        "⏰ Reminder: your flat viewing starts in 2"
    )


async def test_i_cant_come_reaches_the_staff_member_at_once(harness: Harness):
    seeker = await _case(harness, lang="ar")
    await _schedule(harness, seeker)
    await harness.deliver()
    harness.rec.clear()
    await harness.press("va:1:no", lang="ar")
    assert texts_to(harness, SEEKER)[-1] == harness.t(
        "ar", "Thank you for telling us. Your caseworker knows now and will contact you."
    )
    await harness.deliver()
    [note] = _sent_to(harness, CASEWORKER)  # the one who scheduled it, not the coordinator
    assert f"Case {seeker.case_number} cannot come to the viewing" in note.text
    assert note.callback_data[0] == "vw:1"
    await harness.press("va:1:no", lang="ar")  # again: only a short "Saved."
    assert harness.rec.answers()[-1].params["text"] == harness.t("ar", "Saved.")
    await harness.press("va:1:yes", lang="ar")
    await harness.deliver()
    assert "will come to the viewing" in _sent_to(harness, CASEWORKER)[-1].text
    assert _sent_to(harness, COORDINATOR) == []
    await harness.press("va:1:no", user_id=SEEKER + 1)  # not their viewing
    assert expired_alert(harness)


async def test_a_new_time_keeps_the_calendar_entry_and_raises_its_sequence(harness: Harness):
    seeker = await _case(harness)
    await _schedule(harness, seeker)
    await harness.deliver()
    await harness.press("vr:1", user_id=CASEWORKER)
    assert "<code>28.11.2026 14:30\nVenloer Str. 12, Ehrenfeld" in harness.rec.last().text
    harness.rec.clear()
    await harness.send("29.11. 11:00\nVenloer Str. 12, Ehrenfeld", user_id=CASEWORKER)
    assert harness.rec.last().text.startswith("Changed.")
    await harness.deliver()
    [invitation] = _sent_to(harness, SEEKER)
    _, event = _event(invitation)
    assert str(event["UID"]) == "viewing-1@auszug-bot" and event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").isoformat() == "2026-11-29T11:00:00+01:00"
    reminders = await harness.rows(
        "SELECT due_at, state FROM outbox WHERE kind = 'viewing_reminder' ORDER BY id"
    )
    assert [state for _, state in reminders] == ["cancelled", "cancelled", "pending", "pending"]


async def test_a_cancelled_viewing_is_taken_out_of_the_calendar(harness: Harness):
    seeker = await _case(harness)
    await _schedule(harness, seeker)
    await harness.deliver()
    await harness.press("vx:ask:1", user_id=CASEWORKER)
    assert harness.rec.last().callback_data == ["vx:yes:1", "vw:1"]
    harness.rec.clear()
    await harness.press("vx:yes:1", user_id=CASEWORKER)
    await harness.press("vx:yes:1", user_id=CASEWORKER)  # twice: the button has expired
    assert expired_alert(harness)
    await harness.deliver()
    [cancellation] = _sent_to(harness, SEEKER)
    calendar, event = _event(cancellation)
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert await harness.rows(
        "SELECT DISTINCT state FROM outbox WHERE kind = 'viewing_reminder'"
    ) == [("cancelled",)]


async def test_an_offer_moves_the_case_and_tells_the_household_to_get_the_rent_approved(
    harness: Harness,
):
    seeker = await _case(harness, lang="fa")
    await _schedule(harness, seeker)
    await harness.press("vo:1:offer", user_id=CASEWORKER)  # before the viewing: no outcome
    assert expired_alert(harness)
    harness.clock.advance(timedelta(days=3, hours=4))  # the viewing is over
    await harness.deliver()  # its invitation and reminders
    await harness.press("vw:1", user_id=CASEWORKER)
    assert harness.rec.last().callback_data[:4] == [
        "vo:1:offer", "vo:1:no_offer", "vo:1:declined", "vo:1:no_show"
    ]  # fmt: skip
    await harness.press("vo:1:offer", user_id=CASEWORKER)
    assert "the household was told to have the rent approved" in harness.rec.last().text
    assert await harness.rows("SELECT outcome FROM viewings") == [("offer",)]
    assert await harness.rows("SELECT status FROM cases") == [("offer",)]
    harness.rec.clear()
    await harness.deliver()
    [notice] = texts_to(harness, SEEKER)
    assert "Mietangebot" in notice and "Jobcenter" in notice
    await harness.press("vo:1:no_show", user_id=CASEWORKER)  # corrected: the case stays
    assert await harness.rows("SELECT outcome FROM viewings") == [("no_show",)]
    assert await harness.rows("SELECT status FROM cases") == [("offer",)]


async def test_staff_of_another_carrier_cannot_touch_the_viewing(harness: Harness):
    seeker = await _case(harness)
    await _schedule(harness, seeker)
    harness.rec.clear()
    for data in ("vw:1", "vr:1", "vx:yes:1", "vo:1:offer", f"vn:{seeker.id}", "kv:1"):
        await harness.press(data, user_id=OTHER_CASEWORKER)
        assert expired_alert(harness)
    assert harness.rec.sent() == []
    assert await harness.rows("SELECT status, outcome FROM viewings") == [("scheduled", None)]
    assert await harness.rows("SELECT * FROM staff_questions") == []
    assert [row[2] for row in (await audit(harness))[-6:]] == [
        "denied.case.view",
        "denied.viewing.change",
        "denied.viewing.change",
        "denied.viewing.change",
        "denied.viewing.schedule",
        "denied.companion.request",
    ]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_longest_invitation_fits_a_caption(harness: Harness, locale):
    params = {
        "viewing": 1,
        "starts_at": "2026-11-28T13:30:00+00:00",
        "address": "ü" * MAX_PLACE_LENGTH,
        "meeting_point": "ü" * MAX_PLACE_LENGTH,
        "sequence": 0,
        "stamp": "2026-11-25T11:00:00+00:00",
    }
    rendered = render_invitation(params, harness.app.bot_data.catalogs.get(locale))
    assert len(rendered.text) <= MAX_CAPTION_LENGTH


async def test_after_withdrawing_consent_the_viewing_buttons_tell_the_carrier_nothing(
    harness: Harness,
):
    seeker = await _case(harness)
    await _schedule(harness, seeker)
    await harness.deliver()
    async with harness.db.transaction() as db:
        await consents.withdraw_consent(db, seeker.id, 1)
    for data in ("va:1:no", "kv:1"):
        await harness.press(data, lang="uk")
        assert harness.rec.answers()[-1].params["text"] == harness.t(
            "uk", "This button has expired."
        )
    assert await harness.rows("SELECT answer FROM viewings") == [(None,)]
    assert await harness.rows("SELECT kind FROM outbox WHERE kind = 'viewing_answer'") == []
    assert await harness.rows("SELECT * FROM accompaniment_requests") == []
