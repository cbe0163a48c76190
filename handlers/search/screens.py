"""What the housing-search chat shows: one screen a step, in the reader's language.

Every question names the answer it expects, offers buttons for known answers and has
Back (where there is a question before), Cancel and Help. District and quarter names stay
German: they are proper names.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.lists import format_list
from telegram import InlineKeyboardButton

from bot.context import BotContext
from domain.accounts import Carrier
from domain.places import City
from domain.rent_limits import RentLimitTable
from domain.searches import (
    DOCUMENT_NAMES,
    DOCUMENT_STEPS,
    FIELD_STEPS,
    NO_CARRIER,
    Document,
    Field,
    Search,
    SearchStatus,
    Step,
    Wbs,
    above_limit,
    field_of,
    is_complete,
    missing_fields,
    step_before,
)
from handlers.common.search_summary import describe_area
from handlers.common.ui import Keyboard, menu_row
from handlers.search.routes import SEARCH_STEP

ADULT_CHOICES = range(1, 7)
CHILD_CHOICES = range(7)
MOVE_IN_MONTHS = 6
EXAMPLE_RENT = 650


@dataclass(frozen=True, slots=True)
class View:
    """What the screens need besides the search; the handler loads it."""

    city: City
    limits: RentLimitTable | None  # the table in force today
    today: date
    carriers: list[Carrier]
    shared: bool  # the chosen carrier may see the search


Screen = tuple[str, Keyboard]


def answer(search: Search, label: str, action: str | int) -> InlineKeyboardButton:
    """A button that is valid only while the search is at this step."""
    return SEARCH_STEP.button(label, search.id, search.step, action)


def rows_of(buttons: list[InlineKeyboardButton], per_row: int = 2) -> Keyboard:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def nav_row(context: BotContext, search: Search) -> list[InlineKeyboardButton]:
    t = context.t
    row = [answer(search, "✗ " + t("Cancel"), "cancel"), answer(search, "❓ " + t("Help"), "help")]
    if step_before(search, search.step) is not None:
        row.insert(0, answer(search, "« " + t("Back"), "back"))
    return row


def field_labels(context: BotContext) -> dict[Field, str]:
    t = context.t
    return {
        Field.HOUSEHOLD: t("Household"),
        Field.AREA: t("Where"),
        Field.RENT: t("Rent"),
        Field.WBS: "WBS",
        Field.MOVE_IN: t("Move-in date"),
        Field.STEP_FREE: t("Without steps"),
        Field.CARRIER: t("Carrier"),
        Field.DOCUMENTS: t("Documents"),
    }


def _header(context: BotContext, search: Search) -> str:
    owner = field_of(search.step)
    if search.status is not SearchStatus.DRAFT or owner is None:
        return "<i>" + context.t("Changing your housing search") + "</i>"
    fields = list(Field)
    text = context.t("Housing search: part {n} of {total}").format(
        n=context.i18n.number(fields.index(owner) + 1), total=context.i18n.number(len(fields))
    )
    return f"<i>{text}</i>"


def question(context: BotContext, search: Search, view: View) -> Screen:
    """The screen of the search's current step."""
    if search.step is Step.SUMMARY:
        return summary(context, search, view)
    if search.step is Step.WITHDRAW:
        return withdraw_question(context, search)
    text, rows = _QUESTIONS[search.step](context, search, view)
    return f"{_header(context, search)}\n\n{text}", [*rows, nav_row(context, search)]


def _count_hint(context: BotContext) -> str:
    return context.t("Tap a number or write it.")


def _adults(context: BotContext, search: Search, view: View) -> Screen:
    text = context.t("How many adults (18 years or older) will live in the flat, you included?")
    numbers = [answer(search, context.i18n.number(n), n) for n in ADULT_CHOICES]
    return f"{text}\n{_count_hint(context)}", [numbers]


def _children(context: BotContext, search: Search, view: View) -> Screen:
    text = context.t("How many children (under 18) will live in the flat?")
    numbers = [answer(search, context.i18n.number(n), n) for n in CHILD_CHOICES]
    return f"{text}\n{_count_hint(context)}", [numbers]


def _chosen(context: BotContext, search: Search, view: View) -> str:
    return context.t("Chosen: {places}").format(
        places=describe_area(context, search.area, view.city)
    )


def _area(context: BotContext, search: Search, view: View) -> Screen:
    t = context.t
    text = "\n\n".join(
        (
            t(
                "Where would you like to live? Choose one or more districts (Stadtbezirke) "
                "of Köln, then tap “Done”."
            ),
            t("You can also write the name of a quarter, for example Deutz or Kalk."),
            _chosen(context, search, view),
        )
    )
    districts = [
        answer(
            search, ("☑ " if d.name in search.area.districts else "☐ ") + d.name, f"d{d.number}"
        )
        for d in view.city.districts
    ]
    rows = rows_of(districts)
    if search.area.districts:
        rows.append([answer(search, "🔍 " + t("Choose quarters"), "quarters")])
    rows.append(
        [
            answer(search, "📍 " + t("Anywhere in Köln"), "any"),
            answer(search, "✓ " + t("Done"), "done"),
        ]
    )
    return text, rows


def _quarters(context: BotContext, search: Search, view: View) -> Screen:
    t = context.t
    text = "\n\n".join(
        (
            t(
                "Choose quarters (Stadtteile) if you want to live only in some parts of your "
                "districts. If you choose none in a district, the whole district counts."
            ),
            _chosen(context, search, view),
        )
    )
    quarters = [
        answer(search, ("☑ " if q.name in search.area.quarters else "☐ ") + q.name, f"q{q.number}")
        for d in view.city.districts
        if d.name in search.area.districts
        for q in d.quarters
    ]
    done = answer(search, "✓ " + t("Done"), "done")
    return text, [*rows_of(quarters), [done]]


def _rent(context: BotContext, search: Search, view: View) -> Screen:
    t, i18n = context.t, context.i18n
    lines = [
        t(
            "What is the highest rent you can pay per month? We mean the gross cold rent "
            "(Bruttokaltmiete): rent plus service costs, without heating."
        ),
        t("Write an amount in euros, for example {example}.").format(
            example=i18n.number(EXAMPLE_RENT)
        ),
    ]
    persons, rows = search.persons, []
    if view.limits is not None and persons is not None:
        limit = view.limits.limit_for(persons)
        lines.append(
            context.tn(
                "For a household of {n} person, the Jobcenter or Sozialamt usually pays up "
                "to {limit} (for a flat of up to about {area} m²).",
                "For a household of {n} persons, the Jobcenter or Sozialamt usually pays up "
                "to {limit} (for a flat of up to about {area} m²).",
                persons,
            ).format(
                n=i18n.number(persons),
                limit=i18n.money(limit.rent),
                area=i18n.number(limit.area_m2),
            )
            + " "
            + t("These limits (KdU) apply in Köln since {date}.").format(
                date=i18n.date(view.limits.valid_from, "long")
            )
        )
        label = t("Up to the limit: {limit}").format(limit=i18n.money(limit.rent))
        rows.append([answer(search, label, "limit")])
    return "\n\n".join(lines), rows


def _wbs(context: BotContext, search: Search, view: View) -> Screen:
    t = context.t
    text = t(
        "Do you have a WBS (Wohnberechtigungsschein)? It is a paper from the city that lets "
        "you rent a subsidised flat."
    )
    choices = (
        (Wbs.HAS, "✓ " + t("Yes, I have one")),
        (Wbs.APPLIED, "⏳ " + t("I have applied for one")),
        (Wbs.NONE, "✗ " + t("No")),
    )
    return text, [[answer(search, label, value)] for value, label in choices]


def first_days_ahead(today: date, months: int) -> list[date]:
    """The first day of each of the next `months` months."""
    days, day = [], today.replace(day=1)
    for _ in range(months):
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        days.append(day)
    return days


def move_in_example(today: date) -> str:
    """A date two months ahead in the format read_date understands: not a display date, so
    the same in every language."""
    day = first_days_ahead(today, 2)[-1]
    return f"{day.day}.{day.month}.{day.year}"


def _move_in(context: BotContext, search: Search, view: View) -> Screen:
    t, i18n = context.t, context.i18n
    months = first_days_ahead(view.today, MOVE_IN_MONTHS)
    text = t("From when can you move in? Choose a month or write a date, for example {example}.")
    months_buttons = [
        answer(search, t("From {date}").format(date=i18n.date(day, "long")), day.isoformat())
        for day in months
    ]
    asap = answer(search, "⚡ " + t("As soon as possible"), "asap")
    example = move_in_example(view.today)
    return text.format(example=example), [[asap], *rows_of(months_buttons)]


def _step_free(context: BotContext, search: Search, view: View) -> Screen:
    t = context.t
    text = t("Do you need a flat without steps, for example for a wheelchair, a walker or a pram?")
    yes = answer(search, "✓ " + t("Yes, without steps"), "yes")
    return text, [[yes], [answer(search, "✗ " + t("No, steps are fine"), "no")]]


def _carrier(context: BotContext, search: Search, view: View) -> Screen:
    t = context.t
    text = t(
        "Which carrier (Träger) helps you look for a flat? Carriers are the organisations "
        "whose social workers advise you in the move-out programme."
    )
    carriers = [[answer(search, c.name, c.code)] for c in view.carriers]
    return text, [*carriers, [answer(search, "❔ " + t("I don't know"), NO_CARRIER)]]


def carrier_name(context: BotContext, code: str | None, view: View) -> str:
    name = next((c.name for c in view.carriers if c.code == code), code or "")
    return context.i18n.isolate(html.escape(name))


def _share(context: BotContext, search: Search, view: View) -> Screen:
    t = context.t
    name = carrier_name(context, search.carrier, view)
    text = "\n\n".join(
        (
            t(
                "May the staff of {carrier} see your housing search? Then they can send you "
                "flats that fit and help you with them."
            ),
            t("Nobody else sees it. You can change this at any time with /mysearch."),
        )
    ).format(carrier=name)
    yes = answer(search, "✓ " + t("Yes, they may see it"), "yes")
    return text, [[yes], [answer(search, "✗ " + t("No"), "no")]]


def document_explanations(context: BotContext) -> dict[Document, str]:
    t = context.t
    return {
        Document.RESIDENCE: t(
            "Your residence permit or your permission to stay (Gestattung), from the "
            "foreigners' office (Ausländerbehörde). Do you have a valid one?"
        ),
        Document.WOHNSITZAUFLAGE: t(
            "The residence obligation says in which city you must live; the foreigners' "
            "office (Ausländerbehörde) can change it. Does it allow you to live in Köln, or "
            "do you have none?"
        ),
        Document.SCHUFA: t(
            "A report that shows you have no unpaid debts. You get it free of charge as a "
            "data copy (Datenkopie) at meineschufa.de. Do you have a recent one?"
        ),
        Document.RENT_DEBT: t(
            "A paper that says you owe no rent. The management of your shelter gives it to "
            "you. Do you have it?"
        ),
        Document.INCOME: t(
            "Proof of your income: payslips, or the decision (Bescheid) of the Jobcenter or "
            "Sozialamt about your benefits. Do you have it?"
        ),
        Document.DEPOSIT: t(
            "The Jobcenter or Sozialamt can lend you the deposit (Kaution) for a flat. You "
            "ask for it when you have a rent offer. Do you already have such a promise?"
        ),
    }


def _document(context: BotContext, search: Search, view: View) -> Screen:
    t, i18n = context.t, context.i18n
    document = DOCUMENT_STEPS[search.step]
    steps = FIELD_STEPS[Field.DOCUMENTS]
    counter = t("Document {n} of {total}").format(
        n=i18n.number(steps.index(search.step) + 1), total=i18n.number(len(steps))
    )
    intro = t("We only note whether you have it. Never send us a copy.")
    name = i18n.isolate(DOCUMENT_NAMES[document])
    explanation = document_explanations(context)[document]
    text = f"{counter}\n\n📄 <b>{name}</b>\n{explanation}\n\n<i>{intro}</i>"
    yes = answer(search, "✓ " + t("Yes"), "yes")
    return text, [[yes, answer(search, "✗ " + t("No, not yet"), "no")]]


def _household(context: BotContext, search: Search) -> str:
    adults, children = search.adults or 0, search.children or 0
    return context.t("Household: {adults}, {children}").format(
        adults=context.tn("{n} adult", "{n} adults", adults).format(n=context.i18n.number(adults)),
        children=context.tn("{n} child", "{n} children", children).format(
            n=context.i18n.number(children)
        ),
    )


def _rent_lines(context: BotContext, search: Search, view: View) -> list[str]:
    i18n = context.i18n
    if search.max_rent is None:
        return []
    rent = context.t("Highest rent: {rent} per month").format(rent=i18n.money(search.max_rent))
    lines = ["💶 " + rent]
    persons = search.persons
    limit = view.limits.limit_for(persons) if view.limits and persons else None
    if limit is not None and above_limit(search, limit):
        lines.append("⚠️ " + rent_warning(context, limit.rent))
    return lines


def rent_warning(context: BotContext, limit: Decimal) -> str:
    return context.t(
        "This is above the usual limit of {limit} for your household. The Jobcenter or "
        "Sozialamt must approve the rent offer (Mietangebot) before you sign a lease, or "
        "they may not pay the rent."
    ).format(limit=context.i18n.money(limit))


def summary_lines(context: BotContext, search: Search, view: View) -> list[str]:
    t, i18n = context.t, context.i18n
    lines = []
    if search.persons is not None:
        lines.append("👪 " + _household(context, search))
    if search.area.is_answered:
        places = describe_area(context, search.area, view.city)
        lines.append("📍 " + t("Where: {places}").format(places=places))
    lines += _rent_lines(context, search, view)
    wbs = {
        Wbs.HAS: t("WBS: you have one."),
        Wbs.APPLIED: t("WBS: you have applied for one."),
        Wbs.NONE: t("WBS: you have none."),
    }
    if search.wbs is not None:
        lines.append("🪪 " + wbs[search.wbs])
    if search.move_in is not None:
        move_in = (
            t("Move in: as soon as possible")
            if search.move_in <= view.today
            else t("Move in: from {date}").format(date=i18n.date(search.move_in, "long"))
        )
        lines.append("📅 " + move_in)
    if search.step_free is not None:
        needed = search.step_free
        lines.append(
            "♿ "
            + (t("Flat without steps: needed") if needed else t("Flat without steps: not needed"))
        )
    lines += _carrier_lines(context, search, view)
    if search.documents:
        lines.append("📄 " + t("Documents:"))
        lines += [
            ("✓ " if search.documents[document] else "✗ ") + i18n.isolate(DOCUMENT_NAMES[document])
            for document in Document
            if document in search.documents
        ]
    missing = missing_fields(search)
    if missing:
        labels = field_labels(context)
        names = format_list([labels[f] for f in missing], locale=i18n.locale)
        lines.append("⚠️ " + t("Not answered yet: {fields}").format(fields=names))
    return lines


def _carrier_lines(context: BotContext, search: Search, view: View) -> list[str]:
    t = context.t
    if search.carrier is None:
        return []
    if search.carrier == NO_CARRIER:
        return ["🤝 " + t("Carrier: you do not know yet")]
    name = carrier_name(context, search.carrier, view)
    shared = (
        t("{carrier} may see your search.")
        if view.shared
        else t("{carrier} may not see your search.")
    )
    return ["🤝 " + t("Carrier: {carrier}").format(carrier=name), shared.format(carrier=name)]


def status_line(context: BotContext, search: Search) -> str:
    t = context.t
    return {
        SearchStatus.DRAFT: t("Please check your answers. Tap ✏️ to change one, then confirm."),
        SearchStatus.ACTIVE: t(
            "Your housing search is active: you get offers of flats that fit it."
        ),
        SearchStatus.PAUSED: t(
            "Your housing search is paused: you get no offers until you resume it."
        ),
        SearchStatus.WITHDRAWN: t(
            "You withdrew your housing search. You can register a new one at any time."
        ),
    }[search.status]


def summary(context: BotContext, search: Search, view: View) -> Screen:
    t = context.t
    title = "🔎 <b>" + t("My housing search") + "</b>"
    if search.status is SearchStatus.WITHDRAWN:
        new = answer(search, "🔎 " + t("Register a new search"), "new")
        return f"{title}\n\n{status_line(context, search)}", [[new], menu_row(context)]
    body = "\n".join(summary_lines(context, search, view))
    text = f"{title}\n\n{status_line(context, search)}\n\n{body}"
    labels = field_labels(context)
    edits = rows_of([answer(search, "✏️ " + labels[f], f.value) for f in Field])
    rows: Keyboard = []
    if search.status is SearchStatus.DRAFT and is_complete(search):
        rows.append([answer(search, "✓ " + t("Confirm and register"), "confirm")])
    rows += edits
    if search.status is SearchStatus.ACTIVE:
        rows.append([answer(search, "⏸ " + t("Pause"), "pause")])
    if search.status is SearchStatus.PAUSED:
        rows.append([answer(search, "▶ " + t("Resume"), "resume")])
    if search.status in (SearchStatus.ACTIVE, SearchStatus.PAUSED):
        rows.append([answer(search, "🗑 " + t("Withdraw"), "withdraw")])
    return text, [*rows, menu_row(context)]


def withdraw_question(context: BotContext, search: Search) -> Screen:
    t = context.t
    text = t(
        "Do you really want to withdraw your housing search? You will get no more offers of flats."
    )
    rows = [
        [answer(search, "🗑 " + t("Yes, withdraw it"), "yes")],
        [answer(search, "« " + t("No, keep it"), "back")],
    ]
    return text, rows


def help_text(context: BotContext, step: Step) -> str:
    t = context.t
    owner = field_of(step)
    texts = {
        Field.HOUSEHOLD: t(
            "Count everyone who will move into the flat with you. Adults are 18 or older. "
            "The number of people sets how much rent the Jobcenter or Sozialamt pays."
        ),
        Field.AREA: t(
            "Köln has 9 districts (Stadtbezirke) with 86 quarters (Stadtteile). The more "
            "places you choose, the more flats we can offer you. If you do not mind where, "
            "choose “Anywhere in Köln”."
        ),
        Field.RENT: t(
            "The gross cold rent (Bruttokaltmiete) is the rent plus the service costs "
            "(Nebenkosten), without heating. If the Jobcenter or Sozialamt pays your rent, "
            "they must approve the rent offer (Mietangebot) before you sign, or they may "
            "not pay it."
        ),
        Field.WBS: t(
            "You apply for a WBS at the housing office of the City of Cologne (Amt für "
            "Wohnungswesen). Your residence permit should be valid for at least 12 more "
            "months. Your carrier can help you apply."
        ),
        Field.MOVE_IN: t(
            "Choose the first day you could move in. If you can move at any time, choose "
            "“As soon as possible”."
        ),
        Field.STEP_FREE: t(
            "Answer yes if someone in your household cannot climb stairs. You do not have "
            "to tell us why."
        ),
        Field.CARRIER: t(
            "Caritas, DRK (German Red Cross) and the Kölner Flüchtlingsrat run the move-out "
            "programme for the city. If you do not know yours, ask the social workers in "
            "your shelter. A carrier sees your search only if you agree."
        ),
        Field.DOCUMENTS: t(
            "Landlords and offices ask for these papers. We only note whether you have "
            "them. Your carrier helps you get the ones you are missing."
        ),
    }
    return texts[owner] if owner else ""


def help_screen(context: BotContext, search: Search, offline: str) -> Screen:
    text = "❓ " + "\n\n".join(part for part in (help_text(context, search.step), offline) if part)
    back = answer(search, "« " + context.t("Back to the question"), "ask")
    return text, [[back], [answer(search, "✗ " + context.t("Cancel"), "cancel")]]


def resume_screen(context: BotContext, search: Search) -> Screen:
    t, i18n = context.t, context.i18n
    total = len(Field)
    answered = total - len(missing_fields(search))
    text = t(
        "You started your housing search on {date} and answered {answered} of {total} "
        "parts. Do you want to continue where you stopped, or start over?"
    ).format(
        date=i18n.date(search.created_at.astimezone(i18n.tz).date(), "long"),
        answered=i18n.number(answered),
        total=i18n.number(total),
    )
    rows = [
        [answer(search, "▶ " + t("Continue"), "ask")],
        [answer(search, "↺ " + t("Start over"), "restart")],
        menu_row(context),
    ]
    return text, rows


_QUESTIONS: dict[Step, Callable[[BotContext, Search, View], Screen]] = {
    Step.ADULTS: _adults,
    Step.CHILDREN: _children,
    Step.AREA: _area,
    Step.QUARTERS: _quarters,
    Step.RENT: _rent,
    Step.WBS: _wbs,
    Step.MOVE_IN: _move_in,
    Step.STEP_FREE: _step_free,
    Step.CARRIER: _carrier,
    Step.SHARE: _share,
    **{step: _document for step in DOCUMENT_STEPS},
}
