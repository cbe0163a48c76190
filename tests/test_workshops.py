"""Workshops through the real bot: the staff form, announcing, registering with a waitlist,
reminders, changes and cancellation, participants and their CSV file."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from domain.accounts import Account, Role
from domain.outbox import Topic
from storage import outbox
from tests.conftest import Harness
from tests.fakes import Call
from tests.staffing import CASEWORKER, OTHER_CASEWORKER, audit, expired_alert, make_team

PHOTO = {"photo": [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 90}]}
START = datetime(2026, 12, 12, 17, 0, tzinfo=UTC)  # 18:00 in Köln
FORM = """Titel: Wohnungsbesichtigung gut vorbereiten
Beschreibung: Was Vermieter fragen und welche Unterlagen gebraucht werden.
Thema: Bewerbung
Wann: 12.12.2026 18:00-20:00
Ort: Caritas, Bartholomäus-Schink-Straße 6, 50825 Köln
Plätze: 2
Für: Ehrenamtliche
Sprache: de
Titel uk: Як підготуватися до огляду квартири
"""
VOLUNTEERS = (301, 302, 303)


async def volunteer(harness: Harness, telegram_id: int, locale: str = "en") -> Account:
    return await harness.add_user(telegram_id, locale, Role.VOLUNTEER)


async def create(harness: Harness, form: str = FORM) -> None:
    await harness.press("os:new:0", user_id=CASEWORKER)
    await harness.send(form, user_id=CASEWORKER)


async def announced(harness: Harness, form: str = FORM) -> None:
    """Caritas staff, three English volunteers, and workshop 1 announced to them."""
    await make_team(harness)
    for telegram_id in VOLUNTEERS:
        await volunteer(harness, telegram_id)
    await create(harness, form)
    await harness.press("os:announce:1", user_id=CASEWORKER)


def sent_to(harness: Harness, chat_id: int, endpoint: str = "sendMessage") -> list[Call]:
    return [
        c for c in harness.rec.calls if c.endpoint == endpoint and c.params["chat_id"] == chat_id
    ]


def calendar_of(call: Call) -> Calendar:
    filename, content = call.files["document"]
    assert filename.endswith(".ics")
    return Calendar.from_ical(content)


async def pending(harness: Harness, kind: str) -> list[tuple]:
    return await harness.rows(
        "SELECT u.telegram_id, o.due_at FROM outbox o JOIN users u ON u.id = o.user_id"
        " WHERE o.kind = ? AND o.state = 'pending' ORDER BY o.due_at, u.telegram_id",
        kind,
    )


# Staff create a workshop.


async def test_staff_create_a_workshop_with_the_typed_form_as_a_draft(harness: Harness):
    await make_team(harness)
    await harness.press("os:new:0", user_id=CASEWORKER)
    prompt = harness.rec.last().text
    assert "<pre>Titel: " in prompt and "Plätze: 15" in prompt and "Bewerbung" in prompt
    await harness.send(FORM, user_id=CASEWORKER)
    screen = harness.rec.last()
    assert "Saved" in screen.text and "Not announced yet" in screen.text
    assert "os:announce:1" in screen.callback_data
    assert await harness.rows(
        "SELECT carrier_id, title, capacity, announced_at FROM workshops"
    ) == [(1, "Wohnungsbesichtigung gut vorbereiten", 2, None)]
    assert (await audit(harness))[-1] == (CASEWORKER, 1, "workshop.edit", None, "workshop=1")
    await volunteer(harness, 301)
    await harness.press("ow:1", user_id=301)  # a draft: volunteers do not see it
    assert expired_alert(harness)


async def test_a_form_with_problems_names_them_all_and_saves_nothing(harness: Harness):
    await make_team(harness)
    await harness.press("os:new:0", user_id=CASEWORKER)
    bad = FORM.replace("Plätze: 2", "Plätze: viele").replace("Thema: Bewerbung", "")
    await harness.send(bad, user_id=CASEWORKER)
    answer = harness.rec.last().text
    assert "Nothing was saved yet" in answer
    assert "Thema is missing." in answer and "Plätze: please write a whole number" in answer
    await harness.send(user_id=CASEWORKER, **PHOTO)
    assert "Please send the form as text" in harness.rec.last().text  # a photo
    assert await harness.rows("SELECT id FROM workshops") == []
    await harness.send(FORM, user_id=CASEWORKER)  # the form still waits
    assert await harness.rows("SELECT id FROM workshops") == [(1,)]


async def test_sending_the_same_workshop_twice_creates_it_once(harness: Harness):
    await make_team(harness)
    await create(harness)
    await create(harness)
    assert "exists already" in harness.rec.last().text
    assert await harness.rows("SELECT count(*) FROM workshops") == [(1,)]
    await harness.send(FORM, user_id=CASEWORKER)  # nothing asked for it any more
    assert await harness.rows("SELECT count(*) FROM workshops") == [(1,)]


async def test_the_open_form_survives_a_restart_and_cancel_stops_it(harness: Harness):
    await make_team(harness)
    await harness.press("os:new:0", user_id=CASEWORKER)
    await harness.restart()
    await harness.send(FORM, user_id=CASEWORKER)
    assert await harness.rows("SELECT count(*) FROM workshops") == [(1,)]
    await harness.press("os:new:0", user_id=CASEWORKER)
    await harness.send("/cancel", user_id=CASEWORKER)
    assert "Nothing was saved" in harness.rec.last().text
    await harness.send(FORM.replace("18:00", "10:00"), user_id=CASEWORKER)
    assert await harness.rows("SELECT count(*) FROM workshops") == [(1,)]


async def test_staff_of_another_carrier_and_non_staff_are_refused(harness: Harness):
    await announced(harness)
    for data in ("ow:1", "os:participants:1", "os:export:1", "os:edit:1", "os:cancelyes:1"):
        await harness.press(data, user_id=OTHER_CASEWORKER)
        assert expired_alert(harness)
    await harness.press("os:cancelyes:1", user_id=301)
    assert expired_alert(harness)
    assert await harness.rows("SELECT status FROM workshops") == [("planned",)]
    refusals = [row for row in await audit(harness) if row[2].startswith("denied.")]
    assert len(refusals) == 6 and {row[0] for row in refusals} == {OTHER_CASEWORKER, 301}


# Announcing.


async def test_the_announcement_reaches_the_audience_in_their_language(harness: Harness):
    await make_team(harness)
    await volunteer(harness, 301, "en")
    ukrainian = await volunteer(harness, 302, "uk")
    muted = await volunteer(harness, 303, "de")
    await harness.add_user(111, "en", Role.SEEKER)  # not the audience
    async with harness.db.transaction() as db:
        await outbox.set_topic_enabled(db, muted.id, Topic.WORKSHOPS, False)
    await create(harness)
    await harness.press("os:announce:1", user_id=CASEWORKER)
    assert "goes out to 3 people" in harness.rec.last().text
    await harness.deliver()
    [english] = sent_to(harness, 301)
    assert english.callback_data == ["or:1", "on:1"]
    assert "Wohnungsbesichtigung gut vorbereiten" in english.text
    assert harness.tr("en").date(date(2026, 12, 12)) in english.text
    [in_ukrainian] = sent_to(harness, 302)
    assert "Як підготуватися до огляду квартири" in in_ukrainian.text
    assert "Wohnungsbesichtigung gut vorbereiten" in in_ukrainian.text  # the German title too
    assert sent_to(harness, 303) == [] and sent_to(harness, 111) == []
    assert ukrainian.id != muted.id
    await harness.press("os:announce:1", user_id=CASEWORKER)  # an old button: no second time
    assert await harness.rows("SELECT count(*) FROM outbox WHERE kind = 'workshop_notice'") == [
        (3,)
    ]


async def test_announcements_wait_for_the_end_of_the_quiet_hours(harness: Harness):
    await make_team(harness)
    await volunteer(harness, 301)
    await create(harness)
    harness.clock.advance(timedelta(hours=11))  # 23:00 in Köln
    await harness.press("os:announce:1", user_id=CASEWORKER)
    await harness.deliver()
    assert sent_to(harness, 301) == []
    harness.clock.advance(timedelta(hours=9, minutes=1))
    await harness.deliver()
    assert len(sent_to(harness, 301)) == 1


async def test_not_this_time_keeps_nothing_and_workshops_lists_what_is_ahead(harness: Harness):
    await announced(harness)
    await harness.press("on:1", user_id=301)
    assert "/workshops" in harness.rec.last().text
    assert await harness.rows("SELECT * FROM workshop_seats") == []
    await harness.send("/workshops", user_id=301)
    listing = harness.rec.last()
    assert "2 places free" in listing.text and listing.callback_data == ["ow:1", "mn:home"]
    await harness.add_user(111, "en", Role.SEEKER)
    await harness.send("/workshops", user_id=111)  # for volunteers only
    assert "No workshops are planned" in harness.rec.last().text
    await harness.press("or:1", user_id=111)
    assert expired_alert(harness)


# Registering.


async def test_registering_gives_a_place_a_calendar_file_and_two_reminders(harness: Harness):
    await announced(harness)
    await harness.press("or:1", user_id=301)
    assert "You are registered" in harness.rec.last().text
    [document] = sent_to(harness, 301, "sendDocument")
    [event] = calendar_of(document).walk("VEVENT")
    assert str(event["uid"]) == "workshop-1@auszug-bot" and event["sequence"] == 0
    assert event["dtstart"].dt == START
    assert await pending(harness, "workshop_reminder") == [
        (301, "2026-12-11T17:00:00+00:00"),
        (301, "2026-12-12T15:00:00+00:00"),
    ]
    harness.clock.moment = START - timedelta(days=1)
    await harness.deliver()
    assert sum("your workshop is tomorrow" in c.text for c in sent_to(harness, 301)) == 1
    harness.clock.moment = START - timedelta(hours=2)
    await harness.deliver()
    [reminder] = [c for c in sent_to(harness, 301) if "begins in 2 hours" in c.text]
    assert "ox:ask:1" in reminder.callback_data


async def test_twice_full_and_the_waitlist(harness: Harness):
    await announced(harness)
    await harness.press("or:1", user_id=301)
    await harness.press("or:1", user_id=301)
    assert "registered for this workshop already" in harness.rec.last().text
    await harness.press("or:1", user_id=302)
    await harness.press("or:1", user_id=303)
    assert "you are on the waitlist" in harness.rec.last().text
    assert "number 1" in harness.rec.last().text
    assert await harness.rows(
        "SELECT u.telegram_id, s.seat FROM workshop_seats s JOIN users u ON u.id = s.user_id"
        " ORDER BY u.telegram_id"
    ) == [(301, "registered"), (302, "registered"), (303, "waitlisted")]
    assert len(sent_to(harness, 303, "sendDocument")) == 0
    await harness.press("or:1", user_id=303)
    assert "on the waitlist already" in harness.rec.last().text
    await volunteer(harness, 304)
    await harness.press("or:1", user_id=304)
    assert "number 2" in harness.rec.last().text


async def test_a_place_given_up_goes_to_the_waitlist_with_a_message(harness: Harness):
    await announced(harness)
    for telegram_id in VOLUNTEERS:
        await harness.press("or:1", user_id=telegram_id)
    await harness.press("ox:ask:1", user_id=301)
    assert harness.rec.last().callback_data == ["ox:yes:1", "ow:1"]
    await harness.press("ox:yes:1", user_id=301)
    assert "free for someone else" in harness.rec.last().text
    await harness.press("ox:yes:1", user_id=301)  # pressed again
    assert expired_alert(harness)
    reminders = {row[0] for row in await pending(harness, "workshop_reminder")}
    assert reminders == {302, 303}
    await harness.deliver()
    [promoted] = sent_to(harness, 303, "sendDocument")
    assert "you are now registered" in promoted.params["caption"]
    assert calendar_of(promoted).walk("VEVENT")[0]["sequence"] == 0


async def test_a_begun_workshop_takes_no_registrations(harness: Harness):
    await announced(harness)
    harness.clock.moment = START + timedelta(minutes=1)
    await harness.press("or:1", user_id=301)
    assert "has begun or is over" in harness.rec.last().text
    assert await harness.rows("SELECT * FROM workshop_seats") == []


async def test_the_participant_list_shows_the_profiles_first_name(harness: Harness):
    await announced(harness)
    await harness.press("fp:name", user_id=301)
    await harness.send("Jana", user_id=301)
    await harness.press("or:1", user_id=301)
    await harness.press("or:1", user_id=302)  # no profile name: Telegram's first name
    await harness.press("os:participants:1", user_id=CASEWORKER)
    listing = harness.rec.last().text
    assert "1. Jana" in listing and "2. Olena" in listing and "2 of 2" in listing
    assert (await audit(harness))[-1][2:] == ("workshop.participants", None, "workshop=1")


async def test_the_csv_has_first_names_only_and_no_formulas(harness: Harness):
    await announced(harness)
    await harness.press("or:1", user_id=301)
    async with harness.db.transaction() as db:  # a Telegram name can look like a formula
        await db.conn.execute("UPDATE workshop_seats SET first_name = '=HYPERLINK(1)'")
    await harness.press("or:1", user_id=302)
    await harness.press("or:1", user_id=303)
    await harness.press("os:export:1", user_id=CASEWORKER)
    [document] = sent_to(harness, CASEWORKER, "sendDocument")
    filename, content = document.files["document"]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert filename == "workshop-1.csv"
    assert rows == [
        ["No.", "First name", "Status"],
        ["1", "'=HYPERLINK(1)", "registered"],
        ["2", "Olena", "registered"],
        ["3", "Olena", "waitlist"],
    ]
    assert (await audit(harness))[-1][2:] == ("workshop.participants", None, "workshop=1:csv")


# Changes and cancellation.


async def test_a_change_reaches_everyone_and_moves_the_reminders(harness: Harness):
    await announced(harness, FORM.replace("Plätze: 2", "Plätze: 1"))
    await harness.press("or:1", user_id=301)
    await harness.press("or:1", user_id=302)  # waitlist
    await harness.press("os:edit:1", user_id=CASEWORKER)
    assert "Wann: 12.12.2026 18:00-20:00" in harness.rec.last().text  # the form, filled in
    moved = FORM.replace("18:00-20:00", "10:00-12:00").replace("Plätze: 2", "Plätze: 1")
    await harness.send(moved, user_id=CASEWORKER)
    assert "Everyone with a place or on the waitlist is told" in harness.rec.last().text
    await harness.deliver()
    [document] = sent_to(harness, 301, "sendDocument")[-1:]
    event = calendar_of(document).walk("VEVENT")[0]
    assert event["sequence"] == 1 and event["dtstart"].dt == START - timedelta(hours=8)
    ten = harness.tr("en").time(START - timedelta(hours=8))
    assert "has changed" in document.params["caption"] and ten in document.params["caption"]
    assert "on the waitlist" in sent_to(harness, 302)[-1].text
    assert [row[1] for row in await pending(harness, "workshop_reminder")] == [
        "2026-12-11T09:00:00+00:00",
        "2026-12-12T07:00:00+00:00",
    ]
    await harness.press("os:edit:1", user_id=CASEWORKER)
    await harness.send(moved, user_id=CASEWORKER)
    assert "Nothing has changed" in harness.rec.last().text


async def test_the_capacity_cannot_drop_below_the_places_given_and_rising_promotes(
    harness: Harness,
):
    await announced(harness)
    for telegram_id in VOLUNTEERS:
        await harness.press("or:1", user_id=telegram_id)
    await harness.press("os:edit:1", user_id=CASEWORKER)
    await harness.send(FORM.replace("Plätze: 2", "Plätze: 1"), user_id=CASEWORKER)
    assert "2 people have a place already" in harness.rec.last().text
    await harness.send(FORM.replace("Plätze: 2", "Plätze: 3"), user_id=CASEWORKER)
    assert await harness.rows("SELECT count(*) FROM workshop_seats WHERE seat = 'registered'") == [
        (3,)
    ]
    await harness.deliver()
    assert any("you are now registered" in c.text for c in sent_to(harness, 303, "sendDocument"))


async def test_cancelling_tells_everyone_and_stops_every_reminder(harness: Harness):
    await announced(harness)
    await harness.press("or:1", user_id=301)
    await harness.press("os:cancel:1", user_id=CASEWORKER)
    assert "1 person with a place" in harness.rec.last().text
    await harness.press("os:cancelyes:1", user_id=CASEWORKER)
    assert "The workshop is cancelled. 1 person is told." in harness.rec.last().text
    assert await pending(harness, "workshop_reminder") == []
    await harness.deliver()
    [document] = sent_to(harness, 301, "sendDocument")[-1:]
    cancelled = calendar_of(document)
    assert cancelled["method"] == "CANCEL"
    assert cancelled.walk("VEVENT")[0]["sequence"] == 1
    assert sent_to(harness, 302) == []  # the announcement not sent yet is stopped too
    assert await harness.rows("SELECT * FROM workshop_seats") == []
    await harness.press("or:1", user_id=302)
    assert "has been cancelled" in harness.rec.last().text
    await harness.press("os:cancelyes:1", user_id=CASEWORKER)  # twice: nothing more
    assert "can no longer be changed" in harness.rec.last().text
