"""The housing search: a guided registration, then /mysearch to view, change, pause or
withdraw it.

Each answer is saved at once and the chat's position (step, asking) is part of the search
row, so a restart or a week away continues where the user stopped. Buttons are
`hs:<search id>:<step>:<action>`: one whose search is not the user's, or whose step is not
the current one, has expired.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from bot.features import MenuEntry, TextFlow, add_flow, add_menu_action, add_menu_entry
from bot.i18n import N_
from bot.limits import MAX_ECHO_LENGTH
from domain.accounts import Account, Role
from domain.advice import excerpt
from domain.places import (
    add_places,
    anywhere_in_city,
    find_places,
    toggle_district,
    toggle_quarter,
)
from domain.rent_limits import rent_limit, table_on
from domain.searches import (
    DOCUMENT_STEPS,
    FIELD_STEPS,
    MAX_MOVE_IN_DAYS,
    MAX_PERSONS,
    MAX_RENT,
    NO_CARRIER,
    Field,
    Search,
    SearchStatus,
    Step,
    Wbs,
    change_status,
    has_real_carrier,
    missing_fields,
    start_over,
    step_after,
    step_before,
    with_document,
)
from domain.user_input import Problem, read_amount, read_count, read_date
from handlers.common import fallback, guards, texts
from handlers.common.main_menu import is_registered, show_main_menu
from handlers.common.routes import MAIN_MENU, parsed
from handlers.common.ui import menu_row, show
from handlers.search.routes import SEARCH_STEP
from handlers.search.screens import (
    EXAMPLE_RENT,
    View,
    help_screen,
    move_in_example,
    question,
    rent_warning,
    resume_screen,
)
from storage import accounts, consents, rent_limits, searches
from storage.db import Db


class Show(Enum):
    QUESTION = "question"  # the screen of the search's step
    HELP = "help"
    RESUME = "resume"  # continue or start over
    MENU = "menu"  # left the search: the main menu


@dataclass(frozen=True, slots=True)
class Outcome:
    search: Search  # saved when it differs from the search the answer was given to
    note: str = ""  # said above the next screen: a problem with the answer, or a warning
    show: Show = Show.QUESTION


# An answer to the current step; None when the button does not fit it (an old or forged one).
Answer = Callable[[Db, BotContext, Search, str], Awaitable[Outcome | None]]


def _today(context: BotContext) -> date:
    return context.now().astimezone(context.settings.tz).date()


def _next(context: BotContext, search: Search, answered: Step, note: str = "") -> Outcome:
    step = step_after(search, answered)
    if step is Step.SUMMARY and search.status is not SearchStatus.DRAFT and not note:
        note = context.t("Saved.")
    return Outcome(replace(search, step=step, asking=step is not Step.SUMMARY), note)


# Answers ------------------------------------------------------------------------------------


def _count_problem(context: BotContext, problem: Problem, low: int, high: int) -> str:
    t, i18n = context.t, context.i18n
    if problem in (Problem.NOT_A_NUMBER, Problem.NOT_WHOLE):
        return t("Please write a whole number, for example 2.")
    text = t("Please write a number from {low} to {high}.").format(
        low=i18n.number(low), high=i18n.number(high)
    )
    if problem is Problem.TOO_LARGE:
        text += " " + t("For a larger household, please talk to your carrier.")
    return text


async def _adults(db: Db, context: BotContext, search: Search, value: str) -> Outcome:
    adults = read_count(value, 1, MAX_PERSONS)
    if isinstance(adults, Problem):
        return Outcome(search, _count_problem(context, adults, 1, MAX_PERSONS))
    return _next(context, replace(search, adults=adults), Step.ADULTS)


async def _children(db: Db, context: BotContext, search: Search, value: str) -> Outcome:
    high = MAX_PERSONS - (search.adults or 1)
    children = read_count(value, 0, high)
    if isinstance(children, Problem):
        return Outcome(search, _count_problem(context, children, 0, high))
    return _next(context, replace(search, children=children), Step.CHILDREN)


async def _area_button(db: Db, context: BotContext, search: Search, value: str) -> Outcome | None:
    city, area = context.bot_data.city, search.area
    if value == "any":
        return _next(context, replace(search, area=anywhere_in_city()), Step.AREA)
    if value == "done":
        if not area.is_answered:
            note = context.t("Please choose at least one district, or “Anywhere in Köln”.")
            return Outcome(search, note)
        return _next(context, search, Step.AREA)
    if value == "quarters" and area.districts:
        return Outcome(replace(search, step=Step.QUARTERS))
    number = int(value[1:]) if value[1:].isdigit() else 0
    district = city.district_by_number(number) if value.startswith("d") else None
    if district is not None and search.step is Step.AREA:
        return Outcome(replace(search, area=toggle_district(area, district)))
    quarter = city.quarter_by_number(number) if value.startswith("q") else None
    if quarter is not None and search.step is Step.QUARTERS and quarter.district in area.districts:
        return Outcome(replace(search, area=toggle_quarter(area, quarter)))
    return None


async def _area_text(db: Db, context: BotContext, search: Search, value: str) -> Outcome:
    lookup = find_places(context.bot_data.city, value)
    chosen = replace(search, area=add_places(search.area, lookup.matches))
    if lookup.unknown:
        note = context.t(
            "I do not know “{name}” as a place in Köln. Choose a district with the buttons, "
            "or write the name of a quarter, for example Deutz."
        ).format(name=context.i18n.isolate(excerpt(lookup.unknown[0], MAX_ECHO_LENGTH)))
        return Outcome(chosen, note)
    if chosen.area.anywhere:
        return _next(context, chosen, Step.AREA)
    return Outcome(chosen)


async def _current_limit(db: Db, context: BotContext, search: Search) -> Decimal | None:
    if search.persons is None:
        return None
    limit = rent_limit(
        await rent_limits.list_rent_limit_tables(db), search.persons, _today(context)
    )
    return limit.rent if limit else None


async def _set_rent(db: Db, context: BotContext, search: Search, amount: Decimal) -> Outcome:
    limit = await _current_limit(db, context, search)
    warning = rent_warning(context, limit) if limit is not None and amount > limit else ""
    return _next(context, replace(search, max_rent=amount), Step.RENT, warning)


async def _rent_text(db: Db, context: BotContext, search: Search, value: str) -> Outcome:
    amount = read_amount(value, Decimal(0), MAX_RENT)
    if isinstance(amount, Problem):
        return Outcome(search, _amount_problem(context, amount))
    return await _set_rent(db, context, search, amount)


def _amount_problem(context: BotContext, problem: Problem) -> str:
    t, i18n = context.t, context.i18n
    if problem is Problem.TOO_SMALL:
        return t("The rent must be more than zero. Please write an amount in euros.")
    if problem is Problem.TOO_LARGE:
        return t("That is more than {max} a month. Please check the amount.").format(
            max=i18n.money(MAX_RENT)
        )
    return t(
        "I could not read an amount. Please write it in euros, for example {example}."
    ).format(example=i18n.number(EXAMPLE_RENT))


async def _rent_button(db: Db, context: BotContext, search: Search, value: str) -> Outcome | None:
    limit = await _current_limit(db, context, search)
    if value != "limit" or limit is None:
        return None
    return await _set_rent(db, context, search, limit)


async def _wbs(db: Db, context: BotContext, search: Search, value: str) -> Outcome | None:
    if value not in {w.value for w in Wbs}:
        return None
    return _next(context, replace(search, wbs=Wbs(value)), Step.WBS)


def _latest_move_in(context: BotContext) -> date:
    return _today(context) + timedelta(days=MAX_MOVE_IN_DAYS)


async def _move_in_button(
    db: Db, context: BotContext, search: Search, value: str
) -> Outcome | None:
    try:
        day = _today(context) if value == "asap" else date.fromisoformat(value)
    except ValueError:
        return None
    if day > _latest_move_in(context):
        return None
    # A month button from an old message may lie in the past: that means "as soon as possible".
    return _next(context, replace(search, move_in=day), Step.MOVE_IN)


async def _move_in_text(db: Db, context: BotContext, search: Search, value: str) -> Outcome:
    t = context.t
    day = read_date(value, _today(context), _latest_move_in(context))
    if day is Problem.IN_THE_PAST:
        return Outcome(search, t("That date has passed. Please choose a date from today on."))
    if day is Problem.TOO_FAR:
        return Outcome(
            search, t("That is more than two years ahead. Please choose an earlier date.")
        )
    if isinstance(day, Problem):
        note = t("I could not read a date. Please write it like {example}, or tap a button.")
        return Outcome(search, note.format(example=move_in_example(_today(context))))
    return _next(context, replace(search, move_in=day), Step.MOVE_IN)


async def _step_free(db: Db, context: BotContext, search: Search, value: str) -> Outcome | None:
    if value not in ("yes", "no"):
        return None
    return _next(context, replace(search, step_free=value == "yes"), Step.STEP_FREE)


async def _drop_consent(db: Db, search: Search) -> None:
    """The carrier no longer supports this search, so it no longer sees it."""
    carrier = await accounts.find_carrier(db, search.carrier) if has_real_carrier(search) else None
    if carrier is not None:
        await consents.withdraw_consent(db, search.user_id, carrier.id)


async def _carrier(db: Db, context: BotContext, search: Search, value: str) -> Outcome | None:
    if value != NO_CARRIER and await accounts.find_carrier(db, value) is None:
        return None
    if value != search.carrier:
        await _drop_consent(db, search)
    return _next(context, replace(search, carrier=value), Step.CARRIER)


async def _share(db: Db, context: BotContext, search: Search, value: str) -> Outcome | None:
    carrier = await accounts.find_carrier(db, search.carrier) if search.carrier else None
    if carrier is None or value not in ("yes", "no"):
        return None
    if value == "yes":
        await consents.grant_consent(db, search.user_id, carrier.id, context.now())
    else:
        await consents.withdraw_consent(db, search.user_id, carrier.id)
    return _next(context, search, Step.SHARE)


async def _document(db: Db, context: BotContext, search: Search, value: str) -> Outcome | None:
    if value not in ("yes", "no"):
        return None
    held = with_document(search, DOCUMENT_STEPS[search.step], value == "yes")
    return _next(context, held, search.step)


async def _summary(db: Db, context: BotContext, search: Search, value: str) -> Outcome | None:
    now, status = context.now(), search.status
    fields = {f.value: f for f in Field}
    if value in fields and status is not SearchStatus.WITHDRAWN:
        return Outcome(replace(search, step=FIELD_STEPS[fields[value]][0], asking=True))
    if value == "withdraw" and status in (SearchStatus.ACTIVE, SearchStatus.PAUSED):
        return Outcome(replace(search, step=Step.WITHDRAW))
    wanted = {
        "confirm": SearchStatus.ACTIVE,
        "pause": SearchStatus.PAUSED,
        "resume": SearchStatus.ACTIVE,
        "new": SearchStatus.DRAFT,
    }.get(value)
    changed = change_status(search, wanted, now) if wanted else None
    if changed is None:
        return None
    if changed.status is SearchStatus.DRAFT:
        await _drop_consent(db, search)
    if value == "confirm":
        thanks = context.t(
            "Thank you! Your housing search is registered. When a flat fits, you will get a "
            "message. You can change your search at any time with /mysearch."
        )
        return Outcome(changed, thanks, Show.MENU)
    return Outcome(changed)


async def _withdraw(db: Db, context: BotContext, search: Search, value: str) -> Outcome | None:
    changed = change_status(search, SearchStatus.WITHDRAWN, context.now())
    return Outcome(changed) if value == "yes" and changed else None


def _pressed(typed: Answer) -> Answer:
    """A number button answers like the typed number; one the reader refuses was not ours."""

    async def answer(db: Db, context: BotContext, search: Search, value: str) -> Outcome | None:
        outcome = await typed(db, context, search, value)
        return outcome if outcome is not None and outcome.search != search else None

    return answer


# Per step: the answer to a button, the answer to typed text (None: buttons only).
_ANSWERS: dict[Step, tuple[Answer, Answer | None]] = {
    Step.ADULTS: (_pressed(_adults), _adults),
    Step.CHILDREN: (_pressed(_children), _children),
    Step.AREA: (_area_button, _area_text),
    Step.QUARTERS: (_area_button, _area_text),
    Step.RENT: (_rent_button, _rent_text),
    Step.WBS: (_wbs, None),
    Step.MOVE_IN: (_move_in_button, _move_in_text),
    Step.STEP_FREE: (_step_free, None),
    Step.CARRIER: (_carrier, None),
    Step.SHARE: (_share, None),
    **{step: (_document, None) for step in DOCUMENT_STEPS},
    Step.SUMMARY: (_summary, None),
    Step.WITHDRAW: (_withdraw, None),
}


async def _navigate(db: Db, context: BotContext, search: Search, action: str) -> Outcome | None:
    """Back, Cancel, Help, the question again, or start over: the same on every step."""
    if action == "back":
        before = step_before(search, search.step)
        if before is None:
            return None
        return Outcome(replace(search, step=before, asking=before is not Step.SUMMARY))
    if action == "cancel":
        note = context.t(
            "Stopped. Everything you entered is saved. Continue any time with /mysearch."
        )
        return Outcome(replace(search, asking=False), note, Show.MENU)
    if action == "help":
        return Outcome(search, show=Show.HELP)
    if action == "ask":
        return Outcome(replace(search, asking=search.step is not Step.SUMMARY))
    if action == "restart" and search.status is SearchStatus.DRAFT:
        await _drop_consent(db, search)
        return Outcome(start_over(search, context.now()))
    return None


_NAVIGATION = frozenset({"back", "cancel", "help", "ask", "restart"})


# Rendering ----------------------------------------------------------------------------------


async def search_view(context: BotContext, search: Search) -> View:
    db = context.db
    carrier = await accounts.find_carrier(db, search.carrier) if has_real_carrier(search) else None
    shared = carrier is not None and await consents.has_consent(db, search.user_id, carrier.id)
    today = _today(context)
    return View(
        city=context.bot_data.city,
        limits=table_on(await rent_limits.list_rent_limit_tables(db), today),
        today=today,
        carriers=await accounts.list_carriers(db),
        shared=shared,
    )


async def _render(update: Update, context: BotContext, outcome: Outcome) -> None:
    search = outcome.search
    if outcome.show is Show.MENU:
        await show_main_menu(update, context, outcome.note or None)
        return
    if outcome.show is Show.HELP:
        text, rows = help_screen(context, search, await texts.offline_route(context))
    elif outcome.show is Show.RESUME:
        text, rows = resume_screen(context, search)
    else:
        text, rows = question(context, search, await search_view(context, search))
    await show(update, context, f"{outcome.note}\n\n{text}" if outcome.note else text, rows)


# Handlers -----------------------------------------------------------------------------------


def _seeker(context: BotContext) -> Account | None:
    """The account of a registered seeker; nobody else has a housing search."""
    account = context.account
    if account is None or not is_registered(account) or account.role is not Role.SEEKER:
        return None
    return account


async def on_mysearch(update: Update, context: BotContext) -> None:
    account = context.account
    if not is_registered(account) or account is None:
        await show_main_menu(update, context)
        return
    if account.role is not Role.SEEKER:
        text = context.t("The housing search is for households who are looking for a flat.")
        await show(update, context, text, [menu_row(context)])
        return
    async with context.db.transaction() as db:
        search = await searches.find_search(db, account.id)
        if search is None:
            search = await searches.create_search(db, account.id, context.now())
            intro = context.t(
                "Let us register your housing search. There are {total} short parts. You can "
                "stop at any time: your answers are saved."
            ).format(total=context.i18n.number(len(Field)))
            outcome = Outcome(search, intro)
        else:
            outcome = _reopen(search)
        if outcome.search != search:
            await searches.save_search(db, outcome.search, context.now())
    await _render(update, context, outcome)


def _reopen(search: Search) -> Outcome:
    """A draft continues (or starts over); anything else shows the summary."""
    if search.status is not SearchStatus.DRAFT:
        return Outcome(replace(search, step=Step.SUMMARY, asking=False))
    untouched = len(missing_fields(search)) == len(Field) and search.adults is None
    if untouched:
        return Outcome(replace(search, asking=True))
    return Outcome(search, show=Show.RESUME)


async def on_button(update: Update, context: BotContext) -> None:
    cb = parsed(update)
    search_id, step, action = int(cb.args[0]), cb.args[1], cb.args[2]
    account, outcome = _seeker(context), None
    if account is not None:
        async with context.db.transaction() as db:
            search = await searches.get_search(db, search_id)
            if search is not None and search.user_id == account.id and search.step == step:
                if action in _NAVIGATION:
                    outcome = await _navigate(db, context, search, action)
                else:
                    outcome = await _ANSWERS[search.step][0](db, context, search, action)
            if outcome is not None and outcome.search != search:
                await searches.save_search(db, outcome.search, context.now())
                if outcome.search.documents != search.documents:  # only buttons change them
                    for hook in context.bot_data.documents_hooks:
                        await hook(db, context, account.id, outcome.search.documents)
    if outcome is None:
        await guards.answer_expired(update, context)
        return
    await _render(update, context, outcome)


async def _asking(context: BotContext) -> Search | None:
    """The user's search if a question of it waits for their answer."""
    account = _seeker(context)
    if account is None:
        return None
    search = await searches.find_search(context.db, account.id)
    return search if search is not None and search.asking else None


async def on_text(update: Update, context: BotContext) -> None:
    """Typed text answers the open question; without one it goes to the general fallback."""
    assert update.message is not None and update.message.text is not None
    search = await _asking(context)
    if search is None:
        await fallback.on_text(update, context)
        return
    text_answer = _ANSWERS[search.step][1]
    if text_answer is None:
        note = context.t("Please answer with one of the buttons.")
        await _render(update, context, Outcome(search, note))
        return
    text = update.message.text
    outcome = await _answer_in_transaction(
        context, search, lambda db, s: text_answer(db, context, s, text)
    )
    await _render(update, context, outcome)


async def on_other_message(update: Update, context: BotContext) -> None:
    """A photo, sticker or voice message while a question is open: explain and ask again."""
    search = await _asking(context)
    if search is None:
        await fallback.on_other_message(update, context)
        return
    note = context.t(
        "I can only read text and buttons. Please do not send photos or documents: "
        "we never need copies of your papers."
    )
    await _render(update, context, Outcome(search, note))


async def on_cancel(update: Update, context: BotContext) -> None:
    search = await _asking(context)
    if search is None:  # answered meanwhile, on another device
        await show_main_menu(update, context)
        return
    outcome = await _answer_in_transaction(
        context, search, lambda db, s: _navigate(db, context, s, "cancel")
    )
    await _render(update, context, outcome)


async def _answer_in_transaction(
    context: BotContext,
    search: Search,
    answer: Callable[[Db, Search], Awaitable[Outcome | None]],
) -> Outcome:
    """Applies a typed answer to the search as it is now; if it moved on meanwhile (a second
    device, a double tap), the user sees where it stands instead."""
    async with context.db.transaction() as db:
        fresh = await searches.get_search(db, search.id)
        outcome = await answer(db, search) if fresh == search else None
        if outcome is not None and outcome.search != search:
            await searches.save_search(db, outcome.search, context.now())
    return outcome or Outcome(fresh or search)


async def _waiting_since(context: BotContext) -> datetime | None:
    account = _seeker(context)
    return await searches.asking_since(context.db, account.id) if account else None


SEEKERS = frozenset({Role.SEEKER})


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("mysearch", on_mysearch))
    add_menu_action(app, "mysearch", on_mysearch)  # the main menu's button
    app.add_handler(SEARCH_STEP.handler(on_button))
    entry = MenuEntry(N_("My housing search"), "🔎", MAIN_MENU.data("mysearch"), SEEKERS, order=10)
    add_menu_entry(app, entry)
    add_flow(app, TextFlow(_waiting_since, on_text, on_cancel, on_other_message))
