"""The housing search: the registration chat and /mysearch; staff see it through
common/search_summary.py."""

from __future__ import annotations

from bot.context import BotApp
from handlers.common import search_summary
from handlers.search import flow, mydata


def register(app: BotApp) -> None:
    flow.register(app)  # the registration chat and /mysearch
    search_summary.register(app)  # the household's search on the staff's case card (shown first)
    mydata.register(app)  # its part of /mydata
