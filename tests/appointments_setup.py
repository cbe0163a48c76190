"""Shared set-up for the appointment tests: slots, bookers and reading calendar files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from domain.accounts import Account, Audience
from domain.appointments import Slot, SlotKind
from storage import slots
from storage.accounts import get_account
from tests.conftest import Harness
from tests.fakes import Call
from tests.staffing import register_seeker

# The harness clock starts on Wednesday 2026-11-25 at 11:00 UTC (12:00 in Köln).
THURSDAY_TEN = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Köln
CARITAS, DRK = 1, 2
ADDRESS = "Kalker Hauptstr. 247"


async def add_slot(
    h: Harness,
    starts_at: datetime = THURSDAY_TEN,
    *,
    capacity: int = 2,
    kind: SlotKind = SlotKind.SPRECHSTUNDE,
    audience: Audience = Audience.BOTH,
    carrier_id: int = CARITAS,
    length: timedelta = timedelta(hours=2),
    languages: tuple[str, ...] = ("uk", "ar"),
) -> Slot:
    async with h.db.transaction() as db:
        await slots.add_slots(
            db,
            [
                Slot(0, carrier_id, kind, audience, starts_at, starts_at + length, capacity,
                     ADDRESS, languages)
            ],
            h.clock(),
        )  # fmt: skip
    [(slot_id,)] = await h.rows("SELECT max(id) FROM slots")
    slot = await slots.get_slot(h.db, slot_id)
    assert slot is not None
    return slot


async def register_volunteer(h: Harness, telegram_id: int, lang: str = "de") -> Account:
    await h.send("/start", user_id=telegram_id, lang=lang)
    await h.press(f"cs:yes:volunteer:{lang}", user_id=telegram_id, lang=lang)
    found = await get_account(h.db, telegram_id)
    assert found is not None
    return found


async def seekers(h: Harness, *telegram_ids: int, lang: str = "en") -> list[Account]:
    return [await register_seeker(h, telegram_id, lang) for telegram_id in telegram_ids]


def documents(h: Harness, chat_id: int) -> list[Call]:
    return [
        c for c in h.rec.calls if c.endpoint == "sendDocument" and c.params["chat_id"] == chat_id
    ]


def calendar_of(call: Call) -> tuple[Calendar, dict]:
    """The calendar and its one event of a sent .ics."""
    filename, content = call.files["document"]
    assert filename.endswith(".ics")
    calendar = Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    return calendar, event


async def booking_rows(h: Harness) -> list[tuple]:
    """(id, slot_id, telegram id, status), in booking order."""
    return await h.rows(
        "SELECT b.id, b.slot_id, u.telegram_id, b.status FROM bookings b"
        " JOIN users u ON u.id = b.user_id ORDER BY b.id"
    )
