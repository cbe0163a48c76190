"""/slots: staff create, change and cancel their carrier's consultation hours, see who booked,
mark attendance and export a day's list.

A new slot is one typed line (domain/slot_line.py), then the audience, interpreter languages
and weekly repetition on buttons; the draft lives in `slot_drafts`, so it survives a restart.
Every slot and booking id in a button is checked against the presser's carrier on each use
(domain/access.py), and every read of bookings and every change is in the audit log.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import replace
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InputFile, Update
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from bot.features import MenuEntry, TextFlow, add_flow, add_menu_entry
from bot.i18n import N_
from bot.limits import MAX_TEXT_LENGTH, SLOTS_PAGE_SIZE
from domain.access import Action, may
from domain.accounts import Audience, Role
from domain.appointments import (
    ATTENDANCE,
    Attendee,
    BookingStatus,
    Refusal,
    Slot,
    SlotKind,
    SlotOverview,
    expand,
    mark_attendance,
)
from domain.locales import language_name
from domain.slot_line import (
    MAX_ADDRESS,
    MAX_CAPACITY,
    MAX_MINUTES,
    MAX_WEEKS,
    MAX_WINDOW,
    MIN_MINUTES,
    LineProblem,
    SlotDraft,
    SlotLine,
    format_slot_line,
    parse_slot_line,
    toggle_language,
)
from handlers.appointments.routes import (
    CANCEL_SLOT,
    DAY_LIST_CSV,
    MARK_ATTENDANCE,
    NEW_SLOT,
    SLOT,
    SLOT_DRAFT,
    SLOTS_PAGE,
)
from handlers.appointments.texts import (
    AUDIENCE_NAMES,
    INTERPRETER_LANGUAGES,
    STATUS_NAMES,
    Card,
    card_text,
    day_bounds,
    day_code,
    kind_name,
    languages_text,
    local_day,
    parse_day_code,
    policy,
    when,
    when_short,
)
from handlers.common.guards import actor_of, answer_expired, owned, record_action, refuse, requires
from handlers.common.routes import parsed
from handlers.common.ui import Keyboard, fitting, menu_row, pager_row, show
from storage import accounts, consents
from storage import bookings as booking_store
from storage import slots as store
from storage.db import Db

WEEK_CHOICES = (1, 4, 8, MAX_WEEKS)
SLOT_VIEW_RESERVE = 200  # characters kept free below the people: "Mark who came:" and a note
EXAMPLE_ADDRESS = "Kalker Hauptstr. 247, 51103 Köln"


def _carrier_id(update: Update, context: BotContext) -> int:
    """The presser's carrier; the requires() guards let only staff of a carrier through."""
    carrier_id = actor_of(update, context).carrier_id
    assert carrier_id is not None
    return carrier_id


def _user_id(context: BotContext) -> int:
    assert context.account is not None  # staff of a carrier have an account
    return context.account.id


def _list_row(context: BotContext) -> list[InlineKeyboardButton]:
    return [SLOTS_PAGE.button("« " + context.t("Consultation hours"), 0)]


# The list -----------------------------------------------------------------------------------


@requires(Action.VIEW_BOOKINGS)
async def on_slots(update: Update, context: BotContext) -> None:
    """/slots and its pages: the carrier's slots from today on."""
    await _show_list(update, context, int(parsed(update).arg) if update.callback_query else 0)


async def _show_list(update: Update, context: BotContext, offset: int, note: str = "") -> None:
    carrier_id, i18n, t = _carrier_id(update, context), context.i18n, context.t
    now = context.now()
    today, _ = day_bounds(i18n, local_day(i18n, now))
    found = await store.list_carrier_slots(
        context.db, carrier_id, now, today, offset, SLOTS_PAGE_SIZE + 1
    )
    page = found[:SLOTS_PAGE_SIZE]
    carrier = await accounts.get_carrier(context.db, carrier_id)
    assert carrier is not None
    if page:
        header = t("Consultation hours of {carrier} from today on:").format(
            carrier=html.escape(carrier.name)
        )
        text = "\n".join((header, *(_list_line(context, o) for o in page)))
    else:
        text = t("{carrier} has no consultation hours from today on. Create some:").format(
            carrier=html.escape(carrier.name)
        )
    rows: Keyboard = [
        [SLOT.button(when_short(i18n, o.slot.starts_at, o.slot.ends_at), "show", o.slot.id)]
        for o in page
    ]
    pager = pager_row(
        context, SLOTS_PAGE, offset, SLOTS_PAGE_SIZE, shown=len(page), more=len(found) > len(page)
    )
    rows += [pager] if pager else []
    rows.append([NEW_SLOT.button("🆕 " + t("New Sprechstunde"), SlotKind.SPRECHSTUNDE)])
    rows.append([NEW_SLOT.button("🆕 " + t("New Beratung"), SlotKind.BERATUNG)])
    await show(update, context, f"{note}\n\n{text}" if note else text, [*rows, menu_row(context)])


def _list_line(context: BotContext, o: SlotOverview) -> str:
    i18n, slot = context.i18n, o.slot
    values = {
        "date": when_short(i18n, slot.starts_at, slot.ends_at),
        "kind": kind_name(i18n, slot.kind),
    }
    if slot.is_cancelled:
        return context.t("{date}: {kind}, cancelled").format(**values)
    # TRANSLATORS: one slot in the staff's list, e.g. "Thu, Dec 3, 10:00-12:00: Sprechstunde
    # (…), 5 of 8 places taken, 2 waiting".
    return context.t(
        "{date}: {kind}, {taken} of {capacity} places taken, {waiting} waiting"
    ).format(
        taken=i18n.number(o.taken),
        capacity=i18n.number(slot.capacity),
        waiting=i18n.number(o.waiting),
        **values,
    )


# Drafts: the typed line, then buttons ---------------------------------------------------------


def _example(context: BotContext, draft: SlotDraft) -> str:
    if draft.line is not None:
        return format_slot_line(draft.line)
    next_week = local_day(context.i18n, context.now()) + timedelta(weeks=1)
    number = 8 if draft.kind is SlotKind.SPRECHSTUNDE else 30
    return f"{next_week.isoformat()} 10:00-12:00 {number} {EXAMPLE_ADDRESS}"


def _line_question(context: BotContext, draft: SlotDraft) -> str:
    t = context.t
    if draft.kind is SlotKind.SPRECHSTUNDE:
        ask = t(
            "Please write one line: the day, the time, the number of places and the address. "
            "For example:"
        )
    else:
        ask = t(
            "Please write one line: the day, the time, the minutes of each conversation and "
            "the address. 10:00-12:00 with 30 makes four conversations. For example:"
        )
    return f"{ask}\n<code>{html.escape(_example(context, draft))}</code>"


def _draft_title(context: BotContext, draft: SlotDraft) -> str:
    if draft.is_change:
        return context.t("Change of this time:")
    if draft.kind is SlotKind.SPRECHSTUNDE:
        return context.t("New Sprechstunde:")
    return context.t("New Beratung:")


async def _ask_line(update: Update, context: BotContext, draft: SlotDraft, note: str = "") -> None:
    t = context.t
    parts = [
        note,
        _draft_title(context, draft),
        _line_question(context, draft),
        t("/cancel stops without saving."),
    ]
    text = "\n\n".join(part for part in parts if part)
    await show(update, context, text, [[SLOT_DRAFT.button("✗ " + t("Cancel"), "stop", 0)]])


@requires(Action.CREATE_SLOTS)
async def on_new(update: Update, context: BotContext) -> None:
    kind = SlotKind(parsed(update).arg)
    draft = SlotDraft(
        user_id=_user_id(context),
        carrier_id=_carrier_id(update, context),
        kind=kind,
        asking_since=context.now(),
    )
    async with context.db.transaction() as db:
        await store.save_draft(db, draft)  # replaces an older draft: one at a time
    await _ask_line(update, context, draft)


_PROBLEMS = {
    LineProblem.SHAPE: N_("I could not read that line."),
    LineProblem.NOT_A_DATE: N_("I could not read the day."),
    LineProblem.IN_THE_PAST: N_("That time has passed."),
    LineProblem.TOO_FAR: N_("That day is more than a year ahead."),
    LineProblem.NOT_A_TIME: N_("I could not read the time."),
    LineProblem.END_BEFORE_START: N_("The end must be after the start."),
    LineProblem.TOO_LONG: N_("A time can last at most {hours} hours."),
    LineProblem.PLACES: N_("The number of places must be from 1 to {max}."),
    LineProblem.MINUTES: N_(
        "A conversation lasts from {low} to {high} minutes, and not longer than the time."
    ),
    LineProblem.ONE_CONVERSATION: N_(
        "A change moves one conversation: its minutes must fill the time exactly."
    ),
    LineProblem.ADDRESS_TOO_LONG: N_("The address is too long: at most {max} characters."),
}


def _problem_text(context: BotContext, problem: LineProblem) -> str:
    number = context.i18n.number
    return context.t(_PROBLEMS[problem]).format(
        hours=number(MAX_WINDOW // timedelta(hours=1)),
        max=number(MAX_ADDRESS if problem is LineProblem.ADDRESS_TOO_LONG else MAX_CAPACITY),
        low=number(MIN_MINUTES),
        high=number(MAX_MINUTES),
    )


async def _staff_draft(context: BotContext) -> SlotDraft | None:
    account = context.account
    if account is None or not account.is_staff:
        return None
    return await store.get_draft(context.db, account.id)


async def on_text(update: Update, context: BotContext) -> None:
    """The typed line of the open draft."""
    assert update.message is not None and update.message.text is not None
    draft = await _staff_draft(context)
    if draft is None:  # saved or cancelled meanwhile, on another device
        await _show_list(update, context, 0)
        return
    single = draft.is_change and draft.kind is SlotKind.BERATUNG
    line = parse_slot_line(
        update.message.text, draft.kind, context.now(), context.settings.tz, single=single
    )
    if isinstance(line, LineProblem):
        await _ask_line(update, context, draft, _problem_text(context, line))
        return
    # Still asking: another line replaces this one until the draft is saved or cancelled.
    draft = replace(draft, line=line, asking_since=context.now())
    async with context.db.transaction() as db:
        await store.save_draft(db, draft)
    await _show_draft(update, context, draft)


async def on_other(update: Update, context: BotContext) -> None:
    draft = await _staff_draft(context)
    if draft is None:
        await _show_list(update, context, 0)
        return
    await _ask_line(update, context, draft, context.t("Please write the line as text."))


async def on_cancel(update: Update, context: BotContext) -> None:
    """/cancel while the line is asked for: the draft goes, nothing is saved."""
    async with context.db.transaction() as db:
        await store.delete_draft(db, _user_id(context))
    await _show_list(update, context, 0, context.t("Stopped. Nothing was saved."))


async def _waiting_since(context: BotContext) -> datetime | None:
    account = context.account
    if account is None or not account.is_staff:
        return None
    return await store.drafting_since(context.db, account.id)


def _draft_summary(context: BotContext, draft: SlotDraft) -> str:
    t, i18n = context.t, context.i18n
    plan, line, tz = draft.plan(), draft.line, context.settings.tz
    assert line is not None and plan is not None
    times = expand(plan, tz)
    if draft.kind is SlotKind.SPRECHSTUNDE:
        size = context.tn("{n} place", "{n} places", line.number).format(
            n=i18n.number(line.number)
        )
    else:
        per_day = len(times) // plan.weeks
        size = context.tn(
            "{n} conversation of {minutes} minutes",
            "{n} conversations of {minutes} minutes each",
            per_day,
        ).format(n=i18n.number(per_day), minutes=i18n.number(line.number))
    title = _draft_title(context, draft)
    # TRANSLATORS: a slot being created; each value is filled in.
    facts = t("📅 {when}\n📍 {address}\n👥 {size}\n🙋 For: {audience}").format(
        when=when(
            i18n,
            datetime.combine(line.day, line.start, tzinfo=tz),
            datetime.combine(line.day, line.end, tzinfo=tz),
        ),
        address=i18n.isolate(html.escape(line.address)),
        size=size,
        audience=t(AUDIENCE_NAMES[draft.audience]),
    )
    if draft.languages:
        interpreters = t("🗣 Interpreters for: {languages}").format(
            languages=languages_text(i18n, draft.languages)
        )
    else:
        interpreters = t("🗣 No interpreters.")
    if plan.weeks == 1:
        repeat = t("🔁 Once.")
    else:
        last = local_day(i18n, times[-1].starts_at)
        repeat = context.tn(
            "🔁 Every week, {n} time, until {last}.",
            "🔁 Every week, {n} times, until {last}.",
            plan.weeks,
        ).format(n=i18n.number(plan.weeks), last=i18n.date(last, "medium"))
    lines = [title, facts, interpreters]
    if not draft.is_change:
        lines.append(repeat)
    question = t(
        "Choose with the buttons, then save. To change the day, time, number or address, "
        "write the line again."
    )
    return "\n".join(lines) + "\n\n" + question


def _draft_rows(context: BotContext, draft: SlotDraft) -> Keyboard:
    t, i18n = context.t, context.i18n

    def mark(chosen: bool, label: str) -> str:
        return f"✓ {label}" if chosen else label

    rows: Keyboard = [
        [
            SLOT_DRAFT.button(mark(draft.audience is a, t(AUDIENCE_NAMES[a])), "aud", a)
            for a in (Audience.SEEKERS, Audience.VOLUNTEERS)
        ],
        [
            SLOT_DRAFT.button(
                mark(draft.audience is Audience.BOTH, t(AUDIENCE_NAMES[Audience.BOTH])),
                "aud",
                Audience.BOTH,
            )
        ],
    ]
    if not draft.is_change:
        rows.append(
            [
                SLOT_DRAFT.button(
                    mark(
                        draft.weeks == weeks,
                        context.tn("{n} week", "{n} weeks", weeks).format(n=i18n.number(weeks)),
                    ),
                    "wk",
                    weeks,
                )
                for weeks in WEEK_CHOICES
            ]
        )
    languages = [
        SLOT_DRAFT.button(
            mark(code in draft.languages, language_name(code, i18n.locale)), "lg", code
        )
        for code in INTERPRETER_LANGUAGES
    ]
    rows += [languages[i : i + 3] for i in range(0, len(languages), 3)]
    save = t("Save the change") if draft.is_change else t("Create")
    rows.append([SLOT_DRAFT.button("✓ " + save, "save", 0)])
    rows.append([SLOT_DRAFT.button("✗ " + t("Cancel"), "stop", 0)])
    return rows


async def _show_draft(
    update: Update, context: BotContext, draft: SlotDraft, note: str = ""
) -> None:
    text = _draft_summary(context, draft)
    await show(update, context, f"{note}\n\n{text}" if note else text, _draft_rows(context, draft))


@requires(Action.CREATE_SLOTS)
async def on_draft_button(update: Update, context: BotContext) -> None:
    what, value = parsed(update).args
    draft = await _staff_draft(context)
    if draft is None or draft.carrier_id != _carrier_id(update, context):
        await answer_expired(update, context)
        return
    if what == "stop":
        await on_cancel(update, context)
        return
    if draft.line is None:  # the buttons of a summary belong to a line that was read
        await answer_expired(update, context)
        return
    if what == "save":
        await _save(update, context, draft)
        return
    changed = _chosen(draft, what, value)
    if changed is None:
        await answer_expired(update, context)
        return
    async with context.db.transaction() as db:
        await store.save_draft(db, changed)
    await _show_draft(update, context, changed)


def _chosen(draft: SlotDraft, what: str, value: str) -> SlotDraft | None:
    if what == "aud" and value in set(Audience):
        return replace(draft, audience=Audience(value))
    if what == "wk" and value.isdigit() and int(value) in WEEK_CHOICES and not draft.is_change:
        return replace(draft, weeks=int(value))
    if what == "lg" and value in INTERPRETER_LANGUAGES:
        return replace(
            draft, languages=toggle_language(draft.languages, value, INTERPRETER_LANGUAGES)
        )
    return None


def _draft_slots(draft: SlotDraft, context: BotContext) -> list[Slot]:
    plan = draft.plan()
    assert plan is not None and draft.line is not None
    return [
        Slot(
            id=0,
            carrier_id=draft.carrier_id,
            kind=draft.kind,
            audience=draft.audience,
            starts_at=times.starts_at,
            ends_at=times.ends_at,
            capacity=times.capacity,
            address=draft.line.address,
            languages=draft.languages,
            created_by=draft.user_id,
        )
        for times in expand(plan, context.settings.tz)
    ]


async def _save(update: Update, context: BotContext, draft: SlotDraft) -> None:
    new = _draft_slots(draft, context)
    now = context.now()
    if new[0].starts_at <= now:  # the draft waited while its time came
        await _ask_line(
            update,
            context,
            replace(draft, line=None),
            _problem_text(context, LineProblem.IN_THE_PAST),
        )
        return
    if draft.is_change:
        await _save_change(update, context, draft, new[0])
        return
    actor = actor_of(update, context)
    async with context.db.transaction() as db:
        added = await store.add_slots(db, new, now)
        await store.delete_draft(db, draft.user_id)
        await consents.record_audit(
            db,
            actor_telegram_id=actor.telegram_id,
            action=Action.CREATE_SLOTS,
            now=now,
            carrier_id=draft.carrier_id,
            detail=f"kind={draft.kind} first={new[0].starts_at.isoformat()} added={added}",
        )
    note = context.tn("{n} new time was created.", "{n} new times were created.", added).format(
        n=context.i18n.number(added)
    )
    if added < len(new):
        note += " " + context.tn(
            "{n} existed already and was kept as it was.",
            "{n} existed already and were kept as they were.",
            len(new) - added,
        ).format(n=context.i18n.number(len(new) - added))
    await _show_list(update, context, 0, note)


async def _save_change(update: Update, context: BotContext, draft: SlotDraft, new: Slot) -> None:
    actor, now = actor_of(update, context), context.now()
    assert draft.slot_id is not None
    async with context.db.transaction() as db:
        slot = await store.get_slot(db, draft.slot_id)
        if slot is None or not may(actor, Action.CHANGE_SLOT, slot.carrier_id):
            result: Slot | Refusal | None = None
        else:
            changed = replace(new, id=slot.id, created_by=slot.created_by)
            result = await booking_store.change_slot(db, slot, changed, now, policy(context))
        if isinstance(result, Slot):
            await store.delete_draft(db, draft.user_id)
            await _audit(db, context, Action.CHANGE_SLOT, slot_id=result.id)
    if result is None:
        await refuse(update, context, actor, Action.CHANGE_SLOT)
        return
    if isinstance(result, Refusal):
        await _show_draft(update, context, draft, _slot_refusal(context, result))
        return
    await _show_slot(
        update,
        context,
        result.id,
        context.t("Saved. Everyone on it gets a message in their language."),
    )


def _slot_refusal(context: BotContext, refusal: Refusal) -> str:
    t = context.t
    if refusal is Refusal.TOO_SMALL:
        return t("More people have booked than that. Please keep at least as many places.")
    if refusal is Refusal.SLOT_CANCELLED:
        return t("This time was cancelled and cannot be changed.")
    return t("This time has begun or is over and cannot be changed.")


async def _audit(
    db: Db,
    context: BotContext,
    action: Action,
    *,
    slot_id: int,
    subject_user_id: int | None = None,
) -> None:
    await record_action(db, context, action, f"slot={slot_id}", subject_user_id)


# One slot, its people, attendance ------------------------------------------------------------


async def _own_slot(
    update: Update, context: BotContext, action: Action, slot_id: int
) -> Slot | None:
    return await owned(update, context, action, await store.get_slot(context.db, slot_id))


def _person(context: BotContext, attendee: Attendee) -> str:
    """Who it is, without a name: the seeker's case number, or the volunteer's booking."""
    i18n = context.i18n
    if attendee.role is Role.SEEKER and attendee.case_number:
        return i18n.isolate(attendee.case_number)
    return context.t("volunteer {number}").format(number=i18n.number(attendee.booking.id))


def _attendee_line(context: BotContext, attendee: Attendee) -> str:
    i18n, booking = context.i18n, attendee.booking
    status = context.t(STATUS_NAMES[booking.status])
    if booking.status is BookingStatus.BOOKED and booking.confirmed_at is not None:
        status = context.t("booked, said they will come")
    # TRANSLATORS: one person on a slot: case number (or "volunteer 12"), language, status.
    return context.t("{person} · {language} · {status}").format(
        person=_person(context, attendee),
        language=language_name(attendee.locale, i18n.locale),
        status=status,
    )


async def _show_slot(update: Update, context: BotContext, slot_id: int, note: str = "") -> None:
    """The slot with everyone on it; the read is in the audit log, once per seeker shown."""
    async with context.db.transaction() as db:
        slot = await store.get_slot(db, slot_id)
        assert slot is not None
        attendees = await booking_store.slot_attendees(db, slot.id)
        for attendee in attendees:
            await _audit(
                db, context, Action.VIEW_BOOKINGS,
                slot_id=slot.id, subject_user_id=attendee.booking.user_id,
            )  # fmt: skip
    carrier = await accounts.get_carrier(context.db, slot.carrier_id)
    assert carrier is not None
    t, i18n, now = context.t, context.i18n, context.now()
    parts = [note, card_text(i18n, Card.of(slot, carrier.name))]
    if slot.is_cancelled:
        parts.append(t("This time is cancelled."))
    taken = sum(1 for a in attendees if a.booking.holds_place(now))
    parts.append(
        t("{taken} of {capacity} places taken. For: {audience}.").format(
            taken=i18n.number(taken),
            capacity=i18n.number(slot.capacity),
            audience=t(AUDIENCE_NAMES[slot.audience]),
        )
    )
    parts.append(_attendee_lines(context, attendees, "\n\n".join(p for p in parts if p)))
    rows: Keyboard = []
    if slot.has_started(now) and not slot.is_cancelled:
        parts.append(t("Mark who came:"))
        rows += [
            [
                MARK_ATTENDANCE.button(
                    "✓ " + _person(context, a), BookingStatus.ATTENDED, a.booking.id
                ),
                MARK_ATTENDANCE.button(
                    "✗ " + _person(context, a), BookingStatus.NO_SHOW, a.booking.id
                ),
            ]
            for a in attendees
            if a.booking.status is BookingStatus.BOOKED or a.booking.status in ATTENDANCE
        ]
    elif not slot.is_cancelled:
        rows.append([SLOT.button("✏️ " + t("Change"), "edit", slot.id)])
        rows.append([CANCEL_SLOT.button("✗ " + t("Cancel this time"), "ask", slot.id)])
    day = local_day(i18n, slot.starts_at)
    rows.append([DAY_LIST_CSV.button("📄 " + t("List of the day (CSV)"), day_code(day))])
    text = "\n\n".join(part for part in parts if part)
    await show(update, context, text, [*rows, _list_row(context), menu_row(context)])


def _attendee_lines(context: BotContext, attendees: list[Attendee], above: str) -> str:
    """As many people as fit into the message; the day's CSV list has everyone."""
    if not attendees:
        return context.t("Nobody has booked yet.")
    more = context.t("… and {n} more: see the list of the day (CSV).")
    lines = [_attendee_line(context, a) for a in attendees]
    room = MAX_TEXT_LENGTH - len(above) - len(more) - SLOT_VIEW_RESERVE
    kept = fitting("", lines, room)
    if len(kept) < len(lines):
        kept.append(more.format(n=context.i18n.number(len(lines) - len(kept))))
    return "\n".join(kept)


@requires(Action.VIEW_BOOKINGS)
async def on_slot_button(update: Update, context: BotContext) -> None:
    what, slot_arg = parsed(update).args
    action = Action.CHANGE_SLOT if what == "edit" else Action.VIEW_BOOKINGS
    slot = await _own_slot(update, context, action, int(slot_arg))
    if slot is None:
        return
    if what == "show":
        await _show_slot(update, context, slot.id)
        return
    if slot.is_cancelled or slot.has_started(context.now()):
        refusal = Refusal.SLOT_CANCELLED if slot.is_cancelled else Refusal.STARTED
        await _show_slot(update, context, slot.id, _slot_refusal(context, refusal))
        return
    await _start_change(update, context, slot)


def _current_line(slot: Slot, context: BotContext) -> SlotLine:
    tz = context.settings.tz
    start, end = slot.starts_at.astimezone(tz), slot.ends_at.astimezone(tz)
    minutes = int((slot.ends_at - slot.starts_at).total_seconds() // 60)
    number = slot.capacity if slot.kind is SlotKind.SPRECHSTUNDE else minutes
    return SlotLine(start.date(), start.time(), end.time(), number, slot.address)


async def _start_change(update: Update, context: BotContext, slot: Slot) -> None:
    """The draft starts as the slot is: buttons change the choices, a typed line the rest."""
    draft = SlotDraft(
        user_id=_user_id(context),
        carrier_id=slot.carrier_id,
        kind=slot.kind,
        slot_id=slot.id,
        line=_current_line(slot, context),
        audience=slot.audience,
        languages=slot.languages,
        asking_since=context.now(),
    )
    async with context.db.transaction() as db:
        await store.save_draft(db, draft)
    await _show_draft(update, context, draft, _line_question(context, draft))


@requires(Action.CANCEL_SLOT)
async def on_cancel_slot(update: Update, context: BotContext) -> None:
    step, slot_arg = parsed(update).args
    slot = await _own_slot(update, context, Action.CANCEL_SLOT, int(slot_arg))
    if slot is None:
        return
    t, i18n = context.t, context.i18n
    if slot.is_cancelled:
        await _show_slot(update, context, slot.id, t("This time is cancelled already."))
        return
    if step == "ask":
        people = [
            b for b in await booking_store.slot_bookings(context.db, slot.id) if b.status.is_active
        ]
        text = context.tn(
            "Cancel {when}? {n} person on it gets a message in their language, with the next "
            "free times.",
            "Cancel {when}? {n} people on it get a message in their language, with the next "
            "free times.",
            len(people),
        ).format(when=when(i18n, slot.starts_at, slot.ends_at), n=i18n.number(len(people)))
        rows = [
            [CANCEL_SLOT.button("✓ " + t("Yes, cancel it"), "yes", slot.id)],
            [SLOT.button("« " + t("Back"), "show", slot.id)],
        ]
        await show(update, context, text, [*rows, menu_row(context)])
        return
    async with context.db.transaction() as db:
        fresh = await store.get_slot(db, slot.id)
        assert fresh is not None
        cancelled = []
        if not fresh.is_cancelled:  # pressed twice: the second changes nothing
            cancelled = await booking_store.cancel_slot(db, fresh, context.now(), policy(context))
            await _audit(db, context, Action.CANCEL_SLOT, slot_id=slot.id)
    note = context.tn(
        "Cancelled. {n} person gets a message.",
        "Cancelled. {n} people get a message.",
        len(cancelled),
    ).format(n=i18n.number(len(cancelled)))
    await _show_list(update, context, 0, note)


@requires(Action.MARK_ATTENDANCE)
async def on_attendance(update: Update, context: BotContext) -> None:
    status_arg, booking_arg = parsed(update).args
    actor, now = actor_of(update, context), context.now()
    async with context.db.transaction() as db:
        booking = await booking_store.get_booking(db, int(booking_arg))
        slot = await store.get_slot(db, booking.slot_id) if booking else None
        allowed = slot is not None and may(actor, Action.MARK_ATTENDANCE, slot.carrier_id)
        result = None
        if allowed and booking is not None and slot is not None:
            result = mark_attendance(booking, slot, BookingStatus(status_arg), now)
            if not isinstance(result, Refusal):
                await booking_store.save_booking(db, result, now)
                await _audit(
                    db, context, Action.MARK_ATTENDANCE,
                    slot_id=slot.id, subject_user_id=booking.user_id,
                )  # fmt: skip
    if not allowed or slot is None:
        await refuse(update, context, actor, Action.MARK_ATTENDANCE)
        return
    note = "" if not isinstance(result, Refusal) else context.t("This booking cannot be marked.")
    await _show_slot(update, context, slot.id, note)


# The day list -------------------------------------------------------------------------------


@requires(Action.EXPORT_BOOKINGS)
async def on_export(update: Update, context: BotContext) -> None:
    """A CSV of the carrier's bookings of one local day: case number, language, status."""
    day = parse_day_code(parsed(update).arg)
    if day is None:
        await answer_expired(update, context)
        return
    actor, i18n = actor_of(update, context), context.i18n
    assert actor.carrier_id is not None
    start, end = day_bounds(i18n, day)
    async with context.db.transaction() as db:
        found = await booking_store.day_attendees(db, actor.carrier_id, start, end)
        for slot, attendee in found:
            await _audit(
                db, context, Action.EXPORT_BOOKINGS,
                slot_id=slot.id, subject_user_id=attendee.booking.user_id,
            )  # fmt: skip
    assert update.callback_query is not None
    if not found:
        await update.callback_query.answer(
            context.t("Nobody has booked on {date}.").format(date=i18n.date(day, "medium")),
            show_alert=True,
        )
        return
    await update.callback_query.answer()
    assert update.effective_chat is not None
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(_csv(context, found), filename=f"bookings-{day.isoformat()}.csv"),
        caption=context.t("Bookings on {date}, without names.").format(date=i18n.date(day)),
    )


def _csv(context: BotContext, found: list[tuple[Slot, Attendee]]) -> bytes:
    t, i18n = context.t, context.i18n
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # what German spreadsheet programs expect
    writer.writerow((t("Time"), t("Kind"), t("Case number"), t("Language"), t("Status")))
    for slot, attendee in found:
        writer.writerow(
            (
                i18n.time_range(slot.starts_at, slot.ends_at),
                kind_name(i18n, slot.kind),
                attendee.case_number or _person(context, attendee),
                language_name(attendee.locale, i18n.locale),
                t(STATUS_NAMES[attendee.booking.status]),
            )
        )
    return out.getvalue().encode("utf-8-sig")  # with a BOM, so Excel reads the umlauts


STAFF = frozenset({Role.STAFF})


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("slots", on_slots))
    for route, callback in (
        (SLOTS_PAGE, on_slots),
        (NEW_SLOT, on_new),
        (SLOT_DRAFT, on_draft_button),
        (SLOT, on_slot_button),
        (CANCEL_SLOT, on_cancel_slot),
        (MARK_ATTENDANCE, on_attendance),
        (DAY_LIST_CSV, on_export),
    ):
        app.add_handler(route.handler(callback))
    add_menu_entry(
        app, MenuEntry(N_("Consultation hours"), "🗓", SLOTS_PAGE.data(0), STAFF, order=30)
    )
    add_flow(app, TextFlow(_waiting_since, on_text, on_cancel, on_other))
