"""/mydata's part of the housing search: the screen the household knows from /mysearch."""

from __future__ import annotations

from bot.context import BotApp, BotContext
from bot.features import add_mydata_part
from domain.accounts import Account
from handlers.search.flow import search_view
from handlers.search.screens import status_line, summary_lines
from storage import searches
from storage.personal_data import Export


async def housing_search(context: BotContext, account: Account, export: Export) -> list[str]:
    found = await searches.find_search(context.db, account.id)
    if found is None:
        return []
    view = await search_view(context, found)
    title = "🔎 <b>" + context.t("My housing search") + "</b>"
    lines = summary_lines(context, found, view)
    status = status_line(context, found)
    return ["\n\n".join((title, status, "\n".join(lines)) if lines else (title, status))]


def register(app: BotApp) -> None:
    add_mydata_part(app, "search", housing_search)
