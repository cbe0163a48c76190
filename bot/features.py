"""What features plug into: the registries that bot/ keeps and handlers/ fill.

bot/ knows none of the features; each feature's `register(app)` adds here its main-menu
buttons and actions, parts of the staff's case card, flows that wait for typed answers, its
parts of /mydata, and what follows when a flat is let or a household's documents change
(outbox renderers: `bot.delivery.register_renderer`). Nothing here imports handlers/, and
features reach each other only through these.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, Update

from domain.accounts import Account, Carrier, Role
from domain.searches import Document

if TYPE_CHECKING:
    from bot.context import BotApp, BotContext
    from storage.db import Db
    from storage.personal_data import Export

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


def add_menu_action(app: BotApp, name: str, handler: Handler) -> None:
    """What the main-menu button `name` does (MAIN_MENU in common/routes.py lists the names)."""
    app.bot_data.menu_actions[name] = handler


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


# What a feature does when a flat is let (cases: the other households' viewings end), inside
# the staff action's transaction: the listing id and the tenant (one of our households, or
# None). Returns lines for the staff's note, in the staff's language.
FlatLetHook = Callable[["Db", "BotContext", int, int | None], Awaitable[list[str]]]


def add_flat_let_hook(app: BotApp, hook: FlatLetHook) -> None:
    app.bot_data.flat_let_hooks.append(hook)


# What a feature does when a household changes which documents it has (cases: the viewing
# reminders not sent yet list them anew), inside the transaction that saves them.
DocumentsHook = Callable[["Db", "BotContext", int, Mapping[Document, bool]], Awaitable[None]]


def add_documents_hook(app: BotApp, hook: DocumentsHook) -> None:
    app.bot_data.documents_hooks.append(hook)


# A part of /mydata a feature adds: paragraphs on what it stores about the person, from the
# export (storage/personal_data.py). Parts show in the order of onboarding/mydata.py's PARTS.
MyDataPart = Callable[["BotContext", Account, "Export"], Awaitable[list[str]]]


def add_mydata_part(app: BotApp, name: str, part: MyDataPart) -> None:
    app.bot_data.mydata_parts[name] = part
