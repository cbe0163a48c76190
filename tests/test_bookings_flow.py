"""Seekers and volunteers book consultation hours through the real Application: booking,
the waitlist and its offers, reminders, cancelling and rescheduling, refusals."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from bot.limits import WAITLIST_OFFER_TIME
from domain.accounts import Audience
from domain.appointments import SlotKind
from handlers.appointments.bookings import sweep
from handlers.appointments.texts import when_short
from tests.appointments_setup import (
    THURSDAY_TEN,
    add_slot,
    booking_rows,
    calendar_of,
    documents,
    register_volunteer,
    seekers,
)
from tests.conftest import Harness
from tests.staffing import CASEWORKER, expired_alert, make_staff, texts_to

OLENA, AHMAD, ZAHRA = 111, 112, 113


async def _book(h: Harness, slot_id: int, user_id: int, lang: str = "en") -> None:
    await h.press(f"bb:yes:{slot_id}:0", user_id=user_id, lang=lang)


async def test_a_seeker_books_step_by_step_and_gets_a_calendar_file(harness: Harness):
    slot = await add_slot(harness)
    [olena] = await seekers(harness, OLENA)
    await harness.send("/book")
    assert harness.rec.last().callback_data == ["bk:sprechstunde", "bk:beratung", "mn:home"]
    await harness.press("bk:sprechstunde")
    assert "does not share your housing search" in harness.rec.last().text
    assert harness.rec.last().callback_data[:2] == ["bc:sprechstunde:1", "bc:sprechstunde:0"]
    await harness.press("bc:sprechstunde:0")
    assert harness.rec.last().callback_data[0] == "bd:sprechstunde:0:20261203"
    await harness.press("bd:sprechstunde:0:20261203")
    day = harness.rec.last()
    en = harness.tr("en")
    assert en.date(date(2026, 12, 3)) in day.text
    range_ = en.time_range(slot.starts_at, slot.ends_at)
    assert day.buttons[0]["text"] == f"{range_}, Caritas: 2 places free"
    await harness.press(f"bb:ask:{slot.id}:0")
    assert harness.rec.last().callback_data[0] == f"bb:yes:{slot.id}:0"
    await _book(harness, slot.id, OLENA)
    confirmation = harness.rec.last().text
    assert confirmation.startswith("✅ Booked.")
    assert "Kalker Hauptstr. 247" in confirmation and "Ukrainian and Arabic" in confirmation
    assert f"case number: {olena.case_number}" in confirmation
    [document] = documents(harness, OLENA)
    _, event = calendar_of(document)
    assert str(event["uid"]) == "booking-1@auszug-bot" and int(event["sequence"]) == 0
    assert str(event["summary"]) == "Sprechstunde (open consultation hours) at Caritas"
    assert event.decoded("dtstart").astimezone(UTC) == THURSDAY_TEN
    assert await booking_rows(harness) == [(1, slot.id, OLENA, "booked")]
    # Booking a Sprechstunde shares nothing with the carrier.
    assert await harness.rows("SELECT * FROM carrier_consents") == []


async def test_the_sunday_the_clocks_go_back_is_shown_in_local_time_in_the_readers_language(
    harness: Harness,
):
    harness.clock.moment = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    sunday = await add_slot(harness, datetime(2026, 10, 25, 9, 0, tzinfo=UTC))  # 10:00 CET
    await seekers(harness, OLENA, lang="uk")
    await harness.press("bd:sprechstunde:0:20261025", lang="uk")
    uk = harness.tr("uk")
    assert uk.date(date(2026, 10, 25)) in harness.rec.last().text
    ten_to_twelve = uk.time_range(sunday.starts_at, sunday.ends_at)  # local time: 10 to 12
    assert ten_to_twelve == uk.time_range(
        datetime(2026, 10, 25, 10, 0, tzinfo=uk.tz), datetime(2026, 10, 25, 12, 0, tzinfo=uk.tz)
    )
    assert harness.rec.last().buttons[0]["text"].startswith(ten_to_twelve)
    await _book(harness, sunday.id, OLENA, "uk")
    assert ten_to_twelve in harness.rec.last().text
    _, event = calendar_of(documents(harness, OLENA)[0])
    assert event.decoded("dtstart").strftime("%H:%M %Z") == "10:00 CET"
    assert "Sprechstunde" in str(event["summary"])  # the German term stays visible
    assert await harness.rows("SELECT starts_at FROM slots") == [("2026-10-25T09:00:00+00:00",)]
    assert await harness.rows("SELECT due_at FROM outbox ORDER BY due_at") == [
        ("2026-10-24T16:00:00+00:00",),  # Saturday 18:00, still summer time
        ("2026-10-25T07:00:00+00:00",),  # 08:00 after the change
    ]


async def test_two_people_taking_the_last_place_at_once_only_one_gets_it(harness: Harness):
    slot = await add_slot(harness, capacity=1)
    await seekers(harness, OLENA, AHMAD)
    harness.rec.clear()
    await asyncio.gather(_book(harness, slot.id, OLENA), _book(harness, slot.id, AHMAD))
    statuses = [row[3] for row in await booking_rows(harness)]
    assert statuses == ["booked"]
    loser = AHMAD if (await booking_rows(harness))[0][2] == OLENA else OLENA
    assert texts_to(harness, loser)[-1].startswith("Sorry, the last place was just taken.")
    assert len(documents(harness, loser)) == 0


async def test_many_people_at_once_never_overbook(harness: Harness):
    slot = await add_slot(harness, capacity=3)
    people = list(range(200, 210))
    await seekers(harness, *people)
    await asyncio.gather(*(_book(harness, slot.id, person) for person in people))
    assert len(await booking_rows(harness)) == 3


async def test_one_active_booking_per_person_and_slot(harness: Harness):
    slot = await add_slot(harness)
    await seekers(harness, OLENA)
    await _book(harness, slot.id, OLENA)
    await _book(harness, slot.id, OLENA)
    assert "You have booked this time already" in harness.rec.last().text
    await harness.press(f"wj:{slot.id}:0")
    assert len(await booking_rows(harness)) == 1


async def test_a_time_that_has_begun_is_refused_with_a_clear_message(harness: Harness):
    slot = await add_slot(harness)
    await seekers(harness, OLENA)
    await harness.press(f"bb:ask:{slot.id}:0")  # the button stays in the chat
    harness.clock.moment = THURSDAY_TEN
    await _book(harness, slot.id, OLENA)
    assert harness.rec.last().text.startswith("This time has already begun or is over.")
    assert await booking_rows(harness) == []


async def test_slots_of_the_other_audience_are_neither_shown_nor_bookable(harness: Harness):
    volunteers_only = await add_slot(harness, audience=Audience.VOLUNTEERS)
    await seekers(harness, OLENA)
    await harness.press("bk:sprechstunde")
    assert harness.rec.last().text.startswith("Right now there are no times")
    await harness.press(f"bb:ask:{volunteers_only.id}:0")
    assert expired_alert(harness)
    await _book(harness, volunteers_only.id, OLENA)
    assert expired_alert(harness)
    await register_volunteer(harness, 300)
    await harness.press("bk:sprechstunde", user_id=300, lang="de")
    assert harness.rec.last().callback_data[0] == "bc:sprechstunde:1"
    await _book(harness, volunteers_only.id, 300, "de")
    number = harness.t("de", "Your booking number: {number}.").format(number=1)
    assert number in harness.rec.last().text  # volunteers have no case number
    assert await booking_rows(harness) == [(1, volunteers_only.id, 300, "booked")]


async def test_staff_and_strangers_cannot_book(harness: Harness):
    slot = await add_slot(harness)
    await make_staff(harness, CASEWORKER)
    await harness.send("/book", user_id=CASEWORKER)
    assert "for households looking for a flat and for volunteers" in harness.rec.last().text
    await _book(harness, slot.id, CASEWORKER)
    assert expired_alert(harness)
    await harness.send("/appointments", user_id=777)  # never started the bot
    assert harness.rec.last().callback_data[0].startswith("lg:")
    assert await booking_rows(harness) == []


async def test_a_forged_or_foreign_booking_id_changes_nothing(harness: Harness):
    slot = await add_slot(harness)
    await seekers(harness, OLENA, AHMAD)
    await _book(harness, slot.id, OLENA)
    for data in ("bx:yes:1", "bv:show:1", "bv:ics:1", "bm:yes:1:1", "wo:take:1", "bx:yes:999"):
        await harness.press(data, user_id=AHMAD)
        assert expired_alert(harness), data
    assert await booking_rows(harness) == [(1, slot.id, OLENA, "booked")]


async def test_the_waitlist_gets_the_place_when_someone_cancels(harness: Harness):
    slot = await add_slot(harness, capacity=1)
    await seekers(harness, OLENA, AHMAD)
    await _book(harness, slot.id, OLENA)
    await harness.press(f"bb:ask:{slot.id}:0", user_id=AHMAD)
    assert harness.rec.last().callback_data[0] == f"wj:{slot.id}:0"
    await harness.press(f"wj:{slot.id}:0", user_id=AHMAD)
    assert "on the waitlist, in place 1" in harness.rec.last().text
    await harness.press("bx:ask:1")
    assert "Your place goes to someone on the waitlist" in harness.rec.last().text
    await harness.press("bx:yes:1")
    assert harness.rec.last().text.startswith("Cancelled:")
    cancel_file = documents(harness, OLENA)[-1]
    calendar, event = calendar_of(cancel_file)
    assert (str(calendar["method"]), str(event["status"])) == ("CANCEL", "CANCELLED")
    assert (str(event["uid"]), int(event["sequence"])) == ("booking-1@auszug-bot", 1)
    await harness.deliver()
    offer = harness.rec.last()
    assert offer.params["chat_id"] == AHMAD and "A place has become free for you" in offer.text
    assert offer.callback_data[:2] == ["wo:take:2", "wo:no:2"]
    await harness.press("wo:take:2", user_id=AHMAD)
    assert harness.rec.last().text.startswith("✅ Booked.")
    assert documents(harness, AHMAD)
    assert [row[3] for row in await booking_rows(harness)] == ["cancelled", "booked"]


async def test_an_offer_not_taken_in_time_goes_to_the_next_even_after_a_restart(
    harness: Harness,
):
    slot = await add_slot(harness, capacity=1)
    await seekers(harness, OLENA, AHMAD, ZAHRA)
    await _book(harness, slot.id, OLENA)
    await harness.press(f"wj:{slot.id}:0", user_id=AHMAD)
    await harness.press(f"wj:{slot.id}:0", user_id=ZAHRA)
    await harness.press("bx:yes:1")
    await harness.deliver()
    assert "wo:take:2" in harness.rec.last().callback_data
    await harness.restart()
    harness.clock.advance(timedelta(hours=5, minutes=59))
    assert await sweep(harness.app.bot_data) == 0  # still within the six hours
    harness.clock.advance(timedelta(minutes=1))
    assert await sweep(harness.app.bot_data) == 2  # Ahmad's offer expires, Zahra's begins
    await harness.deliver()
    assert harness.rec.last().params["chat_id"] == ZAHRA
    assert "wo:take:3" in harness.rec.last().callback_data
    await harness.press("wo:take:2", user_id=AHMAD)  # too late
    assert "the time to take this place has run out" in harness.rec.last().text
    await harness.press("wo:no:3", user_id=ZAHRA)
    assert "goes to the next person" in harness.rec.last().text
    assert [row[3] for row in await booking_rows(harness)] == ["cancelled", "expired", "declined"]
    # Nobody waits any more: the place is free for anyone again.
    await harness.press(f"bb:ask:{slot.id}:0")
    assert harness.rec.last().callback_data[0] == f"bb:yes:{slot.id}:0"


async def test_reminders_come_the_evening_before_and_two_hours_before(harness: Harness):
    slot = await add_slot(harness)
    await seekers(harness, OLENA)
    await _book(harness, slot.id, OLENA)
    await harness.send("/language")
    await harness.press("lg:uk")  # the reminder follows the language of the moment it goes
    harness.rec.clear()
    harness.clock.moment = datetime(2026, 12, 2, 16, 59, tzinfo=UTC)
    await harness.deliver()
    assert harness.rec.sent() == []
    harness.clock.moment = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # 18:00 in Köln
    await harness.deliver()
    evening = harness.rec.last()
    assert evening.text.startswith(
        harness.t("uk", "⏰ Reminder: tomorrow you have an appointment.")
    )
    assert evening.callback_data[:2] == ["bv:come:1", "bx:ask:1"]
    confirmed = harness.clock().isoformat()  # the answer may wait out the reminder's second
    await harness.press("bv:come:1", lang="uk")
    assert await harness.rows("SELECT confirmed_at FROM bookings") == [(confirmed,)]
    harness.clock.moment = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    await harness.deliver()
    ten = harness.tr("uk").time(slot.starts_at)
    assert ten in harness.rec.last().text and harness.rec.last().params["chat_id"] == OLENA


async def test_i_cannot_come_frees_the_place_and_stops_the_reminders(harness: Harness):
    slot = await add_slot(harness, capacity=1)
    await seekers(harness, OLENA, AHMAD)
    await _book(harness, slot.id, OLENA)
    await harness.press(f"wj:{slot.id}:0", user_id=AHMAD)
    harness.clock.moment = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    await harness.deliver()
    await harness.press("bx:ask:1")  # "I can't come" asks once more
    assert await harness.rows("SELECT status FROM bookings WHERE id = 1") == [("booked",)]
    freed_at = harness.clock()  # a second after the reminder: her answer waited it out
    await harness.press("bx:yes:1")
    await harness.deliver()
    offer = harness.rec.last()
    assert offer.params["chat_id"] == AHMAD and offer.callback_data[0] == "wo:take:2"
    # The offer is held for six hours, and Olena's 2-hour reminder never comes.
    assert await harness.rows("SELECT offered_until FROM bookings WHERE id = 2") == [
        ((freed_at + WAITLIST_OFFER_TIME).isoformat(),)
    ]
    harness.clock.moment = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    harness.rec.clear()
    await harness.deliver()
    assert texts_to(harness, OLENA) == []
    assert await harness.rows(
        "SELECT dedupe_key, state FROM outbox WHERE ref = 'booking:1' ORDER BY id"
    ) == [("booking:1:0:eve", "sent"), ("booking:1:0:2h", "cancelled")]


async def test_moving_a_booking_keeps_its_calendar_entry(harness: Harness):
    first = await add_slot(harness)
    later = await add_slot(harness, THURSDAY_TEN + timedelta(days=7))
    other_carrier = await add_slot(harness, THURSDAY_TEN + timedelta(days=1), carrier_id=2)
    await seekers(harness, OLENA)
    await _book(harness, first.id, OLENA)
    await harness.press("bv:move:1")
    assert harness.rec.last().callback_data[0] == f"bm:ask:1:{later.id}"
    assert f"bm:ask:1:{other_carrier.id}" not in harness.rec.last().callback_data
    await harness.press(f"bm:ask:1:{later.id}")
    assert harness.tr("en").date(date(2026, 12, 10)) in harness.rec.last().text
    await harness.press(f"bm:yes:1:{later.id}")
    assert harness.rec.last().text.startswith("✅ Moved.")
    _, event = calendar_of(documents(harness, OLENA)[-1])
    assert (str(event["uid"]), int(event["sequence"])) == ("booking-1@auszug-bot", 1)
    assert event.decoded("dtstart").astimezone(UTC) == later.starts_at
    assert await booking_rows(harness) == [(1, later.id, OLENA, "booked")]
    assert await harness.rows("SELECT dedupe_key, state FROM outbox ORDER BY id") == [
        ("booking:1:0:eve", "cancelled"),
        ("booking:1:0:2h", "cancelled"),
        ("booking:1:1:eve", "pending"),
        ("booking:1:1:2h", "pending"),
    ]


async def test_my_appointments_lists_bookings_and_waitlist_places(harness: Harness):
    full = await add_slot(harness, capacity=1)
    beratung = await add_slot(
        harness, THURSDAY_TEN + timedelta(days=1), capacity=1, kind=SlotKind.BERATUNG,
        length=timedelta(minutes=30), languages=(),
    )  # fmt: skip
    await seekers(harness, OLENA, AHMAD)
    await _book(harness, full.id, AHMAD)
    await harness.press(f"wj:{full.id}:0")
    await _book(harness, beratung.id, OLENA)
    await harness.send("/appointments")
    listing = harness.rec.last()
    assert "on the waitlist in place 1" in listing.text
    when = when_short(harness.tr("en"), beratung.starts_at, beratung.ends_at)
    beratung_line = f"{when}: Beratung (one-to-one advice)"
    assert f"{beratung_line} at Caritas, booked." in listing.text
    assert listing.callback_data[:2] == ["bv:show:2", "bv:show:3"]
    await harness.press("bv:show:2")
    assert harness.rec.last().callback_data[0] == "bx:ask:2"  # leave the waitlist
    await harness.press("bx:yes:2")
    assert harness.rec.last().text.startswith("Cancelled:")
    assert len(documents(harness, OLENA)) == 1  # no calendar file for a waitlist place


async def test_typed_text_and_photos_during_booking_lose_nothing(harness: Harness):
    slot = await add_slot(harness)
    await seekers(harness, OLENA)
    await _book(harness, slot.id, OLENA)
    await harness.send("hello")
    assert "Please use the buttons." in harness.rec.last().text
    await harness.press("bk:nonsense")
    assert expired_alert(harness)
    assert await booking_rows(harness) == [(1, slot.id, OLENA, "booked")]


async def test_my_data_lists_the_appointments(harness: Harness):
    slot = await add_slot(harness)
    await seekers(harness, OLENA)
    await _book(harness, slot.id, OLENA)
    await harness.send("/mydata")
    text = harness.rec.last().text
    assert "Your appointments:" in text
    assert "Status: " + harness.tr("en").pgettext("booking", "booked") in text
    await harness.send("/delete")
    await harness.press("dl:yes")
    assert await booking_rows(harness) == []
    assert await harness.rows("SELECT count(*) FROM outbox") == [(0,)]


async def test_the_waitlist_sweep_is_a_job_that_survives_misfires(harness: Harness):
    assert harness.app.job_queue is not None
    [job] = harness.app.job_queue.get_jobs_by_name("waitlist-offers")
    assert job.job.misfire_grace_time is None and job.job.coalesce is True


async def test_a_place_freed_by_a_deleted_account_goes_to_the_waitlist(harness: Harness):
    slot = await add_slot(harness, capacity=1)
    await seekers(harness, OLENA, AHMAD)
    await _book(harness, slot.id, OLENA)
    await harness.press(f"wj:{slot.id}:0", user_id=AHMAD)
    assert await sweep(harness.app.bot_data) == 0  # nothing due
    await harness.send("/delete")
    await harness.press("dl:yes")
    assert await sweep(harness.app.bot_data) == 1
    await harness.deliver()
    assert harness.rec.last().params["chat_id"] == AHMAD
    assert harness.rec.last().callback_data[0] == "wo:take:2"
