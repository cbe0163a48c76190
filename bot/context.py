"""Typed bot-wide data and the per-update context every handler receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Catalogs, Translator
from bot.settings import Settings
from domain.accounts import Account, Role
from domain.places import City

if TYPE_CHECKING:
    from bot.delivery import Renderer, Sender
    from bot.features import (
        CaseSection,
        DocumentsHook,
        FlatLetHook,
        Handler,
        MenuEntry,
        MyDataPart,
        TextFlow,
    )
    from bot.journal import UpdateJournal
    from storage.db import Db


class BotData:
    """Replaces PTB's bot_data dict; set by build_application and post_init."""

    settings: Settings
    catalogs: Catalogs
    clock: Callable[[], datetime]
    city: City  # districts and quarters, from storage/data
    text_flows: list[TextFlow]  # flows that take typed answers, see bot/features.py
    menu_entries: list[MenuEntry]  # main-menu buttons of the features, see bot/features.py
    menu_actions: dict[str, Handler]  # what MAIN_MENU's buttons do, by name
    menu_cache: dict[tuple[str, Role | None, bool], tuple[tuple[InlineKeyboardButton, ...], ...]]
    case_sections: list[CaseSection]  # parts of the staff's case card, see bot/features.py
    flat_let_hooks: list[FlatLetHook]  # what follows when a flat is let, see bot/features.py
    documents_hooks: list[DocumentsHook]  # … when a household's documents change
    mydata_parts: dict[str, MyDataPart]  # what /mydata shows, by name
    # What the latest edits made of messages: (chat, message) → (plain text, keyboard).
    recent_screens: dict[tuple[int, int], tuple[str, InlineKeyboardMarkup | None]]
    sleep: Callable[[float], Awaitable[None]]  # tests pass FakeClock.sleep
    renderers: dict[str, Renderer]  # outbox kind → renderer, see bot/delivery.py
    essential_kinds: set[str]  # kinds sent even when their topic is turned off
    db: Db
    sender: Sender  # the outbox sender, started in post_init
    journal: UpdateJournal  # the update queue, opened in post_init


class BotContext(CallbackContext[ExtBot[None], dict, dict, BotData]):  # type: ignore[type-arg]
    # Set by handlers/common/locale.py (group -1) for every update. None in jobs and the error
    # handler before an update was resolved: those resolve the language per recipient.
    tr: Translator | None = None
    account: Account | None = None

    @property
    def db(self) -> Db:
        return self.bot_data.db

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def i18n(self) -> Translator:
        return self.tr or self.bot_data.catalogs.default

    def use_locale(self, locale: str) -> Translator:
        self.tr = self.bot_data.catalogs.get(locale)
        return self.tr

    def t(self, msgid: str) -> str:
        return self.i18n.gettext(msgid)

    def tn(self, singular: str, plural: str, n: int) -> str:
        return self.i18n.ngettext(singular, plural, n)

    def tp(self, context: str, msgid: str) -> str:
        return self.i18n.pgettext(context, msgid)

    def now(self) -> datetime:
        return self.bot_data.clock()

    def is_admin(self, telegram_id: int | None) -> bool:
        return telegram_id in self.settings.admin_ids


BotApp = Application[ExtBot[None], BotContext, dict, dict, BotData, object]  # type: ignore[type-arg]
