"""/workshops for volunteers and households: the list, one workshop, registering, leaving, and
how each message about a workshop looks when the outbox sends it.

Buttons carry a workshop id, a claim checked on every press: the workshop must be announced
and open to the presser's role, or they must hold a place in it. Staff get their carrier's
view instead (handlers/volunteers/workshop_admin.py).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from bot import delivery
from bot.context import BotApp, BotContext
from bot.features import MenuEntry, add_menu_entry
from bot.i18n import N_, Translator
from bot.limits import WORKSHOP_LIST_SIZE
from domain.accounts import Account, Role
from domain.outbox import Rendered
from domain.profiles import MAX_FIRST_NAME, NameProblem, read_first_name
from domain.workshops import Attendance, Refusal, Seat, Workshop, from_params
from handlers.common.guards import answer_expired
from handlers.common.main_menu import is_registered, show_main_menu
from handlers.common.routes import parsed
from handlers.common.ui import Keyboard, menu_row, outbox_menu_row, show
from handlers.volunteers import workshop_admin
from handlers.volunteers.routes import (
    LEAVE_WORKSHOP,
    NOT_THIS_TIME,
    REGISTER_WORKSHOP,
    WORKSHOP,
    WORKSHOP_CALENDAR,
    WORKSHOPS,
)
from handlers.volunteers.workshop_texts import button_label, calendar_file, card, summary, title
from storage import profiles
from storage import workshops as storage
from storage.db import Db, from_db


@dataclass(frozen=True, slots=True)
class Standing:
    """A workshop as one participant sees it."""

    workshop: Workshop
    attendance: Attendance


def _participant(context: BotContext) -> Account | None:
    account = context.account
    if account is None or not is_registered(account) or account.role is Role.STAFF:
        return None
    return account


async def _standing(db: Db, account: Account, workshop_id: int) -> Standing | None:
    """The workshop if the account may see it: announced and for them, or they hold a seat."""
    workshop = await storage.get_workshop(db, workshop_id)
    if workshop is None or workshop.announced_at is None:
        return None
    seen = await storage.attendance(db, workshop_id, account.id)
    if not (workshop.details.audience.admits(account.role) or seen.seat):
        return None
    return Standing(workshop, seen)


def _status_line(context: BotContext, standing: Standing) -> str:
    t, i18n = context.t, context.i18n
    if standing.attendance.seat is Seat.REGISTERED:
        return "✅ " + t("You have a place. We will remind you the day before and 2 hours before.")
    if standing.attendance.seat is Seat.WAITLISTED:
        return "⏳ " + t(
            "You are on the waitlist, number {position}. If a place becomes free, you get it "
            "automatically and we tell you."
        ).format(position=i18n.number(standing.attendance.position))
    free = standing.workshop.details.capacity - standing.attendance.registered
    if free > 0:
        return context.tn("{n} place is free.", "{n} places are free.", free).format(
            n=i18n.number(free)
        )
    return t("All places are taken. You can join the waitlist.")


def _detail_rows(context: BotContext, standing: Standing) -> Keyboard:
    t, workshop_id = context.t, standing.workshop.id
    rows: Keyboard = []
    if standing.attendance.seat is Seat.REGISTERED:
        rows.append([WORKSHOP_CALENDAR.button("📅 " + t("Calendar file"), workshop_id)])
        rows.append([LEAVE_WORKSHOP.button("✗ " + t("Give up my place"), "ask", workshop_id)])
    elif standing.attendance.seat is Seat.WAITLISTED:
        rows.append([LEAVE_WORKSHOP.button("✗ " + t("Leave the waitlist"), "ask", workshop_id)])
    elif standing.attendance.registered < standing.workshop.details.capacity:
        rows.append([REGISTER_WORKSHOP.button("✅ " + t("Register"), workshop_id)])
    else:
        rows.append([REGISTER_WORKSHOP.button("⏳ " + t("Join the waitlist"), workshop_id)])
    rows.append([WORKSHOPS.button("« " + t("All workshops"), "all")])
    rows.append(menu_row(context))
    return rows


async def _show_standing(
    update: Update, context: BotContext, standing: Standing, note: str = ""
) -> None:
    parts = [note] if note else []
    parts += [card(context.i18n, standing.workshop), _status_line(context, standing)]
    await show(update, context, "\n\n".join(parts), _detail_rows(context, standing))


def _list_line(context: BotContext, workshop: Workshop, seat: Seat | None, taken: int) -> str:
    t, i18n = context.t, context.i18n
    if seat is Seat.REGISTERED:
        state = t("you have a place")
    elif seat is Seat.WAITLISTED:
        state = t("you are on the waitlist")
    elif taken < workshop.details.capacity:
        free = workshop.details.capacity - taken
        state = context.tn("{n} place free", "{n} places free", free).format(n=i18n.number(free))
    else:
        state = t("full, waitlist open")
    # TRANSLATORS: one workshop in a list; {date} a short date and time, {state} e.g.
    # "3 places free".
    return t("• {date}: {title} ({state})").format(
        date=i18n.datetime(workshop.details.starts_at, "short"),
        title=title(i18n, workshop),
        state=state,
    )


async def on_workshops(update: Update, context: BotContext) -> None:
    account = context.account
    if account is not None and account.role is Role.STAFF:
        await workshop_admin.show_carrier_workshops(update, context)
        return
    participant = _participant(context)
    if participant is None:
        await show_main_menu(update, context)
        return
    db, t = context.db, context.t
    found = await storage.list_announced(db, participant.role, context.now())
    ahead = found[:WORKSHOP_LIST_SIZE]
    if not ahead:
        text = t(
            "No workshops are planned at the moment. When there is a new one, we will tell "
            "you, unless you turned workshop notices off in /notifications."
        )
        await show(update, context, text, [menu_row(context)])
        return
    seats = await storage.seats_of_user(db, participant.id)
    taken = await storage.registered_counts(db, [w.id for w in ahead])
    lines = [_list_line(context, w, seats.get(w.id), taken.get(w.id, 0)) for w in ahead]
    header = t("Workshops ahead. Tap one to read more or to register:")
    rows = [[WORKSHOP.button(button_label(context.i18n, w), w.id)] for w in ahead]
    await show(update, context, "\n".join((header, *lines)), [*rows, menu_row(context)])


async def on_show(update: Update, context: BotContext) -> None:
    workshop_id = int(parsed(update).arg)
    account = context.account
    if account is not None and account.role is Role.STAFF:
        await workshop_admin.show_workshop(update, context, workshop_id)
        return
    participant = _participant(context)
    standing = await _standing(context.db, participant, workshop_id) if participant else None
    if standing is None:
        await answer_expired(update, context)
        return
    await _show_standing(update, context, standing)


async def _first_name(db: Db, account: Account, update: Update) -> str:
    """The name on the participant list: the profile's, else the one Telegram shows."""
    if account.role is Role.VOLUNTEER:
        saved = (await profiles.get_profile(db, account.id)).first_name
        if saved:
            return saved
    assert update.effective_user is not None
    name = read_first_name(update.effective_user.first_name)
    if isinstance(name, NameProblem):  # emoji or digits in it: shown as Telegram has it
        return update.effective_user.first_name[:MAX_FIRST_NAME]
    return name


_REFUSALS = {
    Refusal.ALREADY_REGISTERED: N_("You are registered for this workshop already."),
    Refusal.ALREADY_WAITLISTED: N_("You are on the waitlist already."),
    Refusal.STARTED: N_("This workshop has begun or is over. See the ones ahead with /workshops."),
    Refusal.CANCELLED: N_("This workshop has been cancelled."),
    Refusal.NOT_FOR_YOU: N_("This workshop is for another group. See yours with /workshops."),
}


async def on_register(update: Update, context: BotContext) -> None:
    workshop_id = int(parsed(update).arg)
    participant = _participant(context)
    if participant is None:
        await show_main_menu(update, context)
        return
    async with context.db.transaction() as db:
        standing = await _standing(db, participant, workshop_id)
        if standing is not None:
            first_name = await _first_name(db, participant, update)
            result = await storage.register_for(
                db, standing.workshop, participant.id, participant.role, first_name, context.now()
            )
            standing = await _standing(db, participant, workshop_id)
    if standing is None:
        await answer_expired(update, context)
        return
    t = context.t
    if result is Seat.REGISTERED:
        note = "✅ " + t(
            "You are registered. The calendar file follows. Staff of {carrier} see your first "
            "name on the list of participants."
        ).format(carrier=html.escape(standing.workshop.carrier_name))
    elif result is Seat.WAITLISTED:
        note = "⏳ " + t("All places are taken, so you are on the waitlist.")
    else:
        note = t(_REFUSALS[result])
    await _show_standing(update, context, standing, note)
    if result is Seat.REGISTERED:
        await _send_calendar(update, context, standing.workshop)


async def _send_calendar(update: Update, context: BotContext, workshop: Workshop) -> None:
    assert update.effective_chat is not None
    filename, content = calendar_file(context.i18n, workshop, context.now())
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(content, filename=filename),
        caption=summary(context.i18n, workshop),
    )


async def on_not_now(update: Update, context: BotContext) -> None:
    text = context.t("All right. You find all workshops at any time with /workshops.")
    await show(update, context, text, [menu_row(context)])


async def on_calendar(update: Update, context: BotContext) -> None:
    participant = _participant(context)
    workshop_id = int(parsed(update).arg)
    standing = await _standing(context.db, participant, workshop_id) if participant else None
    if standing is None or standing.attendance.seat is not Seat.REGISTERED:
        await answer_expired(update, context)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _send_calendar(update, context, standing.workshop)


async def on_leave(update: Update, context: BotContext) -> None:
    step, workshop_id = parsed(update).args
    participant = _participant(context)
    standing = await _standing(context.db, participant, int(workshop_id)) if participant else None
    if participant is None or standing is None or standing.attendance.seat is None:
        await answer_expired(update, context)
        return
    t = context.t
    if step == "ask":
        if standing.attendance.seat is Seat.REGISTERED:
            question = t("Give up your place? Someone on the waitlist will get it.")
        else:
            question = t("Leave the waitlist?")
        rows = [
            [LEAVE_WORKSHOP.button(t("Yes"), "yes", standing.workshop.id)],
            [WORKSHOP.button("« " + t("Back"), standing.workshop.id)],
        ]
        text = f"{summary(context.i18n, standing.workshop)}\n\n{question}"
        await show(update, context, text, rows)
        return
    async with context.db.transaction() as db:
        left = await storage.leave(db, standing.workshop, participant.id, context.now())
        after = await _standing(db, participant, standing.workshop.id)
    if left is None or after is None:
        await answer_expired(update, context)
        return
    if left is Seat.REGISTERED:
        note = t("Your place is free for someone else now. Thank you for telling us.")
    else:
        note = t("You have left the waitlist.")
    await _show_standing(update, context, after, note)


# Messages the outbox sends, rendered in the recipient's language at send time.


Buttons = tuple[tuple[tuple[str, str], ...], ...]


def _show_button(tr: Translator, workshop: Workshop) -> Buttons:
    return (((tr.gettext("Show the workshop"), WORKSHOP.data(workshop.id)),), outbox_menu_row(tr))


def render_notice(params: Mapping[str, Any], tr: Translator) -> Rendered:
    workshop = from_params(params)
    intro = tr.gettext(
        "📣 A new workshop. Would you like to take part? Places are limited, so please "
        "register soon."
    )
    answers = (
        ("✅ " + tr.gettext("Register"), REGISTER_WORKSHOP.data(workshop.id)),
        (tr.gettext("Not this time"), NOT_THIS_TIME.data(workshop.id)),
    )
    return Rendered(f"{intro}\n\n{card(tr, workshop)}", (answers,))


def render_reminder(params: Mapping[str, Any], tr: Translator) -> Rendered:
    workshop = from_params(params)
    if params["lead"] == "1d":
        intro = tr.gettext("⏰ Reminder: your workshop is tomorrow.")
    else:
        intro = tr.gettext("⏰ Reminder: your workshop begins in 2 hours.")
    note = tr.gettext("If you cannot come, please give your place to someone on the waitlist.")
    give_up = (("✗ " + tr.gettext("Give up my place"), LEAVE_WORKSHOP.data("ask", workshop.id)),)
    return Rendered(
        f"{intro}\n\n{summary(tr, workshop)}\n\n{note}", (give_up, outbox_menu_row(tr))
    )


def _with_calendar(
    tr: Translator, params: Mapping[str, Any], text: str, buttons: Buttons, *, cancel: bool
) -> Rendered:
    """A message about a workshop, with the calendar file for those who hold a place."""
    if Seat(params["seat"]) is not Seat.REGISTERED:
        return Rendered(text, buttons)
    stamp = from_db(params["stamp"])
    assert stamp is not None
    calendar = calendar_file(tr, from_params(params), stamp, cancelled=cancel)
    return Rendered(text, buttons, calendar)


def render_changed(params: Mapping[str, Any], tr: Translator) -> Rendered:
    workshop = from_params(params)
    intro = tr.gettext("✏️ A workshop you registered for has changed. This is how it is now:")
    if Seat(params["seat"]) is Seat.REGISTERED:
        seat = tr.gettext("You have a place. The calendar file is updated.")
    else:
        seat = tr.gettext("You are on the waitlist. If a place becomes free, you get it.")
    text = f"{intro}\n\n{summary(tr, workshop)}\n\n{seat}"
    return _with_calendar(tr, params, text, _show_button(tr, workshop), cancel=False)


def render_cancelled(params: Mapping[str, Any], tr: Translator) -> Rendered:
    workshop = from_params(params)
    intro = tr.gettext("❌ We are sorry: this workshop has been cancelled.")
    text = f"{intro}\n\n{summary(tr, workshop)}"
    return _with_calendar(tr, params, text, (outbox_menu_row(tr),), cancel=True)


def render_promoted(params: Mapping[str, Any], tr: Translator) -> Rendered:
    workshop = from_params(params)
    intro = tr.gettext("🎉 A place has become free: you are now registered for this workshop.")
    note = tr.gettext("We will remind you the day before and 2 hours before.")
    text = f"{intro}\n\n{summary(tr, workshop)}\n\n{note}"
    return _with_calendar(tr, params, text, _show_button(tr, workshop), cancel=False)


EVERYONE = frozenset({Role.SEEKER, Role.VOLUNTEER, Role.STAFF})


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("workshops", on_workshops))
    for route, callback in (
        (WORKSHOPS, on_workshops),
        (WORKSHOP, on_show),
        (REGISTER_WORKSHOP, on_register),
        (NOT_THIS_TIME, on_not_now),
        (WORKSHOP_CALENDAR, on_calendar),
        (LEAVE_WORKSHOP, on_leave),
    ):
        app.add_handler(route.handler(callback))
    add_menu_entry(
        app, MenuEntry(N_("Workshops"), "🎓", WORKSHOPS.data("all"), EVERYONE, order=30)
    )
    for kind, render, essential in (
        (storage.NOTICE, render_notice, False),
        (storage.REMINDER, render_reminder, False),
        (storage.CHANGED, render_changed, True),
        (storage.CANCELLED, render_cancelled, True),
        (storage.PROMOTED, render_promoted, True),
    ):
        delivery.register_renderer(app, kind, render, essential=essential)
