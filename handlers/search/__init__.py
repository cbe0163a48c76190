"""The housing search: the registration chat, /mysearch, and how staff see a household's search."""

from __future__ import annotations

from bot.context import BotApp
from handlers.search import flow


def register(app: BotApp) -> None:
    flow.register(app)  # the registration chat and /mysearch
