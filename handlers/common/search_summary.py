"""A household's housing search as its carrier's staff see it, on a listing's shortlist and
on the case card: size, budget, WBS, where, the documents still missing. It is shown only
inside a read of the case that the audit log records (the shortlist, /find). The search
feature registers the case-card part; listings/cards.py shows the lines on the shortlist."""

from __future__ import annotations

from babel.lists import format_list

from bot.context import BotApp, BotContext
from bot.features import CaseView, add_case_section
from domain.places import Area, City
from domain.searches import DOCUMENT_NAMES, VISIBLE_TO_CARRIER, Document, Search, SearchStatus, Wbs
from handlers.common.ui import Keyboard
from storage import searches


def describe_area(context: BotContext, area: Area, city: City) -> str:
    """ "Innenstadt (only Deutz), Kalk" in the reader's list style; names stay German."""
    i18n = context.i18n
    if area.anywhere:
        return context.t("anywhere in Köln")
    parts = []
    for district in city.districts:
        if district.name not in area.districts:
            continue
        name = i18n.isolate(district.name)
        quarters = [i18n.isolate(q.name) for q in area.chosen_quarters(district)]
        if quarters:
            # TRANSLATORS: {district} is a district of Köln, {quarters} a list of its quarters.
            name = context.t("{district} (only {quarters})").format(
                district=name, quarters=format_list(quarters, locale=i18n.locale)
            )
        parts.append(name)
    return format_list(parts, locale=i18n.locale) if parts else context.t("nothing yet")


def _wbs_label(context: BotContext, wbs: Wbs | None) -> str:
    return {
        Wbs.HAS: context.tp("WBS", "has one"),
        Wbs.APPLIED: context.tp("WBS", "applied for"),
        Wbs.NONE: context.tp("WBS", "none"),
        None: "—",
    }[wbs]


def search_lines(context: BotContext, search: Search | None) -> list[str]:
    """Nothing for a search without its answers yet."""
    if search is None or search.persons is None or search.max_rent is None:
        return []
    t, i18n = context.t, context.i18n
    persons = context.tn("{n} person", "{n} persons", search.persons).format(
        n=i18n.number(search.persons)
    )
    missing = [i18n.isolate(DOCUMENT_NAMES[d]) for d in Document if not search.has_document(d)]
    lines = [
        "👪 "
        + t("{persons}, up to {budget} a month, WBS: {wbs}").format(
            persons=persons,
            budget=i18n.money(search.max_rent),
            wbs=_wbs_label(context, search.wbs),
        ),
        "📍 " + describe_area(context, search.area, context.bot_data.city),
        "📄 "
        + (
            t("Missing documents: {documents}").format(documents=i18n.join(missing))
            if missing
            else t("All documents ready.")
        ),
    ]
    if search.status is SearchStatus.PAUSED:
        lines.append("⏸ " + t("The housing search is paused."))
    return lines


async def search_section(context: BotContext, view: CaseView) -> tuple[str, Keyboard] | None:
    """The case card's part: the search the household registered, if it still searches."""
    search = await searches.find_search(context.db, view.case.id)
    if search is None or search.status not in VISIBLE_TO_CARRIER:
        return context.t("No active housing search."), []
    lines = search_lines(context, search)
    return "\n".join(("🔎 " + context.t("Housing search:"), *lines)), []


def register(app: BotApp) -> None:
    add_case_section(app, search_section)  # the search the shortlist shows, on the case card
