"""Staff and their carrier's workshops: create and edit them with a typed form, announce,
cancel, see who registered and export the list (first names only).

Every button names a workshop: a claim, checked against the presser's carrier on each use
(domain/access.py); refusals and every change are in the audit log. The form waits in
typed_prompts, so a restart between asking and answering loses nothing.
"""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta

from telegram import InputFile, Update

from bot.context import BotApp, BotContext
from bot.features import TextFlow, add_flow
from bot.i18n import N_
from bot.limits import WORKSHOP_LIST_SIZE
from domain.access import Action, Actor, may
from domain.accounts import Audience
from domain.locales import SUPPORTED_LOCALES
from domain.prompts import PromptKind
from domain.workshops import (
    AUDIENCE_WORDS,
    FORM_KEYS,
    MAX_CAPACITY,
    MAX_DESCRIPTION,
    MAX_PLACE,
    MAX_SHORT_TRANSLATION,
    MAX_TITLE,
    TOPIC_WORDS,
    TRANSLATION_LOCALES,
    FormField,
    FormProblem,
    Issue,
    Seat,
    SeatHolder,
    Translation,
    Workshop,
    WorkshopDetails,
    WorkshopTopic,
    capacity_fits,
    form_text,
    may_change,
    parse_form,
    when_text,
)
from handlers.common import prompts
from handlers.common.guards import actor_of, owned, record_action, refuse, requires
from handlers.common.main_menu import show_main_menu
from handlers.common.routes import parsed
from handlers.common.ui import Keyboard, fitting, menu_row, show
from handlers.volunteers.routes import WORKSHOP, WORKSHOP_ADMIN, WORKSHOPS
from handlers.volunteers.workshop_texts import button_label, card, title
from storage import prompts as prompt_storage
from storage import workshops as storage
from storage.db import Db

FORM = frozenset({PromptKind.WORKSHOP_FORM})
CSV_INJECTION = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as a formula
_MAX_LENGTH = {
    FormField.DESCRIPTION: MAX_DESCRIPTION,
    FormField.PLACE: MAX_PLACE,
}


async def _audit(
    db: Db, context: BotContext, action: Action, workshop: Workshop, detail: str = ""
) -> None:
    await record_action(db, context, action, f"workshop={workshop.id}{detail}")


async def _own(
    update: Update, context: BotContext, workshop_id: int, action: Action
) -> Workshop | None:
    workshop = await storage.get_workshop(context.db, workshop_id)
    return await owned(update, context, action, workshop)


# Lists and views.


@requires(Action.EDIT_WORKSHOP)
async def show_carrier_workshops(update: Update, context: BotContext) -> None:
    await _carrier_list(update, context)


async def _carrier_list(update: Update, context: BotContext, note: str = "") -> None:
    actor, t, i18n = actor_of(update, context), context.t, context.i18n
    assert actor.carrier_id is not None  # checked by the callers: staff of a carrier
    found = await storage.list_for_carrier(context.db, actor.carrier_id, context.now())
    ahead = found[:WORKSHOP_LIST_SIZE]
    taken = await storage.registered_counts(context.db, [w.id for w in ahead])
    lines = [t("Your carrier's workshops ahead. Tap one to manage it:")]
    for workshop in ahead:
        # TRANSLATORS: {date} a short date and time, {taken} of {capacity} places given.
        line = t("• {date}: {title} ({taken} of {capacity} places)").format(
            date=i18n.datetime(workshop.details.starts_at, "short"),
            title=title(i18n, workshop),
            taken=i18n.number(taken.get(workshop.id, 0)),
            capacity=i18n.number(workshop.details.capacity),
        )
        if workshop.announced_at is None:
            line += " " + t("(not announced yet)")
        lines.append(line)
    if not ahead:
        lines = [t("Your carrier has no workshops planned.")]
    rows: Keyboard = [[WORKSHOP.button(button_label(i18n, w), w.id)] for w in ahead]
    rows.append([WORKSHOP_ADMIN.button("🆕 " + t("New workshop"), "new", 0)])
    text = "\n".join(lines)
    await show(update, context, f"{note}\n\n{text}" if note else text, [*rows, menu_row(context)])


async def show_workshop(
    update: Update, context: BotContext, workshop_id: int, note: str = ""
) -> None:
    workshop = await _own(update, context, workshop_id, Action.EDIT_WORKSHOP)
    if workshop is not None:
        await _show(update, context, workshop, note)


async def _show(update: Update, context: BotContext, workshop: Workshop, note: str = "") -> None:
    t, i18n = context.t, context.i18n
    holders = await storage.list_seats(context.db, workshop.id)
    waiting = sum(1 for h in holders if h.seat is Seat.WAITLISTED)
    places = t("Places: {taken} of {capacity} given, {waiting} on the waitlist.").format(
        taken=i18n.number(len(holders) - waiting),
        capacity=i18n.number(workshop.details.capacity),
        waiting=i18n.number(waiting),
    )
    if workshop.announced_at is not None:
        state = t("Announced on {date}.").format(
            date=i18n.datetime(workshop.announced_at, "short")
        )
    else:
        state = t("Not announced yet: only your carrier's staff see it.")
    rows: Keyboard = []
    changeable = may_change(workshop, context.now())
    if changeable and workshop.announced_at is None:
        rows.append([WORKSHOP_ADMIN.button("📣 " + t("Announce"), "announce", workshop.id)])
    rows.append([WORKSHOP_ADMIN.button("👥 " + t("Participants"), "participants", workshop.id)])
    if changeable:
        rows.append(
            [
                WORKSHOP_ADMIN.button("✏️ " + t("Edit"), "edit", workshop.id),
                WORKSHOP_ADMIN.button("✗ " + t("Cancel the workshop"), "cancel", workshop.id),
            ]
        )
    rows += [[WORKSHOPS.button("« " + t("All workshops"), "all")], menu_row(context)]
    parts = [note] if note else []
    parts += [card(i18n, workshop), places, state]
    await show(update, context, "\n\n".join(parts), rows)


# The form.


def _example(context: BotContext) -> WorkshopDetails:
    """A filled-in form to copy: German text, as staff write workshops in German."""
    start = (context.now() + timedelta(days=14)).astimezone(context.settings.tz)
    start = start.replace(hour=18, minute=0, second=0, microsecond=0)
    return WorkshopDetails(
        title="Wohnungsbesichtigung gut vorbereiten",
        description="Was Vermieter fragen, welche Unterlagen gebraucht werden und wie "
        "Ehrenamtliche Haushalte zur Besichtigung begleiten.",
        topic=WorkshopTopic.APPLICATION,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Caritas, Bartholomäus-Schink-Straße 6, 50825 Köln",
        capacity=15,
        audience=Audience.VOLUNTEERS,
        language="de",
        translations={"uk": Translation("Як підготуватися до огляду квартири")},
    )


def _choices(words: dict[WorkshopTopic, tuple[str, ...]] | dict[Audience, tuple[str, ...]]) -> str:
    return ", ".join(names[0] for names in words.values())


def _form_help(context: BotContext) -> str:
    t = context.t
    # TRANSLATORS: the German words after "Thema:", "Für:" and "Sprache:" are filled in.
    return t(
        "Thema: one of {topics}.\nFür: {audiences}.\nSprache: {languages}.\n"
        "Ort: an address, or a https:// link for an online workshop.\n"
        "Titel and Beschreibung in German; add a short translation per language with "
        "lines such as “Titel uk:” and “Beschreibung uk:”."
    ).format(
        topics=_choices(TOPIC_WORDS),
        audiences=_choices(AUDIENCE_WORDS),
        languages=", ".join(SUPPORTED_LOCALES),
    )


async def _ask_form(update: Update, context: BotContext, workshop: Workshop | None) -> None:
    assert context.account is not None
    async with context.db.transaction() as db:
        target = workshop.id if workshop else None
        await prompt_storage.ask(
            db, context.account.id, PromptKind.WORKSHOP_FORM, target, context.now()
        )
    t = context.t
    if workshop is None:
        intro = t(
            "Send the new workshop in one message, in this form: copy it, change the values "
            "and send it. It stays a draft until you announce it."
        )
        form = form_text(_example(context), context.settings.tz)
    else:
        intro = t(
            "Copy the form, change what you want and send it back. Everyone with a place or "
            "on the waitlist will be told about the change."
        )
        form = form_text(workshop.details, context.settings.tz)
    text = f"{intro}\n\n<pre>{html.escape(form)}</pre>\n\n{_form_help(context)}"
    await show(update, context, text, [[WORKSHOP_ADMIN.button("✗ " + t("Cancel"), "stop", 0)]])


_INVALID = {
    FormField.TOPIC: N_("{key}: please write one of: {choices}."),
    FormField.AUDIENCE: N_("{key}: please write one of: {choices}."),
    FormField.WHEN: N_("{key}: please write the date and time like {choices}."),
    FormField.PLACE: N_("{key}: an online link must start with https:// and contain no spaces."),
    FormField.CAPACITY: N_("{key}: please write a whole number from 1 to {choices}."),
    FormField.LANGUAGE: N_("{key}: unknown language. Please use one of these codes: {choices}."),
}


def _valid_values(context: BotContext, problem: FormProblem) -> str:
    """What the field accepts, as staff type it."""
    if problem.locale:
        return ", ".join(TRANSLATION_LOCALES)
    return {
        FormField.TOPIC: _choices(TOPIC_WORDS),
        FormField.AUDIENCE: _choices(AUDIENCE_WORDS),
        FormField.WHEN: when_text(_example(context), context.settings.tz),
        FormField.CAPACITY: str(MAX_CAPACITY),
        FormField.LANGUAGE: ", ".join(SUPPORTED_LOCALES),
    }.get(problem.field, "")


def _max_length(problem: FormProblem) -> int:
    if problem.field is FormField.TITLE:
        return MAX_TITLE
    return MAX_SHORT_TRANSLATION if problem.locale else _MAX_LENGTH[problem.field]


def _problem_line(context: BotContext, problem: FormProblem) -> str:
    t, key = context.t, FORM_KEYS[problem.field][0]
    if problem.locale:
        key = f"{key} {problem.locale}"
    if problem.issue is Issue.MISSING:
        return t("{key} is missing.").format(key=key)
    if problem.issue is Issue.TOO_LONG:
        return t("{key} is too long: at most {max} characters.").format(
            key=key, max=context.i18n.number(_max_length(problem))
        )
    if problem.issue is Issue.IN_THE_PAST:
        return t("{key}: this time has passed. Please give a time ahead.").format(key=key)
    msgid = _INVALID[FormField.LANGUAGE if problem.locale else problem.field]
    return t(msgid).format(key=key, choices=_valid_values(context, problem))


async def _show_problems(update: Update, context: BotContext, lines: list[str]) -> None:
    t = context.t
    text = "\n".join(
        (
            t("Nothing was saved yet. Please correct this and send the whole form again:"),
            *(f"• {line}" for line in lines),
        )
    )
    await show(update, context, text, [[WORKSHOP_ADMIN.button("✗ " + t("Cancel"), "stop", 0)]])


async def on_form(update: Update, context: BotContext) -> None:
    assert update.message is not None and update.message.text is not None
    actor = actor_of(update, context)
    prompt = await prompts.current(context, FORM)
    assert prompt is not None and context.account is not None  # TextFlow: it waits
    if not may(actor, Action.EDIT_WORKSHOP, actor.carrier_id):
        await prompts.clear(context)  # no longer staff since the form was asked for
        await refuse(update, context, actor, Action.EDIT_WORKSHOP)
        return
    details = parse_form(update.message.text, now=context.now(), tz=context.settings.tz)
    if isinstance(details, list):
        await _show_problems(update, context, [_problem_line(context, p) for p in details])
        return
    if prompt.target_id is None:
        await _create(update, context, actor, details)
    else:
        await _change(update, context, actor, prompt.target_id, details)


async def _create(
    update: Update, context: BotContext, actor: Actor, details: WorkshopDetails
) -> None:
    assert actor.carrier_id is not None and context.account is not None
    async with context.db.transaction() as db:
        workshop = await storage.find_planned(
            db, actor.carrier_id, details.title, details.starts_at
        )
        exists = workshop is not None
        if workshop is None:
            workshop = await storage.create_workshop(
                db, actor.carrier_id, details, context.account.id, context.now()
            )
            await _audit(db, context, Action.EDIT_WORKSHOP, workshop)
        await prompt_storage.clear_prompt(db, context.account.id)
    t = context.t
    if exists:
        note = t("This workshop exists already; nothing was added.")
    else:
        note = t("Saved. Nobody has been told yet: tap “Announce” when it is ready.")
    await _show(update, context, workshop, note)


async def _change(
    update: Update, context: BotContext, actor: Actor, workshop_id: int, details: WorkshopDetails
) -> None:
    assert context.account is not None
    t, now = context.t, context.now()
    async with context.db.transaction() as db:
        workshop = await storage.get_workshop(db, workshop_id)
        allowed = workshop is not None and may(actor, Action.EDIT_WORKSHOP, workshop.carrier_id)
        taken = (await storage.registered_counts(db, [workshop_id])).get(workshop_id, 0)
        problem, note = "", ""
        if workshop is None or not allowed or not may_change(workshop, now):
            note = t("This workshop can no longer be changed.")
        elif not capacity_fits(details.capacity, taken):
            problem = t(
                "{key}: {taken} people have a place already, so there must be at least as many."
            ).format(key=FORM_KEYS[FormField.CAPACITY][0], taken=context.i18n.number(taken))
        elif details == workshop.details:
            note = t("Nothing has changed.")
        else:
            workshop = await storage.change_workshop(db, workshop, details, now)
            await _audit(db, context, Action.EDIT_WORKSHOP, workshop, ":change")
            note = t("Saved. Everyone with a place or on the waitlist is told.")
        if not problem:
            await prompt_storage.clear_prompt(db, context.account.id)
    if problem:
        await _show_problems(update, context, [problem])
    elif workshop is None or not allowed:
        await _carrier_list(update, context, note)
    else:
        await _show(update, context, workshop, note)


async def on_form_cancel(update: Update, context: BotContext) -> None:
    await prompts.clear(context)
    note = context.t("Stopped. Nothing was saved.")
    actor = actor_of(update, context)
    if may(actor, Action.EDIT_WORKSHOP, actor.carrier_id):
        await _carrier_list(update, context, note)
    else:
        await show_main_menu(update, context, note)


async def on_form_other(update: Update, context: BotContext) -> None:
    text = context.t("Please send the form as text in one message. /cancel stops.")
    await show(update, context, text)


# Buttons.


async def on_button(update: Update, context: BotContext) -> None:
    action, raw_id = parsed(update).args
    workshop_id = int(raw_id)
    if action == "new":
        await _new(update, context)
        return
    if action == "stop":
        await on_form_cancel(update, context)
        return
    needed = {
        "edit": Action.EDIT_WORKSHOP,
        "announce": Action.ANNOUNCE_WORKSHOP,
        "cancel": Action.CANCEL_WORKSHOP,
        "cancelyes": Action.CANCEL_WORKSHOP,
        "participants": Action.VIEW_PARTICIPANTS,
        "export": Action.VIEW_PARTICIPANTS,
    }[action]
    workshop = await _own(update, context, workshop_id, needed)
    if workshop is None:
        return
    if action in ("participants", "export"):
        await _participants(update, context, workshop, export=action == "export")
    elif not may_change(workshop, context.now()):
        await _show(
            update, context, workshop, context.t("This workshop can no longer be changed.")
        )
    elif action == "edit":
        await _ask_form(update, context, workshop)
    elif action == "announce":
        await _announce(update, context, workshop)
    elif action == "cancel":
        await _confirm_cancel(update, context, workshop)
    else:
        await _cancel(update, context, workshop)


@requires(Action.EDIT_WORKSHOP)
async def _new(update: Update, context: BotContext) -> None:
    await _ask_form(update, context, None)


async def _announce(update: Update, context: BotContext, workshop: Workshop) -> None:
    t = context.t
    assert context.account is not None
    first_time = workshop.announced_at is None
    async with context.db.transaction() as db:
        queued = await storage.announce(db, workshop, context.account.id, context.now())
        await _audit(db, context, Action.ANNOUNCE_WORKSHOP, workshop)
        announced = await storage.get_workshop(db, workshop.id)
    assert announced is not None
    if queued.added:
        note = context.tn(
            "The announcement goes out to {n} person now. You will see here how far it got.",
            "The announcement goes out to {n} people now. You will see here how far it got.",
            queued.added,
        ).format(n=context.i18n.number(queued.added))
    elif first_time:
        note = t("Nobody in this group uses the bot yet. The workshop is listed in /workshops.")
    else:
        note = t("It was announced already. Nobody gets it twice.")
    await _show(update, context, announced, note)


async def _confirm_cancel(update: Update, context: BotContext, workshop: Workshop) -> None:
    t = context.t
    holders = await storage.list_seats(context.db, workshop.id)
    text = context.tn(
        "Cancel this workshop? {n} person with a place or on the waitlist will be told at once.",
        "Cancel this workshop? {n} people with a place or on the waitlist will be told at once.",
        len(holders),
    ).format(n=context.i18n.number(len(holders)))
    rows = [
        [WORKSHOP_ADMIN.button("✗ " + t("Yes, cancel the workshop"), "cancelyes", workshop.id)],
        [WORKSHOP.button("« " + t("Back"), workshop.id)],
    ]
    await show(update, context, f"<b>{title(context.i18n, workshop)}</b>\n\n{text}", rows)


async def _cancel(update: Update, context: BotContext, workshop: Workshop) -> None:
    async with context.db.transaction() as db:
        told = len(await storage.list_seats(db, workshop.id))
        await storage.cancel_workshop(db, workshop, context.now())
        await _audit(db, context, Action.CANCEL_WORKSHOP, workshop)
    note = context.tn(
        "The workshop is cancelled. {n} person is told.",
        "The workshop is cancelled. {n} people are told.",
        told,
    ).format(n=context.i18n.number(told))
    await _carrier_list(update, context, note)


def _seat_label(context: BotContext, seat: Seat) -> str:
    if seat is Seat.REGISTERED:
        return context.tp("participant list", "registered")
    return context.tp("participant list", "waitlist")


async def _participants(
    update: Update, context: BotContext, workshop: Workshop, *, export: bool
) -> None:
    """The list is a read of people's names: logged like every look at a case."""
    async with context.db.transaction() as db:
        holders = await storage.list_seats(db, workshop.id)
        detail = ":csv" if export else ""
        await _audit(db, context, Action.VIEW_PARTICIPANTS, workshop, detail)
    if export:
        await _export(update, context, workshop, holders)
        return
    t, i18n = context.t, context.i18n
    registered = [h for h in holders if h.seat is Seat.REGISTERED]
    waiting = [h for h in holders if h.seat is Seat.WAITLISTED]
    header = t("👥 Participants of {title}: {taken} of {capacity} places.").format(
        title=title(i18n, workshop),
        taken=i18n.number(len(registered)),
        capacity=i18n.number(workshop.details.capacity),
    )
    lines = _numbered(context, registered)
    if waiting:
        lines += ["", t("Waitlist:"), *_numbered(context, waiting)]
    if not holders:
        lines = [t("Nobody has registered yet.")]
    rows = [
        [WORKSHOP_ADMIN.button("⬇️ " + t("CSV file"), "export", workshop.id)],
        [WORKSHOP.button("« " + t("Back"), workshop.id)],
        menu_row(context),
    ]
    await show(update, context, "\n".join((header, *fitting(header, lines))), rows)


def _numbered(context: BotContext, holders: list[SeatHolder]) -> list[str]:
    isolate = context.i18n.isolate
    return [f"{n}. {isolate(html.escape(h.first_name))}" for n, h in enumerate(holders, 1)]


def _cell(text: str) -> str:
    """A name a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(CSV_INJECTION) else text


async def _export(
    update: Update, context: BotContext, workshop: Workshop, holders: list[SeatHolder]
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [context.tp("csv", "No."), context.tp("csv", "First name"), context.tp("csv", "Status")]
    )
    for number, holder in enumerate(holders, 1):
        writer.writerow([number, _cell(holder.first_name), _seat_label(context, holder.seat)])
    assert update.callback_query is not None and update.effective_chat is not None
    await update.callback_query.answer()
    caption = context.t("Participants of {title}, first names only.").format(
        title=title(context.i18n, workshop)
    )
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(buffer.getvalue().encode("utf-8-sig"), filename=f"workshop-{workshop.id}.csv"),
        caption=caption,
    )


def register(app: BotApp) -> None:
    app.add_handler(WORKSHOP_ADMIN.handler(on_button))
    add_flow(
        app,
        TextFlow(prompts.waiting_for(FORM), on_form, on_form_cancel, on_form_other),
    )
