"""What features plug into: the registries that bot/ keeps and handlers/ fill.

bot/ knows none of the features; each feature's `register(app)` adds its main-menu buttons,
parts of the staff's case card and flows that wait for typed answers here (outbox renderers:
`bot.delivery.register_renderer`). Nothing here imports handlers/.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update

from domain.accounts import Account, Carrier, Role

if TYPE_CHECKING:
    from bot.context import BotApp, BotContext

Keyboard = list[list[InlineKeyboardButton]]
Handler = Callable[[Update, "BotContext"], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """A main-menu button a feature adds for some roles (see common/main_menu.py)."""

    label: str  # an English msgid marked with N_(), translated when the menu is shown
    emoji: str
    callback_data: str  # made by the feature's route, e.g. BOOK.data("start")
    roles: frozenset[Role]
    order: int  # lower comes first
    for_admins: bool = False  # also for an admin who is not staff of a carrier


def add_menu_entry(app: BotApp, entry: MenuEntry) -> None:
    app.bot_data.menu_entries.append(entry)
    app.bot_data.menu_entries.sort(key=lambda e: e.order)


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case as one staff member may see it now: consent given to their carrier."""

    case: Account
    carrier: Carrier  # the viewer's own carrier
    shared_since: datetime


# A part of the case card a feature adds (status, viewings, the search): text (may be empty)
# and buttons, or None.
CaseSection = Callable[["BotContext", CaseView], Awaitable[tuple[str, Keyboard] | None]]


def add_case_section(app: BotApp, section: CaseSection) -> None:
    """Call from a feature's register(app); sections show in registration order."""
    app.bot_data.case_sections.append(section)


@dataclass(frozen=True, slots=True)
class TextFlow:
    """A flow that asks for typed answers (see common/text_input.py)."""

    waiting: Callable[[BotContext], Awaitable[datetime | None]]  # since when it waits, or None
    on_text: Handler
    on_cancel: Handler
    on_other: Handler  # a photo, sticker or voice message while the question is open


def add_flow(app: BotApp, flow: TextFlow) -> None:
    app.bot_data.text_flows.append(flow)
