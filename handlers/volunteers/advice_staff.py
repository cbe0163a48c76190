"""Staff answer volunteers' questions: the open ones of their carrier and of the shared
queue, take one (a second taker is refused), answer by typed text or suggest a
Beratungsgespräch. Questions nobody takes in time are shown to all staff they are for.

Buttons carry a ticket id: a claim, checked against the presser's carrier on every use.
Every look, take and answer is in the audit log, with the volunteer as its subject.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot import delivery
from bot.context import BotApp, BotContext
from bot.features import Handler, MenuEntry, TextFlow, add_flow, add_menu_entry
from bot.i18n import N_, Translator
from bot.limits import (
    MAX_ANSWER_LENGTH,
    MAX_QUESTION_LENGTH,
    MAX_TEXT_LENGTH,
    QUESTIONS_PAGE_SIZE,
)
from domain.access import Action, Actor, may
from domain.accounts import Role
from domain.advice import (
    Author,
    Take,
    Ticket,
    answered,
    excerpt,
    is_overdue,
    may_answer,
    measured_length,
    take,
)
from domain.outbox import Rendered
from domain.prompts import PromptKind
from handlers.common import prompts
from handlers.common.guards import actor_of, record_action, refuse, requires
from handlers.common.main_menu import show_main_menu
from handlers.common.routes import parsed
from handlers.common.ui import Keyboard, menu_row, pager_row, show
from handlers.volunteers.advice_thread import thread
from handlers.volunteers.routes import OPEN_QUESTIONS_PAGE, STAFF_QUESTION
from storage import accounts, advice
from storage import prompts as prompt_storage
from storage.db import Db, from_db

ANSWERING = frozenset({PromptKind.ANSWER})


async def _audit(db: Db, context: BotContext, action: Action, ticket: Ticket) -> None:
    await record_action(db, context, action, f"question={ticket.id}", ticket.user_id)


def _number(context: BotContext, ticket: Ticket) -> str:
    return context.i18n.isolate(f"#{ticket.id}")


# The list.


@requires(Action.VIEW_QUESTION)
async def on_questions(update: Update, context: BotContext) -> None:
    query = update.callback_query
    offset = int(parsed(update).arg) if query is not None else 0
    await _list(update, context, offset)


async def _list(update: Update, context: BotContext, offset: int, note: str = "") -> None:
    actor, t, i18n = actor_of(update, context), context.t, context.i18n
    assert actor.carrier_id is not None and context.account is not None
    found = await advice.list_for_staff(
        context.db, actor.carrier_id, context.account.id, offset, QUESTIONS_PAGE_SIZE + 1
    )
    shown = found[:QUESTIONS_PAGE_SIZE]
    if not shown:
        text = t("No open questions. 🎉")
        await show(update, context, f"{note}\n\n{text}" if note else text, [menu_row(context)])
        return
    lines = [t("Open questions to your carrier and to all carriers, the longest waiting first:")]
    alert_after = context.settings.question_alert_after
    for ticket in shown:
        assert ticket.submitted_at is not None
        if not ticket.needs_taker:
            state = t("taken by you, not answered yet")
        elif is_overdue(ticket, context.now(), alert_after):
            state = "⏰ " + t("waiting too long for someone to take it")
        else:
            state = t("waiting for someone to take it")
        # TRANSLATORS: {number} like #12; {date} when it was asked; {state} as above.
        lines.append(
            t("• {number}, asked {date}: {state}").format(
                number=_number(context, ticket),
                date=i18n.datetime(ticket.submitted_at, "short"),
                state=state,
            )
        )
    rows: Keyboard = [
        [
            STAFF_QUESTION.button(
                t("Open {number}").format(number=f"#{ticket.id}"), "view", ticket.id
            )
        ]
        for ticket in shown
    ]
    pager = pager_row(
        context,
        OPEN_QUESTIONS_PAGE,
        offset,
        QUESTIONS_PAGE_SIZE,
        shown=len(shown),
        more=len(found) > len(shown),
    )
    text = "\n".join(lines)
    rows += [pager] if pager else []
    await show(update, context, f"{note}\n\n{text}" if note else text, [*rows, menu_row(context)])


# One question.


async def _screen(context: BotContext, ticket: Ticket, note: str = "") -> tuple[str, Keyboard]:
    t, i18n = context.t, context.i18n
    assert ticket.submitted_at is not None and ticket.question is not None
    account = context.account
    assert account is not None
    if ticket.carrier_id is None:
        to = t("all carriers")
    else:
        carrier = await accounts.get_carrier(context.db, ticket.carrier_id)
        assert carrier is not None
        to = html.escape(carrier.name)
    head = t("❓ <b>Question {number}</b> from a volunteer, asked {date}, to {to}.").format(
        number=_number(context, ticket), date=i18n.datetime(ticket.submitted_at, "short"), to=to
    )
    if ticket.household:
        head += "\n" + t("About the household: {name}").format(
            name=i18n.isolate(html.escape(ticket.household))
        )
    question = f"<blockquote>{excerpt(ticket.question, MAX_QUESTION_LENGTH)}</blockquote>"
    rows: Keyboard = []
    if ticket.needs_taker:
        state = t("Nobody has taken it yet.")
        rows.append([STAFF_QUESTION.button("🙋 " + t("Take it"), "take", ticket.id)])
    elif may_answer(ticket, account.id):
        state = t("You took it. Only you can answer it now.")
        rows.append([STAFF_QUESTION.button("✍️ " + t("Answer"), "answer", ticket.id)])
        rows.append(
            [STAFF_QUESTION.button("📅 " + t("Suggest a Beratungsgespräch"), "book", ticket.id)]
        )
    elif ticket.is_active:
        state = t("Someone else took it.")
    else:
        state = t("The volunteer marked it solved.")
    rows += [[OPEN_QUESTIONS_PAGE.button("« " + t("Open questions"), 0)], menu_row(context)]
    fixed = "\n\n".join(part for part in (note, head, question, state) if part)
    messages = await advice.list_messages(context.db, ticket.id)
    earlier = thread(
        context.i18n,
        messages,
        MAX_TEXT_LENGTH - len(fixed) - 4,
        t("↩ The volunteer wrote on {date}:"),
    )
    parts = [note, head, question, *earlier, state]
    return "\n\n".join(part for part in parts if part), rows


def _may(actor: Actor, action: Action, ticket: Ticket) -> bool:
    """Drafts are the volunteer's own; sent questions are for their carrier's staff."""
    return ticket.submitted_at is not None and may(actor, action, ticket.carrier_id)


QuestionHandler = Callable[[Update, BotContext, Actor, Ticket], Awaitable[None]]


def on_question(action: Action) -> Callable[[QuestionHandler], Handler]:
    """Runs the handler with the pressed question if the presser's carrier may `action` it;
    otherwise the refusal is logged and the button has expired."""

    def decorate(handler: QuestionHandler) -> Handler:
        @requires(action)
        async def with_question(update: Update, context: BotContext) -> None:
            actor = actor_of(update, context)
            ticket = await advice.get_ticket(context.db, int(parsed(update).args[1]))
            if ticket is None or not _may(actor, action, ticket):
                await refuse(update, context, actor, action)
                return
            await handler(update, context, actor, ticket)

        return with_question

    return decorate


async def on_button(update: Update, context: BotContext) -> None:
    handler = {"view": _view, "take": _take, "answer": _ask_answer, "book": _suggest_booking}
    await handler[parsed(update).arg](update, context)


@on_question(Action.VIEW_QUESTION)
async def _view(update: Update, context: BotContext, actor: Actor, ticket: Ticket) -> None:
    async with context.db.transaction() as db:
        await _audit(db, context, Action.VIEW_QUESTION, ticket)
    await show(update, context, *await _screen(context, ticket))


@on_question(Action.TAKE_QUESTION)
async def _take(update: Update, context: BotContext, actor: Actor, ticket: Ticket) -> None:
    assert context.account is not None
    async with context.db.transaction() as db:
        fresh = await advice.get_ticket(db, ticket.id)
        ticket, result = take(fresh or ticket, context.account.id)
        if fresh is None:  # the volunteer deleted their data meanwhile
            result = Take.CLOSED
        elif result is Take.TAKEN:
            await advice.save_ticket(db, ticket, context.now())
            await advice.stop_waiting_alerts(db, ticket.id, context.now())
            await _audit(db, context, Action.TAKE_QUESTION, ticket)
    if result is Take.SOMEONE_ELSE:
        assert update.callback_query is not None
        text = context.t("Someone else took this question already.")
        await update.callback_query.answer(text, show_alert=True)
        return
    note = {
        Take.TAKEN: "",  # the card's own state line says so: not twice
        Take.ALREADY_YOURS: context.t("You took it already."),
        Take.CLOSED: context.t("This question is closed."),
    }[result]
    await show(update, context, *await _screen(context, ticket, note))


@on_question(Action.ANSWER_QUESTION)
async def _ask_answer(update: Update, context: BotContext, actor: Actor, ticket: Ticket) -> None:
    assert context.account is not None
    if not may_answer(ticket, context.account.id):
        await show(update, context, *await _screen(context, ticket))
        return
    async with context.db.transaction() as db:
        await prompt_storage.ask(
            db, context.account.id, PromptKind.ANSWER, ticket.id, context.now()
        )
    await _show_answer_prompt(update, context, ticket.id)


async def _show_answer_prompt(
    update: Update, context: BotContext, ticket_id: int, note: str = ""
) -> None:
    t = context.t
    text = t(
        "Write your answer to question {number} in one message, at most {max} characters. "
        "The volunteer gets it with their question quoted. /cancel stops."
    ).format(
        number=context.i18n.isolate(f"#{ticket_id}"),
        max=context.i18n.number(MAX_ANSWER_LENGTH),
    )
    rows = [
        [
            STAFF_QUESTION.button(
                "📅 " + t("Suggest a Beratungsgespräch instead"), "book", ticket_id
            )
        ],
        menu_row(context),
    ]
    await show(update, context, f"{note}\n\n{text}" if note else text, rows)


@on_question(Action.ANSWER_QUESTION)
async def _suggest_booking(
    update: Update, context: BotContext, actor: Actor, ticket: Ticket
) -> None:
    await _answer(update, context, actor, ticket, "")


async def _answer(
    update: Update, context: BotContext, actor: Actor, ticket: Ticket, body: str
) -> None:
    """Sends an answer (or, without a body, the suggestion to book) to the volunteer with
    their latest words quoted; refused if the question is no longer the staff member's."""
    assert context.account is not None and actor.carrier_id is not None
    now = context.now()
    async with context.db.transaction() as db:
        fresh = await advice.get_ticket(db, ticket.id)
        await prompt_storage.clear_prompt(db, context.account.id)
        allowed = fresh is not None and may_answer(fresh, context.account.id)
        if fresh is not None and allowed:
            messages = await advice.list_messages(db, fresh.id)
            asked = [m.body for m in messages if m.author is Author.VOLUNTEER]
            carrier = await accounts.get_carrier(db, actor.carrier_id)
            assert carrier is not None
            message_id = await advice.add_message(
                db, fresh.id, Author.STAFF, body, now, booking=not body
            )
            await advice.send_message(
                db,
                ticket_id=fresh.id,
                message_id=message_id,
                to=fresh.user_id,
                kind=advice.ANSWER,
                params={
                    "carrier": carrier.name,
                    "carrier_id": carrier.id,
                    "quote": asked[-1] if asked else fresh.question,
                    "answer": body,
                    "booking": not body,
                },
                now=now,
            )
            await advice.save_ticket(db, answered(fresh), now)
            await _audit(db, context, Action.ANSWER_QUESTION, fresh)
    t = context.t
    if fresh is None or not allowed:
        note = t("Someone else took this question already. Nothing was sent.")
        await _list(update, context, 0, note)
        return
    note = t("Sent to the volunteer.") if body else t("The suggestion is sent to the volunteer.")
    await _list(update, context, 0, note)


async def on_text(update: Update, context: BotContext) -> None:
    assert update.message is not None and update.message.text is not None
    prompt = await prompts.current(context, ANSWERING)
    assert prompt is not None and prompt.target_id is not None  # TextFlow: it waits
    actor, text = actor_of(update, context), update.message.text
    ticket = await advice.get_ticket(context.db, prompt.target_id)
    if ticket is None or not _may(actor, Action.ANSWER_QUESTION, ticket):
        await prompts.clear(context)
        await refuse(update, context, actor, Action.ANSWER_QUESTION)
        return
    if measured_length(text) > MAX_ANSWER_LENGTH:
        # TRANSLATORS: {length} and {max} are numbers of characters.
        note = context.t(
            "Your answer has {length} characters, but at most {max} fit. Please shorten it "
            "and send it again; nothing was sent."
        ).format(
            length=context.i18n.number(measured_length(text)),
            max=context.i18n.number(MAX_ANSWER_LENGTH),
        )
        await _show_answer_prompt(update, context, ticket.id, note)
        return
    await _answer(update, context, actor, ticket, text.strip())


async def on_cancel(update: Update, context: BotContext) -> None:
    await prompts.clear(context)
    await show_main_menu(update, context, context.t("Stopped. Nothing was sent."))


async def on_other(update: Update, context: BotContext) -> None:
    prompt = await prompts.current(context, ANSWERING)
    assert prompt is not None and prompt.target_id is not None
    note = context.t("Please write the answer as text. Files and photos are not passed on.")
    await _show_answer_prompt(update, context, prompt.target_id, note)


# Messages the outbox sends to staff.


def _open_button(tr: Translator, ticket_id: int) -> tuple[tuple[tuple[str, str], ...], ...]:
    label = tr.gettext("Open {number}").format(number=f"#{ticket_id}")
    return (((label, STAFF_QUESTION.data("view", ticket_id)),),)


def render_reply(params: Mapping[str, Any], tr: Translator) -> Rendered:
    ticket_id = params["ticket"]
    head = tr.gettext("↩ The volunteer replied to question {number}:").format(
        number=tr.isolate(f"#{ticket_id}")
    )
    quote = excerpt(params["quote"], MAX_QUESTION_LENGTH)
    return Rendered(f"{head}\n<blockquote>{quote}</blockquote>", _open_button(tr, ticket_id))


def render_waiting(params: Mapping[str, Any], tr: Translator) -> Rendered:
    ticket_id = params["ticket"]
    since = from_db(params["since"])
    assert since is not None
    text = tr.gettext(
        "⏰ Question {number} of a volunteer has been waiting since {date} and nobody has "
        "taken it yet. Could you?"
    ).format(number=tr.isolate(f"#{ticket_id}"), date=tr.datetime(since, "short"))
    return Rendered(text, _open_button(tr, ticket_id))


STAFF = frozenset({Role.STAFF})


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("questions", on_questions))
    app.add_handler(OPEN_QUESTIONS_PAGE.handler(on_questions))
    app.add_handler(STAFF_QUESTION.handler(on_button))
    entry = MenuEntry(N_("Open questions"), "❓", OPEN_QUESTIONS_PAGE.data(0), STAFF, order=20)
    add_menu_entry(app, entry)
    add_flow(app, TextFlow(prompts.waiting_for(ANSWERING), on_text, on_cancel, on_other))
    delivery.register_renderer(app, advice.REPLY, render_reply, essential=True)
    delivery.register_renderer(app, advice.WAITING, render_waiting, essential=True)
