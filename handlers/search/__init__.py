"""The housing search: the registration chat, /mysearch, and how staff see a household's search."""

from __future__ import annotations

from bot.context import BotApp
from handlers.search import flow, summary

# What other features may use (tests/test_architecture.py keeps them to these names).
from handlers.search.flow import on_mysearch, search_view
from handlers.search.screens import status_line, summary_lines
from handlers.search.summary import search_lines

__all__ = [
    "on_mysearch",
    "register",
    "search_lines",
    "search_view",
    "status_line",
    "summary_lines",
]


def register(app: BotApp) -> None:
    flow.register(app)  # the registration chat and /mysearch
    summary.register(app)  # the household's search on the staff's case card (shown first)
