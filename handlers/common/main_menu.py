"""The main menu every answer leads back to, and the way in for whoever has not finished /start.

Features add their buttons with `bot.features.add_menu_entry`; help and settings come last.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.context import BotContext
from bot.features import Keyboard, MenuEntry
from bot.i18n import Translator
from domain.accounts import Account, Role
from domain.locales import native_name
from handlers.common.routes import CHOOSE_LANGUAGE, LANGUAGE_LIST, MAIN_MENU
from handlers.common.ui import show


def is_registered(account: Account | None) -> bool:
    """Seekers and volunteers after consent; staff and admins as employees of a carrier."""
    return account is not None and (account.consent_at is not None or account.role is Role.STAFF)


def main_menu_rows(context: BotContext) -> Keyboard:
    """What the user's role can do, one per row, then help and settings."""
    account = context.account
    role = account.role if account else None
    # An admin's account without a carrier: the carriers' work is not theirs to do.
    admin_only = account is not None and role is Role.STAFF and not account.is_staff
    key = (context.i18n.locale, role, admin_only)
    cache = context.bot_data.menu_cache
    if key not in cache:  # shown on nearly every answer: built once per language and role
        cache[key] = _main_menu(context.i18n, role, admin_only, context.bot_data.menu_entries)
    return [list(row) for row in cache[key]]


def _main_menu(
    tr: Translator, role: Role | None, admin_only: bool, entries: list[MenuEntry]
) -> tuple[tuple[InlineKeyboardButton, ...], ...]:
    t = tr.gettext
    rows = [
        (
            InlineKeyboardButton(
                f"{entry.emoji} {t(entry.label)}", callback_data=entry.callback_data
            ),
        )
        for entry in entries
        if role in entry.roles and (entry.for_admins or not admin_only)
    ]
    rows.append(
        (
            MAIN_MENU.button("❓ " + t("Help"), "help"),
            MAIN_MENU.button("⚙️ " + t("Settings"), "settings"),
        )
    )
    return tuple(rows)


async def show_main_menu(update: Update, context: BotContext, intro: str | None = None) -> None:
    if not is_registered(context.account):
        # Anyone who has not finished /start is led back into it, in their language.
        await ask_language(update, context, intro)
        return
    question = context.t("What would you like to do? Choose a button.")
    text = f"{intro}\n\n{question}" if intro else question
    await show(update, context, text, main_menu_rows(context))


async def ask_language(update: Update, context: BotContext, intro: str | None = None) -> None:
    t, locale = context.t, context.i18n.locale
    greeting = t(
        "Hello! I am the bot of the move-out programme (Auszugsmanagement) of the "
        "City of Cologne. I help you find a flat and book consultations."
    )
    parts = (intro, greeting, t("Shall we continue in this language?"))
    text = "\n\n".join(part for part in parts if part)
    rows = [
        [CHOOSE_LANGUAGE.button("✓ " + native_name(locale), locale)],
        [LANGUAGE_LIST.button("🌐 " + t("Other language"), "start")],
    ]
    await show(update, context, text, rows)
