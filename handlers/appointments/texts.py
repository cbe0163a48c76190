"""What seekers, volunteers and staff read about consultation hours, in the reader's language:
the card of a slot, calendar files, and the outbox messages (reminders, offers, changes).

The outbox renderers get only the values stored with the message (storage/bookings.about)
and the recipient's Translator at send time, so texts follow the language they have then.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot import delivery
from bot.context import BotApp, BotContext
from bot.i18n import N_, Translator
from bot.limits import ALTERNATIVES_OFFERED, BOOKING_HORIZON, WAITLIST_OFFER_TIME
from bot.settings import Settings
from domain.accounts import Audience
from domain.appointments import Booking, BookingStatus, Reminder, Slot, SlotKind
from domain.calendar import CalendarEntry, to_ics
from domain.locales import language_name
from domain.outbox import Rendered
from handlers.appointments.routes import (
    BOOK,
    BOOK_SLOT,
    BOOKING,
    CANCEL_BOOKING,
    MY_APPOINTMENTS,
    WAITLIST_OFFER,
)
from handlers.common.ui import outbox_menu_row
from storage import bookings
from storage.db import from_db

# What interpreters may cover; German is spoken at every slot.
INTERPRETER_LANGUAGES = ("uk", "ru", "ar", "fa", "ps", "tr", "ku", "sq", "ti", "so", "fr", "en")

KIND_NAMES = {
    SlotKind.SPRECHSTUNDE: N_("Sprechstunde (open consultation hours)"),
    SlotKind.BERATUNG: N_("Beratung (one-to-one advice)"),
}
AUDIENCE_NAMES = {
    Audience.SEEKERS: N_("households looking for a flat"),
    Audience.VOLUNTEERS: N_("volunteers"),
    Audience.BOTH: N_("households and volunteers"),
}
STATUS_NAMES = {
    BookingStatus.BOOKED: N_("booked"),
    BookingStatus.WAITING: N_("waiting"),
    BookingStatus.OFFERED: N_("place offered"),
    BookingStatus.CANCELLED: N_("cancelled"),
    BookingStatus.DECLINED: N_("declined"),
    BookingStatus.EXPIRED: N_("offer expired"),
    BookingStatus.ATTENDED: N_("came"),
    BookingStatus.NO_SHOW: N_("did not come"),
}


def policy_of(settings: Settings) -> bookings.Policy:
    return bookings.Policy(
        offer_time=WAITLIST_OFFER_TIME,
        tz=settings.tz,
        alternatives=ALTERNATIVES_OFFERED,
        horizon=BOOKING_HORIZON,
    )


def policy(context: BotContext) -> bookings.Policy:
    return policy_of(context.settings)


def local_day(tr: Translator, moment: datetime) -> date:
    return moment.astimezone(tr.tz).date()


def day_code(day: date) -> str:
    """A local date in callback data: YYYYMMDD."""
    return day.isoformat().replace("-", "")


def parse_day_code(code: str) -> date | None:
    try:
        return date(int(code[:4]), int(code[4:6]), int(code[6:]))
    except ValueError:
        return None


def day_bounds(tr: Translator, day: date) -> tuple[datetime, datetime]:
    """The UTC moments a local day begins and ends: 23 or 25 hours on the days of the change."""
    start = datetime.combine(day, time(0), tzinfo=tr.tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tr.tz)


@dataclass(frozen=True, slots=True)
class Card:
    """The facts of a slot a message shows, from a Slot or from an outbox message's params."""

    kind: SlotKind
    carrier: str
    starts_at: datetime
    ends_at: datetime
    address: str
    languages: tuple[str, ...]

    @classmethod
    def of(cls, slot: Slot, carrier: str) -> Card:
        return cls(slot.kind, carrier, slot.starts_at, slot.ends_at, slot.address, slot.languages)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Card:
        starts_at, ends_at = from_db(params["starts_at"]), from_db(params["ends_at"])
        assert starts_at is not None and ends_at is not None
        return cls(
            SlotKind(params["kind"]),
            params["carrier"],
            starts_at,
            ends_at,
            params["address"],
            tuple(params["languages"]),
        )


def kind_name(tr: Translator, kind: SlotKind) -> str:
    return tr.gettext(KIND_NAMES[kind])


def when(tr: Translator, starts_at: datetime, ends_at: datetime) -> str:
    # TRANSLATORS: {date} is e.g. "Thursday, 3 December 2026", {time} "10:00-12:00".
    return tr.gettext("{date}, {time}").format(
        date=tr.date(local_day(tr, starts_at)), time=tr.time_range(starts_at, ends_at)
    )


def when_short(tr: Translator, starts_at: datetime, ends_at: datetime) -> str:
    # TRANSLATORS: {day} is e.g. "Thu, Dec 3", {time} "10:00-12:00"; for buttons and lists.
    return tr.gettext("{day}, {time}").format(
        day=tr.short_date(starts_at), time=tr.time_range(starts_at, ends_at)
    )


def languages_text(tr: Translator, codes: tuple[str, ...]) -> str:
    return tr.join([language_name(code, tr.locale) for code in codes])


def card_text(tr: Translator, card: Card) -> str:
    # TRANSLATORS: the facts of an appointment; {kind} is e.g. "Sprechstunde (open
    # consultation hours)", {carrier} e.g. Caritas, {address} a street in Köln.
    text = tr.gettext("<b>{kind}</b> at {carrier}\n📅 {when}\n📍 {address}").format(
        kind=kind_name(tr, card.kind),
        carrier=tr.isolate(html.escape(card.carrier)),
        when=when(tr, card.starts_at, card.ends_at),
        address=tr.isolate(html.escape(card.address)),
    )
    if card.languages:
        text += "\n" + tr.gettext("🗣 Interpreters for: {languages}").format(
            languages=languages_text(tr, card.languages)
        )
    return text


# Calendar files -----------------------------------------------------------------------------


def calendar_file(
    tr: Translator,
    card: Card,
    booking_id: int,
    sequence: int,
    now: datetime,
    *,
    cancelled: bool = False,
) -> tuple[str, bytes]:
    """The booking's .ics in the reader's language: the same UID for its whole life."""
    # TRANSLATORS: the title of a calendar entry; {kind} is e.g. "Sprechstunde (open
    # consultation hours)", {carrier} e.g. Caritas.
    summary = tr.gettext("{kind} at {carrier}").format(
        kind=kind_name(tr, card.kind), carrier=card.carrier
    )
    description = tr.gettext(
        "Booked with the bot of the move-out programme (Auszugsmanagement), booking number "
        "{number}. To cancel or change it, send /appointments to the bot."
    ).format(number=booking_id)
    if card.languages:
        description += "\n" + tr.gettext("Interpreters for: {languages}").format(
            languages=languages_text(tr, card.languages)
        )
    entry = CalendarEntry(
        booking_id=booking_id,
        sequence=sequence,
        starts_at=card.starts_at,
        ends_at=card.ends_at,
        summary=summary,
        description=description,
        location=card.address,
        cancelled=cancelled,
    )
    return f"{card.kind.value}-{booking_id}.ics", to_ics(entry, tr.tz, now)


def booking_calendar(
    tr: Translator, slot: Slot, carrier: str, booking: Booking, now: datetime
) -> tuple[str, bytes]:
    cancelled = booking.status is BookingStatus.CANCELLED
    return calendar_file(
        tr, Card.of(slot, carrier), booking.id, booking.sequence, now, cancelled=cancelled
    )


# Outbox renderers -----------------------------------------------------------------------------

Buttons = tuple[tuple[tuple[str, str], ...], ...]


def render_reminder(params: Mapping[str, Any], tr: Translator) -> Rendered:
    card = Card.from_params(params)
    if params["reminder"] == Reminder.EVENING:
        headline = tr.gettext("⏰ Reminder: tomorrow you have an appointment.")
    else:
        headline = tr.gettext("⏰ Reminder: your appointment begins today at {time}.").format(
            time=tr.time(card.starts_at)
        )
    question = tr.gettext("Will you come? If you cannot, please tell us: someone else can come.")
    booking = params["booking"]
    buttons: Buttons = (
        (("✓ " + tr.gettext("I'll come"), BOOKING.data("come", booking)),),
        (("✗ " + tr.gettext("I can't come"), CANCEL_BOOKING.data("ask", booking)),),
        outbox_menu_row(tr),
    )
    text = "\n\n".join((headline, card_text(tr, card), question))
    return Rendered(text, buttons)


def render_offer(params: Mapping[str, Any], tr: Translator) -> Rendered:
    card, booking = Card.from_params(params), params["booking"]
    until = from_db(params["offered_until"])
    assert until is not None
    text = "\n\n".join(
        (
            tr.gettext("🎉 A place has become free for you:"),
            card_text(tr, card),
            # TRANSLATORS: {deadline} is a date and time, e.g. "3 Dec 2026, 14:00".
            tr.gettext(
                "Do you want it? Please answer by {deadline}. After that, the place goes to "
                "the next person on the waitlist."
            ).format(deadline=tr.datetime(until, "short")),
        )
    )
    buttons: Buttons = (
        (("✓ " + tr.gettext("Yes, I take the place"), WAITLIST_OFFER.data("take", booking)),),
        (("✗ " + tr.gettext("No, thanks"), WAITLIST_OFFER.data("no", booking)),),
        outbox_menu_row(tr),
    )
    return Rendered(text, buttons)


def _calendar(params: Mapping[str, Any], tr: Translator, *, cancelled: bool) -> tuple[str, bytes]:
    stamp = from_db(params["changed_at"])
    assert stamp is not None
    return calendar_file(
        tr,
        Card.from_params(params),
        params["booking"],
        params["sequence"],
        stamp,
        cancelled=cancelled,
    )


def render_changed(params: Mapping[str, Any], tr: Translator) -> Rendered:
    text = "\n\n".join(
        (
            tr.gettext("✏️ Your appointment has changed. This is the new time and place:"),
            card_text(tr, Card.from_params(params)),
        )
    )
    document = _calendar(params, tr, cancelled=False) if params["calendar"] else None
    buttons: Buttons = (
        (("🗓 " + tr.gettext("My appointments"), MY_APPOINTMENTS.data("mine")),),
        outbox_menu_row(tr),
    )
    return Rendered(text, buttons, document)


def render_cancelled(params: Mapping[str, Any], tr: Translator) -> Rendered:
    """A slot cancelled by staff, with the next free times of the same kind as buttons."""
    card = Card.from_params(params)
    parts = [
        tr.gettext("❌ {carrier} had to cancel this appointment. We are sorry.").format(
            carrier=tr.isolate(html.escape(card.carrier))
        ),
        card_text(tr, card),
    ]
    alternatives = params["alternatives"]
    if alternatives:
        parts.append(tr.gettext("You can book one of these times instead:"))
    rows = [
        ((when_short(tr, start, end), BOOK_SLOT.data("ask", slot_id, params["carrier_id"])),)
        for slot_id, start, end in _alternative_times(alternatives)
    ]
    rows.append((("📅 " + tr.gettext("Book another time"), BOOK.data("start")),))
    document = _calendar(params, tr, cancelled=True) if params["calendar"] else None
    return Rendered("\n\n".join(parts), (*rows, outbox_menu_row(tr)), document)


def _alternative_times(alternatives: list[list[Any]]) -> list[tuple[int, datetime, datetime]]:
    found = []
    for slot_id, start, end in alternatives:
        starts_at, ends_at = from_db(start), from_db(end)
        assert starts_at is not None and ends_at is not None
        found.append((int(slot_id), starts_at, ends_at))
    return found


def register_renderers(app: BotApp) -> None:
    delivery.register_renderer(app, bookings.REMINDER, render_reminder)
    delivery.register_renderer(app, bookings.OFFER, render_offer, essential=True)
    delivery.register_renderer(app, bookings.CHANGED, render_changed, essential=True)
    delivery.register_renderer(app, bookings.CANCELLED, render_cancelled, essential=True)
