"""/ask: a volunteer asks the caseworkers of a carrier (or of every carrier) a question, gets
the answer in this chat with the question quoted, and replies or marks it solved.

The draft is a ticket row and the question waiting for typed text (the household's first
name, the question, a reply) is in typed_prompts, so a restart or a week away continues where
the volunteer stopped. Buttons carry a ticket id: a claim, checked against the presser.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from enum import Enum
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import CommandHandler

from bot import delivery
from bot.context import BotApp, BotContext
from bot.features import MenuEntry, TextFlow, add_flow, add_menu_entry
from bot.i18n import N_, Translator
from bot.limits import (
    MAX_QUESTION_LENGTH,
    MAX_QUOTE_LENGTH,
    MAX_TEXT_LENGTH,
    QUESTIONS_PAGE_SIZE,
)
from domain.accounts import Account, Role
from domain.advice import (
    Author,
    Ticket,
    TicketStatus,
    after_reply,
    excerpt,
    measured_length,
    solved,
)
from domain.appointments import SlotKind
from domain.outbox import Rendered
from domain.profiles import NameProblem, read_first_name
from domain.prompts import Prompt, PromptKind
from handlers.common import prompts
from handlers.common.guards import answer_expired
from handlers.common.main_menu import is_registered, show_main_menu
from handlers.common.routes import BOOK_AT_CARRIER, parsed
from handlers.common.ui import Keyboard, menu_row, pager_row, remove_buttons, show, show_below
from handlers.volunteers.advice_thread import thread
from handlers.volunteers.profile import NAME_PROBLEMS
from handlers.volunteers.routes import (
    ASK_QUESTION,
    MY_QUESTION,
    MY_QUESTIONS_PAGE,
    QUESTION_CARRIER,
    QUESTION_DRAFT,
)
from storage import accounts, advice
from storage import prompts as prompt_storage
from storage.db import Db

ASKING = frozenset({PromptKind.HOUSEHOLD, PromptKind.QUESTION, PromptKind.REPLY})
ANY_CARRIER = "any"


class Step(Enum):
    CARRIER = "carrier"
    HOUSEHOLD = "household"
    QUESTION = "question"
    PREVIEW = "preview"


def _volunteer(context: BotContext) -> Account | None:
    account = context.account
    if account is None or not is_registered(account) or account.role is not Role.VOLUNTEER:
        return None
    return account


def _step(draft: Ticket, prompt: Prompt | None) -> Step:
    """Where the draft stands: the typed answer it waits for tells; after /cancel, a draft
    with its question written continues at the preview, any other from the start."""
    if prompt is not None and prompt.target_id == draft.id:
        if prompt.kind is PromptKind.HOUSEHOLD:
            return Step.HOUSEHOLD
        return Step.PREVIEW if draft.question else Step.QUESTION
    return Step.PREVIEW if draft.question else Step.CARRIER


async def _addressee(context: BotContext, ticket: Ticket) -> str:
    if ticket.carrier_id is None:
        return context.t("the caseworkers of all carriers")
    carrier = await accounts.get_carrier(context.db, ticket.carrier_id)
    assert carrier is not None
    return context.t("the caseworkers of {carrier}").format(carrier=html.escape(carrier.name))


async def _screen(context: BotContext, draft: Ticket, step: Step) -> tuple[str, Keyboard]:
    t = context.t
    back = QUESTION_DRAFT.button("« " + t("Back"), draft.id, "back")
    discard = QUESTION_DRAFT.button("🗑 " + t("Discard the question"), draft.id, "cancel")
    if step is Step.CARRIER:
        text = t(
            "Your question goes to the caseworkers of a carrier. Which carrier do you work "
            "with? If you do not know, the caseworkers of all carriers see it."
        )
        rows = [
            [QUESTION_CARRIER.button(carrier.name, draft.id, carrier.code)]
            for carrier in await accounts.list_carriers(context.db)
        ]
        rows.append([QUESTION_CARRIER.button(t("I do not know"), draft.id, ANY_CARRIER)])
        return text, [*rows, [discard], _my_questions_row(context), menu_row(context)]
    if step is Step.HOUSEHOLD:
        text = t(
            "Is your question about a household you support? Then write only their first "
            "name, nothing else about them. Otherwise tap the button."
        )
        rows = [[QUESTION_DRAFT.button(t("Not about a household"), draft.id, "nohousehold")]]
        return text, [*rows, [back, discard], menu_row(context)]
    if step is Step.QUESTION:
        text = t(
            "Now write your question in one message, at most {max} characters. Leave out "
            "health, religion and the asylum story: the caseworkers do not need them."
        ).format(max=context.i18n.number(MAX_QUESTION_LENGTH))
        return text, [[back, discard], menu_row(context)]
    assert draft.question is not None
    about = ""
    if draft.household:
        about = "\n" + t("About the household: {name}").format(
            name=context.i18n.isolate(html.escape(draft.household))
        )
    text = "\n".join(
        (
            t("Your question to {addressee}:").format(addressee=await _addressee(context, draft))
            + about,
            f"<blockquote>{excerpt(draft.question, MAX_QUESTION_LENGTH)}</blockquote>",
            t("Send it? To change it, just write it again."),
        )
    )
    send = QUESTION_DRAFT.button("📨 " + t("Send"), draft.id, "send")
    return text, [[send], [back, discard], _my_questions_row(context), menu_row(context)]


async def _show_step(
    update: Update, context: BotContext, draft: Ticket, step: Step, note: str = ""
) -> None:
    text, rows = await _screen(context, draft, step)
    await show(update, context, f"{note}\n\n{text}" if note else text, rows)


async def on_ask(update: Update, context: BotContext) -> None:
    volunteer = _volunteer(context)
    if volunteer is None:
        if not is_registered(context.account):
            await show_main_menu(update, context)
            return
        text = context.t(
            "Questions to the caseworkers are for volunteers who help households. Households "
            "get advice in the open consultation hours (Sprechstunde) of their carrier."
        )
        await show(update, context, text, [menu_row(context)])
        return
    async with context.db.transaction() as db:
        draft = await advice.start_draft(db, volunteer.id, context.now())
        step = _step(draft, await prompt_storage.get_prompt(db, volunteer.id))
        if step is Step.PREVIEW:  # a question typed now replaces the one in the draft
            await prompt_storage.ask(
                db, volunteer.id, PromptKind.QUESTION, draft.id, context.now()
            )
    await _show_step(update, context, draft, step)


async def _own_draft(db: Db, volunteer: Account, ticket_id: int) -> Ticket | None:
    ticket = await advice.get_ticket(db, ticket_id)
    if ticket is None or ticket.user_id != volunteer.id or ticket.status is not TicketStatus.DRAFT:
        return None
    return ticket


async def on_carrier(update: Update, context: BotContext) -> None:
    raw_id, code = parsed(update).args
    volunteer = _volunteer(context)
    draft = None
    if volunteer is not None:
        async with context.db.transaction() as db:
            draft = await _own_draft(db, volunteer, int(raw_id))
            carrier = await accounts.find_carrier(db, code) if code != ANY_CARRIER else None
            if draft is not None and (carrier is not None or code == ANY_CARRIER):
                draft = replace(draft, carrier_id=carrier.id if carrier else None)
                await advice.save_ticket(db, draft, context.now())
                await prompt_storage.ask(
                    db, volunteer.id, PromptKind.HOUSEHOLD, draft.id, context.now()
                )
            else:
                draft = None
    if draft is None:
        await answer_expired(update, context)
        return
    await _show_step(update, context, draft, Step.HOUSEHOLD)


# What a draft's buttons do: a Step shows the draft there, a text leaves the draft with it
# above the main menu, None means the button does not fit the draft any more.
DraftAction = Callable[[Db, BotContext, Ticket, Step], Awaitable[Step | str | None]]


async def _discard(db: Db, context: BotContext, draft: Ticket, step: Step) -> str:
    await advice.delete_draft(db, draft.id)
    await prompt_storage.clear_prompt(db, draft.user_id)
    return context.t("Your question is deleted; nothing was sent.")


async def _send(db: Db, context: BotContext, draft: Ticket, step: Step) -> str | None:
    if step is not Step.PREVIEW:
        return None
    now = context.now()
    sent = replace(draft, status=TicketStatus.OPEN, submitted_at=now)
    await advice.save_ticket(db, sent, now)
    await prompt_storage.clear_prompt(db, draft.user_id)
    await advice.alert_when_waiting(db, sent, context.settings.question_alert_after, now)
    return context.t(
        "📨 Your question is sent to {addressee}. The answer comes here, in this chat."
    ).format(addressee=await _addressee(context, sent))


async def _no_household(db: Db, context: BotContext, draft: Ticket, step: Step) -> Step | None:
    if step is not Step.HOUSEHOLD:
        return None
    await advice.save_ticket(db, replace(draft, household=None), context.now())
    await prompt_storage.ask(db, draft.user_id, PromptKind.QUESTION, draft.id, context.now())
    return Step.QUESTION


async def _back(db: Db, context: BotContext, draft: Ticket, step: Step) -> Step | None:
    if step is Step.HOUSEHOLD:
        await prompt_storage.clear_prompt(db, draft.user_id)
        return Step.CARRIER
    if step in (Step.QUESTION, Step.PREVIEW):
        await prompt_storage.ask(db, draft.user_id, PromptKind.HOUSEHOLD, draft.id, context.now())
        return Step.HOUSEHOLD
    return None


_DRAFT_ACTIONS: dict[str, DraftAction] = {
    "cancel": _discard,
    "send": _send,
    "nohousehold": _no_household,
    "back": _back,
}


async def on_draft_button(update: Update, context: BotContext) -> None:
    raw_id, action = parsed(update).args
    volunteer = _volunteer(context)
    draft, outcome = None, None
    if volunteer is not None:
        async with context.db.transaction() as db:
            draft = await _own_draft(db, volunteer, int(raw_id))
            if draft is not None:
                step = _step(draft, await prompt_storage.get_prompt(db, volunteer.id))
                outcome = await _DRAFT_ACTIONS[action](db, context, draft, step)
                draft = await advice.get_ticket(db, draft.id)
    if outcome is None:
        await answer_expired(update, context)
    elif isinstance(outcome, str):
        await show_main_menu(update, context, outcome)
    else:
        assert draft is not None
        await _show_step(update, context, draft, outcome)


_NAME_PROBLEMS = {
    NameProblem.EMPTY: N_("Please write a first name."),
    NameProblem.TOO_LONG: N_(
        "That is too long for a first name. Please write only the first name."
    ),
    NameProblem.NOT_A_NAME: N_("Please write only a first name, in letters."),
}


async def on_text(update: Update, context: BotContext) -> None:
    assert update.message is not None and update.message.text is not None
    volunteer = _volunteer(context)
    prompt = await prompts.current(context, ASKING)
    if volunteer is None or prompt is None or prompt.target_id is None:
        await show_main_menu(update, context)
        return
    if prompt.kind is PromptKind.REPLY:
        await _reply(update, context, volunteer, prompt.target_id, update.message.text)
        return
    text, now = update.message.text, context.now()
    async with context.db.transaction() as db:
        draft = await _own_draft(db, volunteer, prompt.target_id)
        note, step = "", Step.QUESTION
        if draft is None:
            await prompt_storage.clear_prompt(db, volunteer.id)
        elif prompt.kind is PromptKind.HOUSEHOLD:
            name = read_first_name(text)
            if isinstance(name, NameProblem):
                note, step = context.t(NAME_PROBLEMS[name]), Step.HOUSEHOLD
            else:
                draft = replace(draft, household=name)
                await advice.save_ticket(db, draft, now)
                await prompt_storage.ask(db, volunteer.id, PromptKind.QUESTION, draft.id, now)
        elif measured_length(text) > MAX_QUESTION_LENGTH:
            note = _too_long(context, text)
        else:
            draft = replace(draft, question=text.strip())
            await advice.save_ticket(db, draft, now)
            step = Step.PREVIEW
    if draft is None:
        await show_main_menu(update, context)
        return
    await _show_step(update, context, draft, step, note)


def _too_long(context: BotContext, text: str) -> str:
    # TRANSLATORS: {length} and {max} are numbers of characters.
    return context.t(
        "Your text has {length} characters, but at most {max} fit. Please shorten it and send "
        "it again. Everything else you entered is kept."
    ).format(
        length=context.i18n.number(measured_length(text)),
        max=context.i18n.number(MAX_QUESTION_LENGTH),
    )


async def on_other(update: Update, context: BotContext) -> None:
    """A photo, sticker or voice message while we wait for text."""
    note = context.t(
        "I can only read text. Please write it in words, and please do not send photos of "
        "papers: the caseworkers do not need copies."
    )
    volunteer, prompt = _volunteer(context), await prompts.current(context, ASKING)
    if volunteer is None or prompt is None or prompt.target_id is None:
        await show_main_menu(update, context, note)
        return
    if prompt.kind is PromptKind.REPLY:
        await _ask_reply(update, context, prompt.target_id, note)
        return
    draft = await _own_draft(context.db, volunteer, prompt.target_id)
    if draft is None:
        await show_main_menu(update, context, note)
        return
    await _show_step(update, context, draft, _step(draft, prompt), note)


async def on_cancel(update: Update, context: BotContext) -> None:
    prompt = await prompts.current(context, ASKING)
    await prompts.clear(context)
    if prompt is not None and prompt.kind is PromptKind.REPLY:
        await show_main_menu(update, context, context.t("Stopped. Nothing was sent."))
        return
    text = context.t("Stopped. Your question is kept as a draft: continue with /ask.")
    await show_main_menu(update, context, text)


# After an answer.


async def _own_ticket(context: BotContext, ticket_id: int) -> tuple[Account, Ticket] | None:
    volunteer = _volunteer(context)
    ticket = await advice.get_ticket(context.db, ticket_id) if volunteer else None
    if volunteer is None or ticket is None or ticket.user_id != volunteer.id:
        return None
    return volunteer, ticket


async def _ask_reply(update: Update, context: BotContext, ticket_id: int, note: str = "") -> None:
    text = context.t(
        "Write your reply to the caseworker in one message, at most {max} characters. "
        "/cancel stops."
    ).format(max=context.i18n.number(MAX_QUESTION_LENGTH))
    text, rows = (f"{note}\n\n{text}" if note else text), [menu_row(context)]
    if update.callback_query is not None:  # under the answer, which stays as it is
        await show_below(update, context, text, rows)
        return
    await show(update, context, text, rows)


async def on_after_answer(update: Update, context: BotContext) -> None:
    action, raw_id = parsed(update).args
    found = await _own_ticket(context, int(raw_id))
    if found is None or found[1].status is TicketStatus.DRAFT:
        await answer_expired(update, context)
        return
    volunteer, ticket = found
    if action == "show":
        await show(update, context, *await _question_screen(context, ticket))
    elif action == "reply" and ticket.is_active:
        async with context.db.transaction() as db:
            await prompt_storage.ask(db, volunteer.id, PromptKind.REPLY, ticket.id, context.now())
        await _ask_reply(update, context, ticket.id)
    elif action == "solved" and ticket.is_active:
        async with context.db.transaction() as db:
            await advice.save_ticket(db, solved(ticket), context.now())
            await advice.stop_waiting_alerts(db, ticket.id, context.now())
        await remove_buttons(update)  # the answer stays readable; only its buttons go
        text = context.t(
            "Glad it helped! The question is closed. You find it and its answers under /ask, "
            "“My questions”."
        )
        await show_below(update, context, text, [_my_questions_row(context), menu_row(context)])
    else:  # a button of a closed question
        await remove_buttons(update)
        await answer_expired(update, context)


async def _reply(
    update: Update, context: BotContext, volunteer: Account, ticket_id: int, text: str
) -> None:
    if measured_length(text) > MAX_QUESTION_LENGTH:
        await _ask_reply(update, context, ticket_id, _too_long(context, text))
        return
    now = context.now()
    async with context.db.transaction() as db:
        ticket = await advice.get_ticket(db, ticket_id)
        await prompt_storage.clear_prompt(db, volunteer.id)
        if ticket is not None and ticket.user_id == volunteer.id and ticket.is_active:
            message_id = await advice.add_message(db, ticket.id, Author.VOLUNTEER, text, now)
            ticket = after_reply(ticket)
            await advice.save_ticket(db, ticket, now)
            if ticket.taken_by is not None:
                await advice.send_message(
                    db,
                    ticket_id=ticket.id,
                    message_id=message_id,
                    to=ticket.taken_by,
                    kind=advice.REPLY,
                    params={"quote": text},
                    now=now,
                )
            else:
                await advice.alert_when_waiting(
                    db, ticket, context.settings.question_alert_after, now
                )
        else:
            ticket = None
    if ticket is None:
        await show_main_menu(update, context, context.t("This question is closed."))
        return
    text = context.t("📨 Sent. The answer comes here, in this chat.")
    await show(update, context, text, [menu_row(context)])


# The volunteer's questions, to read them and their answers again.

_STATES = {
    TicketStatus.OPEN: N_("waiting for a caseworker"),
    TicketStatus.TAKEN: N_("a caseworker is answering it"),
    TicketStatus.ANSWERED: N_("answered"),
    TicketStatus.SOLVED: N_("solved"),
}


def _my_questions_row(context: BotContext) -> list[InlineKeyboardButton]:
    return [MY_QUESTIONS_PAGE.button("📂 " + context.t("My questions"), 0)]


async def on_my_questions(update: Update, context: BotContext) -> None:
    volunteer = _volunteer(context)
    if volunteer is None:
        await answer_expired(update, context)
        return
    t, offset = context.t, int(parsed(update).arg)
    found = await advice.list_for_volunteer(
        context.db, volunteer.id, offset, QUESTIONS_PAGE_SIZE + 1
    )
    shown = found[:QUESTIONS_PAGE_SIZE]
    ask_row = [ASK_QUESTION.button("💬 " + t("Ask a question"), "start")]
    if not shown:
        text = t("You have not sent a question yet.")
        await show(update, context, text, [ask_row, menu_row(context)])
        return
    lines = [t("Your questions, the newest first:")]
    for ticket in shown:
        assert ticket.submitted_at is not None
        # TRANSLATORS: {number} like #12; {date} when it was asked; {state} as above.
        lines.append(
            t("• {number}, asked {date}: {state}").format(
                number=context.i18n.isolate(f"#{ticket.id}"),
                date=context.i18n.datetime(ticket.submitted_at, "short"),
                state=t(_STATES[ticket.status]),
            )
        )
    rows: Keyboard = [
        [MY_QUESTION.button(t("Open {number}").format(number=f"#{ticket.id}"), "show", ticket.id)]
        for ticket in shown
    ]
    more = len(found) > len(shown)
    pager = pager_row(
        context, MY_QUESTIONS_PAGE, offset, QUESTIONS_PAGE_SIZE, shown=len(shown), more=more
    )
    rows += [pager] if pager else []
    await show(update, context, "\n".join(lines), [*rows, ask_row, menu_row(context)])


async def _question_screen(context: BotContext, ticket: Ticket) -> tuple[str, Keyboard]:
    """The question with its answers and replies, the latest that fit."""
    t, i18n = context.t, context.i18n
    assert ticket.submitted_at is not None and ticket.question is not None
    head = t("❓ <b>Your question {number}</b> to {addressee}, asked {date}:").format(
        number=i18n.isolate(f"#{ticket.id}"),
        addressee=await _addressee(context, ticket),
        date=i18n.datetime(ticket.submitted_at, "short"),
    )
    if ticket.household:
        head += "\n" + t("About the household: {name}").format(
            name=i18n.isolate(html.escape(ticket.household))
        )
    question = f"<blockquote>{excerpt(ticket.question, MAX_QUESTION_LENGTH)}</blockquote>"
    state = t("State: {state}").format(state=t(_STATES[ticket.status]))
    fixed = "\n\n".join((head, question, state))
    messages = await advice.list_messages(context.db, ticket.id)
    earlier = thread(i18n, messages, MAX_TEXT_LENGTH - len(fixed), t("↩ You wrote on {date}:"))
    rows: Keyboard = []
    if ticket.is_active:
        rows.append(
            [
                MY_QUESTION.button("↩ " + t("Reply"), "reply", ticket.id),
                MY_QUESTION.button("✅ " + t("Solved"), "solved", ticket.id),
            ]
        )
    rows += [[MY_QUESTIONS_PAGE.button("« " + t("My questions"), 0)], menu_row(context)]
    return "\n\n".join((head, question, *earlier, state)), rows


def render_answer(params: Mapping[str, Any], tr: Translator) -> Rendered:
    """An answer, or a suggestion to book a Beratungsgespräch, with the question quoted."""
    carrier = tr.isolate(html.escape(params["carrier"]))
    if params["booking"]:
        head = tr.gettext(
            "📅 <b>{carrier} suggests a Beratungsgespräch about your question.</b> That is a "
            "one-to-one consultation with a caseworker."
        ).format(carrier=carrier)
    else:
        head = tr.gettext("💬 <b>{carrier} answered your question:</b>").format(carrier=carrier)
    answer = excerpt(params["answer"], MAX_TEXT_LENGTH)  # the limit held when it was typed
    foot = tr.gettext("If something is unclear, reply. If it is solved, tap “Solved”.")
    before = f"{head}\n<blockquote>"
    after = "</blockquote>\n\n" + "\n\n".join(part for part in (answer, foot) if part)
    room = MAX_TEXT_LENGTH - len(before) - len(after)
    text = before + excerpt(params["quote"], min(MAX_QUOTE_LENGTH, room)) + after
    ticket = params["ticket"]
    rows: tuple[tuple[tuple[str, str], ...], ...] = (
        (
            ("↩ " + tr.gettext("Reply"), MY_QUESTION.data("reply", ticket)),
            ("✅ " + tr.gettext("Solved"), MY_QUESTION.data("solved", ticket)),
        ),
    )
    if params["booking"]:
        # The booking flow of appointments/bookings.py, at the days of the suggesting carrier.
        book = BOOK_AT_CARRIER.data(SlotKind.BERATUNG, params["carrier_id"])
        rows = ((("📅 " + tr.gettext("Book a Beratungsgespräch"), book),), *rows)
    return Rendered(text, rows)


VOLUNTEERS = frozenset({Role.VOLUNTEER})


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("ask", on_ask))
    for route, callback in (
        (ASK_QUESTION, on_ask),
        (QUESTION_CARRIER, on_carrier),
        (QUESTION_DRAFT, on_draft_button),
        (MY_QUESTION, on_after_answer),
        (MY_QUESTIONS_PAGE, on_my_questions),
    ):
        app.add_handler(route.handler(callback))
    entry = MenuEntry(
        N_("Ask a caseworker"), "💬", ASK_QUESTION.data("start"), VOLUNTEERS, order=40
    )
    add_menu_entry(app, entry)
    add_flow(app, TextFlow(prompts.waiting_for(ASKING), on_text, on_cancel, on_other))
    delivery.register_renderer(app, advice.ANSWER, render_answer, essential=True)
