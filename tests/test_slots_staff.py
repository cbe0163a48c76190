"""Staff keep their carrier's consultation hours through the real Application: one typed line,
the choices on buttons, changes and cancellations that reach everyone, attendance, the day list."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from bot.limits import MAX_BUTTONS
from domain.appointments import SlotKind
from domain.slot_line import MAX_CAPACITY
from tests.appointments_setup import (
    DRK,
    THURSDAY_TEN,
    add_slot,
    booking_rows,
    calendar_of,
    documents,
    register_volunteer,
    seekers,
)
from tests.conftest import Harness
from tests.staffing import (
    CASEWORKER,
    OTHER_CASEWORKER,
    audit,
    expired_alert,
    last_audit,
    make_team,
    texts_to,
)

PHOTO = {"photo": [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 90}]}
OLENA, AHMAD = 111, 112
LINE = "2026-12-03 10:00-12:00 8 Kalker Hauptstr. 247"


async def _slots(h: Harness) -> list[tuple]:
    return await h.rows(
        "SELECT carrier_id, kind, audience, starts_at, ends_at, capacity, address, languages,"
        " cancelled_at IS NOT NULL FROM slots ORDER BY starts_at"
    )


async def _press(h: Harness, data: str, user_id: int = CASEWORKER) -> None:
    await h.press(data, user_id=user_id)


async def test_staff_create_a_weekly_sprechstunde_with_one_line_and_buttons(harness: Harness):
    await make_team(harness)
    await harness.send("/slots", user_id=CASEWORKER)
    assert harness.rec.last().callback_data[:2] == ["bn:sprechstunde", "bn:beratung"]
    await _press(harness, "bn:sprechstunde")
    question = harness.rec.last().text
    assert "<code>2026-12-02 10:00-12:00 8 Kalker Hauptstr. 247, 51103 Köln</code>" in question
    await harness.send(LINE, user_id=CASEWORKER)
    summary = harness.rec.last()
    en = harness.tr("en")
    assert en.date(date(2026, 12, 3)) in summary.text and "8 places" in summary.text
    assert "For: households and volunteers" in summary.text
    for data in ("bq:aud:seekers", "bq:lg:uk", "bq:lg:ar", "bq:wk:4"):
        await _press(harness, data)
    summary = harness.rec.last()
    assert "Interpreters for: Ukrainian and Arabic" in summary.text
    last = en.date(date(2026, 12, 24), "medium")  # the 4th Thursday
    assert f"Every week, 4 times, until {last}." in summary.text
    assert "✓ households looking for a flat" in [b["text"] for b in summary.buttons]
    await _press(harness, "bq:save:0")
    assert harness.rec.last().text.startswith("4 new times were created.")
    assert await _slots(harness) == [
        (1, "sprechstunde", "seekers", f"2026-12-{day:02d}T09:00:00+00:00",
         f"2026-12-{day:02d}T11:00:00+00:00", 8, "Kalker Hauptstr. 247", "uk ar", 0)
        for day in (3, 10, 17, 24)
    ]  # fmt: skip
    assert (await last_audit(harness))[:3] == (CASEWORKER, 1, "slots.create")
    await _press(harness, "bq:save:0")  # a double tap
    assert expired_alert(harness)
    assert len(await _slots(harness)) == 4


async def test_the_same_line_twice_creates_nothing_twice(harness: Harness):
    await make_team(harness)
    for _ in range(2):
        await _press(harness, "bn:sprechstunde")
        await harness.send(LINE, user_id=CASEWORKER)
        await _press(harness, "bq:save:0")
    assert "1 existed already" in harness.rec.last().text
    assert len(await _slots(harness)) == 1


async def test_a_beratung_window_becomes_conversations_of_one_place(harness: Harness):
    await make_team(harness)
    await _press(harness, "bn:beratung")
    await harness.send("3.12. 14:00-15:30 30 Kalker Hauptstr. 247", user_id=CASEWORKER)
    assert "3 conversations of 30 minutes each" in harness.rec.last().text
    await _press(harness, "bq:save:0")
    rows = await _slots(harness)
    assert [(r[1], r[3], r[5]) for r in rows] == [
        ("beratung", "2026-12-03T13:00:00+00:00", 1),
        ("beratung", "2026-12-03T13:30:00+00:00", 1),
        ("beratung", "2026-12-03T14:00:00+00:00", 1),
    ]


async def test_a_wrong_line_is_explained_with_an_example_and_nothing_is_saved(harness: Harness):
    await make_team(harness)
    await _press(harness, "bn:sprechstunde")
    await harness.send("next thursday at ten", user_id=CASEWORKER)
    answer = harness.rec.last().text
    assert answer.startswith("I could not read that line.") and "<code>2026-12-02" in answer
    await harness.send("2026-12-03 12:00-10:00 8 Kalk", user_id=CASEWORKER)
    assert harness.rec.last().text.startswith("The end must be after the start.")
    await harness.send("2026-12-03 10:00-12:00 0 Kalk", user_id=CASEWORKER)
    assert harness.rec.last().text.startswith("The number of places must be from 1 to 40.")
    await harness.send(user_id=CASEWORKER, **PHOTO)
    assert harness.rec.last().text.startswith("Please write the line as text.")
    await harness.send("/cancel", user_id=CASEWORKER)
    assert harness.rec.last().text.startswith("Stopped. Nothing was saved.")
    await harness.send(LINE, user_id=CASEWORKER)  # no question open: the general answer
    assert "Please use the buttons." in harness.rec.last().text
    assert await _slots(harness) == []
    assert await harness.rows("SELECT * FROM slot_drafts") == []


async def test_a_draft_survives_a_restart(harness: Harness):
    await make_team(harness)
    await _press(harness, "bn:sprechstunde")
    await harness.restart()
    await harness.send(LINE, user_id=CASEWORKER)
    await _press(harness, "bq:lg:fa")
    await harness.restart()
    await _press(harness, "bq:save:0")
    assert [row[7] for row in await _slots(harness)] == ["fa"]


async def test_only_staff_of_the_carrier_see_and_touch_its_slots(harness: Harness):
    await make_team(harness)
    slot = await add_slot(harness)
    await seekers(harness, OLENA)
    await harness.send("/slots", user_id=OLENA)
    assert "only for staff" in harness.rec.last().text
    await harness.press("bn:sprechstunde", user_id=OLENA)
    assert expired_alert(harness)
    for data in (f"bo:show:{slot.id}", f"bo:edit:{slot.id}", f"bz:yes:{slot.id}"):
        await _press(harness, data, OTHER_CASEWORKER)  # DRK
        assert expired_alert(harness), data
    denied = [row for row in await audit(harness) if row[2].startswith("denied.")]
    assert [(row[0], row[2], row[4]) for row in denied][-3:] == [
        (OTHER_CASEWORKER, "denied.bookings.view", f"bo:show:{slot.id}"),
        (OTHER_CASEWORKER, "denied.slots.change", f"bo:edit:{slot.id}"),
        (OTHER_CASEWORKER, "denied.slots.cancel", f"bz:yes:{slot.id}"),
    ]
    await harness.send("/slots", user_id=OTHER_CASEWORKER)
    assert "DRK has no consultation hours" in harness.rec.last().text
    assert (await _slots(harness))[0][-1] == 0  # not cancelled


async def test_cancelling_a_slot_tells_everyone_in_their_language_with_other_times(
    harness: Harness,
):
    await make_team(harness)
    slot = await add_slot(harness, capacity=1)
    other = await add_slot(harness, THURSDAY_TEN + timedelta(days=7))
    await add_slot(harness, THURSDAY_TEN + timedelta(days=2), carrier_id=DRK)
    await seekers(harness, OLENA, lang="uk")
    await register_volunteer(harness, 300, "de")
    await harness.press(f"bb:yes:{slot.id}:0", lang="uk")
    await harness.press(f"wj:{slot.id}:0", user_id=300, lang="de")
    await _press(harness, f"bz:ask:{slot.id}")
    assert "2 people on it get a message" in harness.rec.last().text
    await _press(harness, f"bz:yes:{slot.id}")
    assert harness.rec.last().text.startswith("Cancelled. 2 people get a message.")
    await _press(harness, f"bz:yes:{slot.id}")  # twice: nothing more happens
    await harness.deliver()
    [to_olena] = [c for c in documents(harness, OLENA) if c.params["caption"].startswith("❌")]
    assert to_olena.params["caption"].startswith(
        harness.t("uk", "❌ {carrier} had to cancel this appointment. We are sorry.").format(
            carrier="Caritas"
        )[:10]
    )
    assert to_olena.callback_data[:2] == [f"bb:ask:{other.id}:1", "bk:start"]
    calendar, event = calendar_of(to_olena)
    assert (str(calendar["method"]), int(event["sequence"])) == ("CANCEL", 1)
    [to_volunteer] = [c for c in harness.rec.sent() if c.params["chat_id"] == 300][-1:]
    assert "Caritas" in to_volunteer.text and documents(harness, 300) == []
    assert [row[3] for row in await booking_rows(harness)] == ["cancelled", "cancelled"]
    assert await harness.rows("SELECT state FROM outbox WHERE ref = 'booking:1'") == [
        ("cancelled",),
        ("cancelled",),
    ]
    assert (await last_audit(harness))[2] == "slots.cancel"


async def test_changing_a_slot_sends_the_new_time_with_an_updated_calendar_entry(
    harness: Harness,
):
    await make_team(harness)
    slot = await add_slot(harness, capacity=1)
    await seekers(harness, OLENA, AHMAD)
    await harness.press(f"bb:yes:{slot.id}:0")
    await harness.press(f"wj:{slot.id}:0", user_id=AHMAD)
    await _press(harness, f"bo:edit:{slot.id}")
    assert "<code>2026-12-03 10:00-12:00 1 Kalker Hauptstr. 247</code>" in harness.rec.last().text
    await harness.send("2026-12-03 14:00-16:00 2 Kalker Hauptstr. 249", user_id=CASEWORKER)
    await _press(harness, "bq:save:0")
    assert harness.rec.last().text.startswith("Saved.")
    await harness.deliver()
    changed = [c for c in documents(harness, OLENA) if "has changed" in c.params["caption"]]
    [document] = changed
    _, event = calendar_of(document)
    assert (str(event["uid"]), int(event["sequence"])) == ("booking-1@auszug-bot", 1)
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    assert str(event["location"]) == "Kalker Hauptstr. 249"
    # Two places now: Ahmad is offered the new one; his notice has no calendar file.
    assert any(c.callback_data[:1] == ["wo:take:2"] for c in harness.rec.sent())
    assert documents(harness, AHMAD) == []
    assert await harness.rows(
        "SELECT due_at FROM outbox WHERE ref = 'booking:1' AND state = 'pending'"
    ) == [("2026-12-02T17:00:00+00:00",), ("2026-12-03T11:00:00+00:00",)]
    assert (CASEWORKER, 1, "slots.change", None, f"slot={slot.id}") in await audit(harness)


async def test_a_slot_cannot_shrink_below_its_bookings(harness: Harness):
    await make_team(harness)
    slot = await add_slot(harness, capacity=2)
    await seekers(harness, OLENA, AHMAD)
    await harness.press(f"bb:yes:{slot.id}:0")
    await harness.press(f"bb:yes:{slot.id}:0", user_id=AHMAD)
    await _press(harness, f"bo:edit:{slot.id}")
    await harness.send("2026-12-03 10:00-12:00 1 Kalker Hauptstr. 247", user_id=CASEWORKER)
    await _press(harness, "bq:save:0")
    assert harness.rec.last().text.startswith("More people have booked than that.")
    assert [row[5] for row in await _slots(harness)] == [2]


async def test_a_wrong_line_while_changing_a_slot_does_not_call_it_new(harness: Harness):
    await make_team(harness)
    slot = await add_slot(harness)
    await _press(harness, f"bo:edit:{slot.id}")
    await harness.send("nonsense", user_id=CASEWORKER)
    again = harness.rec.last().text
    assert again.startswith("I could not read that line.") and "Change of this time" in again
    assert "New Sprechstunde" not in again


async def test_staff_see_bookings_without_names_mark_attendance_and_export_the_day(
    harness: Harness,
):
    await make_team(harness)
    slot = await add_slot(harness)
    [olena] = await seekers(harness, OLENA, lang="uk")
    await register_volunteer(harness, 300, "de")
    await harness.press(f"bb:yes:{slot.id}:0", lang="uk")
    await harness.press(f"bb:yes:{slot.id}:0", user_id=300, lang="de")
    await _press(harness, f"bo:show:{slot.id}")
    view = harness.rec.last()
    assert f"{olena.case_number} · Ukrainian · booked" in view.text
    assert "volunteer 2 · German · booked" in view.text
    assert "Olena" not in view.text
    assert "bt:attended:1" not in view.callback_data  # not before the start
    harness.clock.moment = THURSDAY_TEN + timedelta(minutes=5)
    await _press(harness, f"bo:show:{slot.id}")
    assert harness.rec.last().callback_data[:2] == ["bt:attended:1", "bt:no_show:1"]
    await _press(harness, "bt:attended:1")
    await _press(harness, "bt:no_show:2")
    assert f"{olena.case_number} · Ukrainian · came" in harness.rec.last().text
    await _press(harness, "bt:attended:2", OTHER_CASEWORKER)
    assert expired_alert(harness)
    await _press(harness, "bu:20261203")
    [export] = documents(harness, CASEWORKER)
    filename, content = export.files["document"]
    assert filename == "bookings-2026-12-03.csv"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Time", "Kind", "Case number", "Language", "Status"]
    assert [row[2:] for row in rows[1:]] == [
        [olena.case_number, "Ukrainian", "came"],
        ["volunteer 2", "German", "did not come"],
    ]
    actions = [(row[2], row[3]) for row in await audit(harness)]
    assert ("bookings.attendance", olena.id) in actions
    assert ("bookings.export", olena.id) in actions
    assert ("bookings.view", olena.id) in actions
    assert [row[3] for row in await booking_rows(harness)] == ["attended", "no_show"]
    await harness.send("/mydata", lang="uk")  # the seeker sees that Caritas looked
    seen = harness.t("uk", "{date}: {carrier} noted whether you came to your appointment.")
    assert seen.split("{carrier}")[1] in harness.rec.last().text


async def test_an_empty_day_has_no_list(harness: Harness):
    await make_team(harness)
    await _press(harness, "bu:20261203")
    assert harness.rec.answers()[-1].params["text"].startswith("Nobody has booked on")
    assert documents(harness, CASEWORKER) == []


async def test_a_beratung_change_must_keep_one_conversation(harness: Harness):
    await make_team(harness)
    slot = await add_slot(
        harness, kind=SlotKind.BERATUNG, capacity=1, length=timedelta(minutes=30)
    )
    await _press(harness, f"bo:edit:{slot.id}")
    await harness.send("2026-12-03 10:00-12:00 30 Kalker Hauptstr. 247", user_id=CASEWORKER)
    assert harness.rec.last().text.startswith("A change moves one conversation")
    await harness.send("2026-12-03 11:00-11:30 30 Kalker Hauptstr. 247", user_id=CASEWORKER)
    await _press(harness, "bq:save:0")
    assert [row[3] for row in await _slots(harness)] == ["2026-12-03T10:00:00+00:00"]
    assert texts_to(harness, OLENA) == []


async def test_a_full_slot_with_a_long_waitlist_fits_one_message(harness: Harness):
    await make_team(harness)
    slot = await add_slot(harness, capacity=MAX_CAPACITY)
    people = list(range(1000, 1000 + MAX_CAPACITY + 150))
    await seekers(harness, *people)
    for person in people[:MAX_CAPACITY]:
        await harness.press(f"bb:yes:{slot.id}:0", user_id=person)
    for person in people[MAX_CAPACITY:]:
        await harness.press(f"wj:{slot.id}:0", user_id=person)
    harness.clock.moment = THURSDAY_TEN
    await _press(harness, f"bo:show:{slot.id}")
    view = harness.rec.last()
    assert "more: see the list of the day (CSV)." in view.text
    assert len(view.buttons) <= MAX_BUTTONS
    assert view.callback_data.count("bt:attended:40") == 1  # everyone booked can be marked


async def test_a_new_line_on_the_summary_replaces_the_old_one(harness: Harness):
    await make_team(harness)
    await _press(harness, "bn:sprechstunde")
    await harness.send(LINE, user_id=CASEWORKER)
    await _press(harness, "bq:lg:tr")
    await harness.send("2026-12-04 09:00-11:00 5 Kalker Hauptstr. 247", user_id=CASEWORKER)
    assert harness.tr("en").date(date(2026, 12, 4)) in harness.rec.last().text
    await _press(harness, "bq:save:0")
    assert [(row[3], row[5], row[7]) for row in await _slots(harness)] == [
        ("2026-12-04T08:00:00+00:00", 5, "tr")
    ]
