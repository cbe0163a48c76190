"""/book and /appointments: seekers and volunteers book consultation hours, wait for a place,
cancel, reschedule, and answer reminders and offers.

Booking: the kind (Sprechstunde or Beratung), the carrier or "any", a day, a time, confirm.
Every step is a button whose data carries what was chosen, so an old message still works;
slot and booking ids in them are claims, checked in the transaction that acts on them.
Choosing a carrier here does not share the housing search with it (no consent is given).
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import date, datetime

from telegram import InlineKeyboardButton, InputFile, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext, BotData
from bot.features import MenuEntry, add_menu_entry
from bot.i18n import N_
from bot.limits import BOOKING_DAYS_SHOWN, BOOKING_HORIZON, OFFER_SWEEP_EVERY, SLOT_TIMES_SHOWN
from domain.accounts import Account, Role
from domain.appointments import (
    BookedSlot,
    Booking,
    BookingStatus,
    Refusal,
    Slot,
    SlotKind,
    SlotOverview,
    may_book,
    waitlist_position,
)
from handlers.appointments.routes import (
    BOOK,
    BOOK_DAY,
    BOOK_SLOT,
    BOOKING,
    CANCEL_BOOKING,
    JOIN_WAITLIST,
    MOVE_BOOKING,
    MY_APPOINTMENTS,
    WAITLIST_OFFER,
)
from handlers.appointments.texts import (
    Card,
    booking_calendar,
    card_text,
    day_code,
    kind_name,
    local_day,
    parse_day_code,
    policy,
    policy_of,
    register_renderers,
    when,
    when_short,
)
from handlers.common import guards, texts
from handlers.common.main_menu import is_registered, show_main_menu
from handlers.common.routes import BOOK_AT_CARRIER, Route, parsed
from handlers.common.ui import Keyboard, menu_row, show
from storage import accounts
from storage import bookings as store
from storage import slots as slot_store

BOOKERS = frozenset({Role.SEEKER, Role.VOLUNTEER})
ANY_CARRIER = 0


def _booker(context: BotContext) -> Account | None:
    account = context.account
    if account is None or not is_registered(account) or account.role not in BOOKERS:
        return None
    return account


async def _not_a_booker(update: Update, context: BotContext) -> None:
    """Staff and people who have not finished /start: say so, or lead them into /start."""
    account = context.account
    if account is None or not is_registered(account):
        await show_main_menu(update, context)
        return
    text = context.t(
        "Booking consultations is for households looking for a flat and for volunteers."
    )
    await show(update, context, text, [menu_row(context)])


def _back(context: BotContext, route: Route, *args: str | int) -> list[InlineKeyboardButton]:
    return [route.button("« " + context.t("Back"), *args)]


# Choosing -----------------------------------------------------------------------------------


async def on_book(update: Update, context: BotContext) -> None:
    """/book: which kind of consultation."""
    if _booker(context) is None:
        await _not_a_booker(update, context)
        return
    t = context.t
    text = "\n\n".join(
        (
            t("What would you like to book?"),
            t(
                "<b>Sprechstunde</b>: open consultation hours. You come during the time given, "
                "staff answer your questions, often with an interpreter."
            ),
            t("<b>Beratung</b>: a one-to-one conversation with a caseworker, about 30 minutes."),
        )
    )
    rows = [[BOOK.button(kind_name(context.i18n, kind), kind)] for kind in SlotKind]
    await show(update, context, text, [*rows, menu_row(context)])


async def _open_slots(
    context: BotContext, account: Account, kind: SlotKind, carrier_id: int = ANY_CARRIER
) -> list[SlotOverview]:
    now = context.now()
    return await slot_store.list_bookable(
        context.db,
        kind=kind,
        role=account.role,
        now=now,
        until=now + BOOKING_HORIZON,
        carrier_id=carrier_id or None,
    )


async def _nothing_open(update: Update, context: BotContext, kind: SlotKind) -> None:
    text = "\n\n".join(
        (
            context.t(
                "Right now there are no times for a {kind} in the next weeks. Please look "
                "again in a few days."
            ).format(kind=kind_name(context.i18n, kind)),
            await texts.offline_route(context),
        )
    )
    await show(update, context, text, [_back(context, BOOK, "start"), menu_row(context)])


async def on_kind(update: Update, context: BotContext) -> None:
    arg = parsed(update).arg
    account = _booker(context)
    if account is None or arg == "start":
        await on_book(update, context)
        return
    kind = SlotKind(arg)
    found = await _open_slots(context, account, kind)
    if not found:
        await _nothing_open(update, context, kind)
        return
    carrier_ids = {o.slot.carrier_id for o in found}
    carriers = [c for c in await accounts.list_carriers(context.db) if c.id in carrier_ids]
    t = context.t
    text = "\n\n".join(
        (
            t("Which carrier would you like to talk to?"),
            t("Choosing a carrier here does not share your housing search with it."),
        )
    )
    rows = [[BOOK_AT_CARRIER.button(c.name, kind, c.id)] for c in carriers]
    rows.append([BOOK_AT_CARRIER.button(t("Any carrier"), kind, ANY_CARRIER)])
    await show(update, context, text, [*rows, _back(context, BOOK, "start"), menu_row(context)])


async def on_carrier(update: Update, context: BotContext) -> None:
    """The days with times of this kind (at this carrier), full days marked."""
    kind_arg, carrier_arg = parsed(update).args
    await _show_days(update, context, SlotKind(kind_arg), int(carrier_arg))


async def _show_days(
    update: Update, context: BotContext, kind: SlotKind, carrier_id: int, note: str = ""
) -> None:
    account = _booker(context)
    if account is None:
        await _not_a_booker(update, context)
        return
    found = await _open_slots(context, account, kind, carrier_id)
    if not found:
        await _nothing_open(update, context, kind)
        return
    i18n, t = context.i18n, context.t
    days: dict[date, tuple[datetime, bool]] = {}  # local day → its first start, a place free
    for o in found:
        day = local_day(i18n, o.slot.starts_at)
        first, free = days.get(day, (o.slot.starts_at, False))
        days[day] = (first, free or o.free > 0)
    buttons = []
    for day, (first, free) in list(days.items())[:BOOKING_DAYS_SHOWN]:
        label = i18n.short_date(first)
        if not free:
            # TRANSLATORS: a day button; {day} is e.g. "Thu, Dec 3".
            label = t("{day} (full)").format(day=label)
        buttons.append(BOOK_DAY.button(label, kind, carrier_id, day_code(day)))
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    text = t("Which day suits you? On full days you can join the waitlist.")
    text = f"{note}\n\n{text}" if note else text
    await show(update, context, text, [*rows, _back(context, BOOK, kind), menu_row(context)])


def _time_label(context: BotContext, o: SlotOverview, carriers: dict[int, str]) -> str:
    i18n = context.i18n
    values = {
        "time": i18n.time_range(o.slot.starts_at, o.slot.ends_at),
        "carrier": carriers.get(o.slot.carrier_id, ""),
    }
    if o.free == 0:
        # TRANSLATORS: a button; {time} is e.g. "10:00-12:00", {carrier} e.g. Caritas.
        return context.t("{time}, {carrier}: full, waitlist").format(**values)
    return context.tn(
        "{time}, {carrier}: {n} place free", "{time}, {carrier}: {n} places free", o.free
    ).format(n=i18n.number(o.free), **values)


async def on_day(update: Update, context: BotContext) -> None:
    kind_arg, carrier_arg, code = parsed(update).args
    kind, carrier_id, day = SlotKind(kind_arg), int(carrier_arg), parse_day_code(code)
    account = _booker(context)
    if account is None or day is None:
        await guards.answer_expired(update, context)
        return
    found = [
        o
        for o in await _open_slots(context, account, kind, carrier_id)
        if local_day(context.i18n, o.slot.starts_at) == day
    ][:SLOT_TIMES_SHOWN]
    if not found:
        note = context.t("There are no more times on that day. Please choose another day.")
        await _show_days(update, context, kind, carrier_id, note)
        return
    carriers = {c.id: c.name for c in await accounts.list_carriers(context.db)}
    rows = [
        [BOOK_SLOT.button(_time_label(context, o, carriers), "ask", o.slot.id, carrier_id)]
        for o in found
    ]
    text = context.t("Which time on {date}?").format(date=context.i18n.date(day))
    await show(
        update,
        context,
        text,
        [*rows, _back(context, BOOK_AT_CARRIER, kind, carrier_id), menu_row(context)],
    )


# Booking ------------------------------------------------------------------------------------


# What a person is told when their request cannot be done. Refusals missing here (a slot
# not open to them, someone else's booking) get "This button has expired.": they reveal nothing.
_REFUSALS = {
    Refusal.SLOT_CANCELLED: N_(
        "The carrier has cancelled this appointment. Please choose another time."
    ),
    Refusal.STARTED: N_("This time has already begun or is over. Please choose another time."),
    Refusal.ALREADY: N_(
        "You have booked this time already, or you are on its waitlist. Your appointments: "
        "/appointments"
    ),
    Refusal.FULL: N_("Sorry, the last place was just taken. You can join the waitlist."),
    Refusal.NOT_FULL: N_("A place is free again: you can book it now."),
    Refusal.NOT_ACTIVE: N_("This booking is no longer active. Your appointments: /appointments"),
    Refusal.OFFER_GONE: N_(
        "Sorry, the time to take this place has run out. It went to the next person on the "
        "waitlist."
    ),
}


async def _refused(update: Update, context: BotContext, refusal: Refusal, rows: Keyboard) -> None:
    if refusal not in _REFUSALS:
        await guards.answer_expired(update, context)
        return
    await show(update, context, context.t(_REFUSALS[refusal]), [*rows, menu_row(context)])


async def on_slot(update: Update, context: BotContext) -> None:
    step, slot_arg, carrier_arg = parsed(update).args
    account = _booker(context)
    slot = await slot_store.get_slot(context.db, int(slot_arg)) if account else None
    if account is None or slot is None or not slot.audience.admits(account.role):
        await guards.answer_expired(update, context)
        return
    if step == "yes":
        await _book(update, context, account, slot, int(carrier_arg), wait=False)
        return
    await _show_slot(update, context, account, slot, int(carrier_arg))


async def _carrier_name(context: BotContext, carrier_id: int) -> str:
    carrier = await accounts.get_carrier(context.db, carrier_id)
    return carrier.name if carrier else ""


async def _show_slot(
    update: Update, context: BotContext, account: Account, slot: Slot, carrier_filter: int
) -> None:
    now, t = context.now(), context.t
    bookings = await store.slot_bookings(context.db, slot.id)
    refusal = may_book(slot, bookings, account.id, account.role, now)
    back = _back(
        context,
        BOOK_DAY,
        slot.kind,
        carrier_filter,
        day_code(local_day(context.i18n, slot.starts_at)),
    )
    if refusal not in (None, Refusal.FULL):
        await _refused(update, context, refusal, [back])
        return
    card = card_text(context.i18n, Card.of(slot, await _carrier_name(context, slot.carrier_id)))
    if refusal is Refusal.FULL:
        question = t(
            "This time is full. Join the waitlist? If a place becomes free, you get a message "
            "and can take it."
        )
        action = JOIN_WAITLIST.button("⏳ " + t("Join the waitlist"), slot.id, carrier_filter)
    else:
        question = t("Do you want to book this time?")
        action = BOOK_SLOT.button("✓ " + t("Book"), "yes", slot.id, carrier_filter)
    await show(update, context, f"{card}\n\n{question}", [[action], back, menu_row(context)])


async def _book(
    update: Update,
    context: BotContext,
    account: Account,
    slot: Slot,
    carrier_filter: int,
    *,
    wait: bool,
) -> None:
    async with context.db.transaction() as db:
        result = await store.book(
            db, slot.id, account.id, account.role, context.now(), policy(context), wait=wait
        )
    if isinstance(result, Refusal):
        rows: Keyboard = []
        if result in (Refusal.FULL, Refusal.NOT_FULL):
            rows = [
                [
                    BOOK_SLOT.button(
                        context.t("Show this time again"), "ask", slot.id, carrier_filter
                    )
                ]
            ]
        await _refused(update, context, result, rows)
        return
    if wait:
        await _show_waiting(update, context, slot, result)
        return
    await _confirm_booked(update, context, account, slot, result, context.t("✅ Booked."))


async def on_wait(update: Update, context: BotContext) -> None:
    slot_arg, carrier_arg = parsed(update).args
    account = _booker(context)
    slot = await slot_store.get_slot(context.db, int(slot_arg)) if account else None
    if account is None or slot is None or not slot.audience.admits(account.role):
        await guards.answer_expired(update, context)
        return
    await _book(update, context, account, slot, int(carrier_arg), wait=True)


async def _show_waiting(update: Update, context: BotContext, slot: Slot, booking: Booking) -> None:
    bookings = await store.slot_bookings(context.db, slot.id)
    position = waitlist_position(bookings, booking.id) or 1
    text = context.t(
        "You are on the waitlist, in place {position}. If a place becomes free, you get a "
        "message and can take it within a few hours."
    ).format(position=context.i18n.number(position))
    card = card_text(context.i18n, Card.of(slot, await _carrier_name(context, slot.carrier_id)))
    await show(update, context, f"{text}\n\n{card}", [_mine_row(context), menu_row(context)])


def _mine_row(context: BotContext) -> list[InlineKeyboardButton]:
    return [MY_APPOINTMENTS.button("🗓 " + context.t("My appointments"), "mine")]


async def _confirm_booked(
    update: Update,
    context: BotContext,
    account: Account,
    slot: Slot,
    booking: Booking,
    headline: str,
) -> None:
    """The confirmation, then the calendar file as a document of its own."""
    t, i18n = context.t, context.i18n
    carrier = await _carrier_name(context, slot.carrier_id)
    if account.case_number:
        identify = t("At the door, please tell them your case number: {number}.").format(
            number=i18n.isolate(account.case_number)
        )
    else:
        identify = t("Your booking number: {number}.").format(number=i18n.number(booking.id))
    text = "\n\n".join(
        (
            headline,
            card_text(i18n, Card.of(slot, carrier)),
            identify,
            t("You will get a reminder the evening before and 2 hours before."),
        )
    )
    await show(update, context, text, [_mine_row(context), menu_row(context)])
    await _send_calendar(update, context, slot, carrier, booking)


async def _send_calendar(
    update: Update, context: BotContext, slot: Slot, carrier: str, booking: Booking
) -> None:
    assert update.effective_chat is not None
    filename, content = booking_calendar(context.i18n, slot, carrier, booking, context.now())
    if booking.status is BookingStatus.CANCELLED:
        caption = context.t("📅 This file removes the appointment from your calendar.")
    else:
        caption = context.t("📅 Add the appointment to your calendar with this file.")
    with suppress(BadRequest, Forbidden):  # the booking stands even if the file cannot go
        await context.bot.send_document(
            update.effective_chat.id, InputFile(content, filename=filename), caption=caption
        )


# My appointments ------------------------------------------------------------------------------


def _status_line(context: BotContext, item: BookedSlot) -> str:
    i18n, booking, slot = context.i18n, item.booking, item.slot
    values = {
        "date": when_short(i18n, slot.starts_at, slot.ends_at),
        "kind": kind_name(i18n, slot.kind),
        "carrier": i18n.isolate(html.escape(item.carrier_name)),
    }
    if booking.status is BookingStatus.WAITING:
        return context.t(
            "{date}: {kind} at {carrier}, on the waitlist in place {position}."
        ).format(position=i18n.number(item.waitlist_position or 0), **values)
    if booking.status is BookingStatus.OFFERED and booking.offered_until is not None:
        return context.t(
            "{date}: {kind} at {carrier}. A place is offered to you until {deadline}."
        ).format(deadline=i18n.datetime(booking.offered_until, "short"), **values)
    return context.t("{date}: {kind} at {carrier}, booked.").format(**values)


async def on_mine(update: Update, context: BotContext) -> None:
    """/appointments: what the person booked or waits for, each with a button."""
    account = _booker(context)
    if account is None:
        await _not_a_booker(update, context)
        return
    found = await store.upcoming_bookings(context.db, account.id, context.now())
    t = context.t
    book_row = [BOOK.button("📅 " + t("Book a consultation"), "start")]
    if not found:
        text = t("You have no appointments at the moment.")
        await show(update, context, text, [book_row, menu_row(context)])
        return
    lines = [_status_line(context, item) for item in found]
    text = "\n".join(
        (t("Your appointments:"), *lines, "", t("Tap one to see it, change or cancel it."))
    )
    rows = [
        [
            BOOKING.button(
                when_short(context.i18n, i.slot.starts_at, i.slot.ends_at), "show", i.booking.id
            )
        ]
        for i in found
    ]
    await show(update, context, text, [*rows, book_row, menu_row(context)])


async def _own_booking(
    update: Update, context: BotContext, booking_arg: str
) -> tuple[Account, BookedSlot] | None:
    """The presser's booking of a button; someone else's (or none) has expired."""
    account = _booker(context)
    item = await store.booked_slot(context.db, int(booking_arg), account.id) if account else None
    if account is None or item is None:
        await guards.answer_expired(update, context)
        return None
    return account, item


async def on_booking(update: Update, context: BotContext) -> None:
    action, booking_arg = parsed(update).args
    found = await _own_booking(update, context, booking_arg)
    if found is not None:
        await _BOOKING_ACTIONS[action](update, context, *found)


async def _show_booking(
    update: Update, context: BotContext, account: Account, item: BookedSlot
) -> None:
    t, booking = context.t, item.booking
    if not booking.status.is_active or item.slot.ends_at <= context.now():
        await _refused(update, context, Refusal.NOT_ACTIVE, [_mine_row(context)])
        return
    rows: Keyboard = []
    if booking.status is BookingStatus.BOOKED:
        rows = [
            [BOOKING.button("📅 " + t("Calendar file"), "ics", booking.id)],
            [BOOKING.button("🔁 " + t("Change the time"), "move", booking.id)],
            [CANCEL_BOOKING.button("✗ " + t("Cancel the appointment"), "ask", booking.id)],
        ]
    elif booking.status is BookingStatus.OFFERED:
        rows = [
            [WAITLIST_OFFER.button("✓ " + t("Yes, I take the place"), "take", booking.id)],
            [WAITLIST_OFFER.button("✗ " + t("No, thanks"), "no", booking.id)],
        ]
    else:
        rows = [[CANCEL_BOOKING.button("✗ " + t("Leave the waitlist"), "ask", booking.id)]]
    card = card_text(context.i18n, Card.of(item.slot, item.carrier_name))
    text = f"{_status_line(context, item)}\n\n{card}"
    await show(update, context, text, [*rows, _mine_row(context), menu_row(context)])


async def _resend_calendar(
    update: Update, context: BotContext, account: Account, item: BookedSlot
) -> None:
    if item.booking.status is not BookingStatus.BOOKED:
        await _refused(update, context, Refusal.NOT_ACTIVE, [_mine_row(context)])
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _send_calendar(update, context, item.slot, item.carrier_name, item.booking)


async def _coming(update: Update, context: BotContext, account: Account, item: BookedSlot) -> None:
    """The answer "I'll come" to a reminder."""
    async with context.db.transaction() as db:
        result = await store.confirm_booking(db, item.booking.id, account.id, context.now())
    if isinstance(result, Refusal):
        await _refused(update, context, result, [_mine_row(context)])
        return
    text = context.t("Thank you! We expect you on {date}.").format(
        date=when(context.i18n, item.slot.starts_at, item.slot.ends_at)
    )
    await show(update, context, text, [_mine_row(context), menu_row(context)])


async def _show_moves(
    update: Update, context: BotContext, account: Account, item: BookedSlot
) -> None:
    """Other free times of the same kind at the same carrier, to move the booking to."""
    if item.booking.status is not BookingStatus.BOOKED:
        await _refused(update, context, Refusal.NOT_ACTIVE, [_mine_row(context)])
        return
    found = await _open_slots(context, account, item.slot.kind, item.slot.carrier_id)
    free = [o.slot for o in found if o.free > 0 and o.slot.id != item.slot.id]
    back = _back(context, BOOKING, "show", item.booking.id)
    t, i18n = context.t, context.i18n
    if not free:
        text = t(
            "{carrier} has no other free time for this at the moment. You can keep your "
            "appointment or cancel it."
        ).format(carrier=i18n.isolate(html.escape(item.carrier_name)))
        await show(update, context, text, [back, menu_row(context)])
        return
    rows = [
        [
            MOVE_BOOKING.button(
                when_short(i18n, s.starts_at, s.ends_at), "ask", item.booking.id, s.id
            )
        ]
        for s in free[:SLOT_TIMES_SHOWN]
    ]
    text = t("Which time would suit you better? Your current place is kept until you choose.")
    await show(update, context, text, [*rows, back, menu_row(context)])


BookingAction = Callable[[Update, BotContext, Account, BookedSlot], Awaitable[None]]
_BOOKING_ACTIONS: dict[str, BookingAction] = {
    "show": _show_booking,
    "ics": _resend_calendar,
    "come": _coming,
    "move": _show_moves,
}


async def on_move(update: Update, context: BotContext) -> None:
    step, booking_arg, slot_arg = parsed(update).args
    found = await _own_booking(update, context, booking_arg)
    if found is None:
        return
    account, item = found
    target = await slot_store.get_slot(context.db, int(slot_arg))
    if target is None or not target.audience.admits(account.role):
        await guards.answer_expired(update, context)
        return
    t, i18n = context.t, context.i18n
    back = _back(context, BOOKING, "move", item.booking.id)
    if step == "ask":
        text = t("Move your appointment from {old} to {new}?").format(
            old=when(i18n, item.slot.starts_at, item.slot.ends_at),
            new=when(i18n, target.starts_at, target.ends_at),
        )
        rows = [
            [MOVE_BOOKING.button("✓ " + t("Yes, move it"), "yes", item.booking.id, target.id)],
            back,
        ]
        await show(update, context, text, [*rows, menu_row(context)])
        return
    async with context.db.transaction() as db:
        result = await store.move_booking(
            db,
            item.booking.id,
            account.id,
            account.role,
            target.id,
            context.now(),
            policy(context),
        )
    if isinstance(result, Refusal):
        await _refused(update, context, result, [back])
        return
    await _confirm_booked(update, context, account, target, result, t("✅ Moved. Your new time:"))


async def on_cancel(update: Update, context: BotContext) -> None:
    step, booking_arg = parsed(update).args
    found = await _own_booking(update, context, booking_arg)
    if found is None:
        return
    account, item = found
    if not item.booking.status.is_active:
        await _refused(update, context, Refusal.NOT_ACTIVE, [_mine_row(context)])
        return
    t, i18n = context.t, context.i18n
    moment = when(i18n, item.slot.starts_at, item.slot.ends_at)
    if step == "ask":
        if item.booking.status is BookingStatus.BOOKED:
            text = t(
                "Cancel your appointment on {date}? Your place goes to someone on the waitlist."
            ).format(date=moment)
        else:
            text = t("Leave the waitlist for {date}?").format(date=moment)
        rows = [
            [CANCEL_BOOKING.button("✓ " + t("Yes, cancel"), "yes", item.booking.id)],
            [BOOKING.button("✗ " + t("No, keep it"), "show", item.booking.id)],
        ]
        await show(update, context, text, [*rows, menu_row(context)])
        return
    async with context.db.transaction() as db:
        result = await store.cancel_booking(
            db, item.booking.id, account.id, context.now(), policy(context)
        )
    if isinstance(result, Refusal):
        await _refused(update, context, result, [_mine_row(context)])
        return
    text = t("Cancelled: {date}. Thank you for letting us know.").format(date=moment)
    rows = [[BOOK.button("📅 " + t("Book another time"), "start")], _mine_row(context)]
    await show(update, context, text, [*rows, menu_row(context)])
    if item.booking.status is BookingStatus.BOOKED:
        await _send_calendar(update, context, item.slot, item.carrier_name, result)


async def on_offer(update: Update, context: BotContext) -> None:
    answer, booking_arg = parsed(update).args
    found = await _own_booking(update, context, booking_arg)
    if found is None:
        return
    account, item = found
    take = answer == "take"
    async with context.db.transaction() as db:
        result = await store.answer_offer(
            db, item.booking.id, account.id, take, context.now(), policy(context)
        )
    if isinstance(result, Refusal):
        await _refused(update, context, result, [_mine_row(context)])
        return
    if take:
        await _confirm_booked(update, context, account, item.slot, result, context.t("✅ Booked."))
        return
    text = context.t("All right. The place goes to the next person on the waitlist.")
    await show(update, context, text, [_mine_row(context), menu_row(context)])


# The waitlist's clock -----------------------------------------------------------------------


async def sweep(data: BotData) -> int:
    """Passes lapsed offers on to the next in line; returns how many bookings changed.

    Why a sweep and not an outbox row per offer: a renderer only makes text and cannot
    change bookings, and the next offer must be decided against the waitlist as it is when
    the time runs out. The deadline is stored with the booking (offered_until) and every
    booking write settles its slot first, so correctness never waits for the sweep; the sweep
    only makes the next person hear of it within OFFER_SWEEP_EVERY. Nothing lives in the
    scheduler: after a restart the first sweep catches up with everything overdue. Each slot
    is settled in its own short transaction, so taps are never held up for long."""
    now, policy = data.clock(), policy_of(data.settings)
    changed = 0
    for slot_id in await store.slots_to_settle(data.db, now):
        async with data.db.transaction() as db:
            changed += await store.settle_slot_by_id(db, slot_id, now, policy)
    return changed


async def _sweep_job(context: BotContext) -> None:
    await sweep(context.bot_data)


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("book", on_book))
    app.add_handler(CommandHandler("appointments", on_mine))
    for route, callback in (
        (BOOK, on_kind),
        (BOOK_AT_CARRIER, on_carrier),
        (BOOK_DAY, on_day),
        (BOOK_SLOT, on_slot),
        (JOIN_WAITLIST, on_wait),
        (WAITLIST_OFFER, on_offer),
        (MY_APPOINTMENTS, on_mine),
        (BOOKING, on_booking),
        (CANCEL_BOOKING, on_cancel),
        (MOVE_BOOKING, on_move),
    ):
        app.add_handler(route.handler(callback))
    add_menu_entry(
        app, MenuEntry(N_("Book a consultation"), "📅", BOOK.data("start"), BOOKERS, 20)
    )
    add_menu_entry(
        app, MenuEntry(N_("My appointments"), "🗓", MY_APPOINTMENTS.data("mine"), BOOKERS, 21)
    )
    register_renderers(app)
    assert app.job_queue is not None
    app.job_queue.run_repeating(
        _sweep_job,
        interval=OFFER_SWEEP_EVERY,
        first=OFFER_SWEEP_EVERY,
        name="waitlist-offers",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
