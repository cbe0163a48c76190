"""The main menu of each role and what is always reachable: help, language, privacy, my data."""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext, BotData
from bot.features import add_menu_action
from domain.accounts import Account, Role
from handlers.common import commands, texts
from handlers.common.guards import answer_expired
from handlers.common.main_menu import is_registered, show_main_menu
from handlers.common.routes import MAIN_MENU, parsed
from handlers.common.ui import language_rows, menu_row, show
from handlers.onboarding import mydata, words
from handlers.onboarding.consents import consent_overview
from handlers.onboarding.routes import DELETE_DATA, NOTIFICATIONS
from storage.erasure import erase_user


def _role_help(context: BotContext, account: Account | None) -> str:
    t = context.t
    if account is not None and account.role is Role.VOLUNTEER:
        return t(
            "As a volunteer you help households from the shelters look for a flat. Here you "
            "will get notices of workshops and professional advice from the carriers."
        )
    if account is not None and account.is_staff:
        return t("You are staff of a carrier. Send /staff to see your commands.")
    return t(
        "This bot helps you find a flat in Cologne with the move-out programme "
        "(Auszugsmanagement): register your housing search, book consultation hours "
        "(Sprechstunden) and get offers of flats."
    )


async def on_help(update: Update, context: BotContext) -> None:
    t = context.t
    commands = t(
        "Commands: /menu main menu, /language change the language, /privacy what we store, "
        "/mydata your data, /delete delete your data."
    )
    text = "\n\n".join(
        (_role_help(context, context.account), commands, await texts.offline_route(context))
    )
    words = [MAIN_MENU.button("📖 " + t("Words you will hear"), "words")]
    await show(update, context, text, [words, menu_row(context)])


async def on_privacy(update: Update, context: BotContext) -> None:
    text, rows = texts.privacy_notice(context), []
    account = context.account
    if is_registered(account) and account is not None and account.role is Role.SEEKER:
        shared, rows = await consent_overview(context, account)
        text = f"{text}\n\n{shared}"
    await show(update, context, text, [*rows, menu_row(context)])


async def on_language(update: Update, context: BotContext) -> None:
    rows = [*language_rows(), menu_row(context)]
    await show(update, context, context.t("Choose your language:"), rows)


async def on_delete(update: Update, context: BotContext) -> None:
    if not is_registered(context.account):
        await show_main_menu(update, context)
        return
    t = context.t
    text = t("Do you really want to delete all your data? This cannot be undone.")
    rows = [
        [DELETE_DATA.button(t("Yes, delete everything"), "yes")],
        [DELETE_DATA.button(t("No, keep my data"), "no")],
    ]
    await show(update, context, text, rows)


async def on_delete_answer(update: Update, context: BotContext) -> None:
    account = context.account
    if parsed(update).arg == "no" or not is_registered(account):
        await show_main_menu(update, context)
        return
    await delete_and_confirm(update, context)


async def delete_and_confirm(update: Update, context: BotContext) -> None:
    """The user asked to delete everything: done, and told so."""
    account = context.account
    assert account is not None
    await delete_person(context.bot_data, account.id, context.now())
    context.account = None
    await commands.clear_chat_commands(context.bot, update.effective_user.id)
    text = context.t("All your data has been deleted. If you want to start again, send /start.")
    await show(update, context, text)


async def delete_person(data: BotData, user_id: int, now: datetime) -> None:
    """What /delete does; the retention rules (onboarding/retention.py) delete the same way.
    The checkpoint after the commit leaves no copy of the deleted rows in the WAL."""
    async with data.db.transaction() as db:
        await erase_user(db, user_id, now, data.settings.erasure_key)
    await data.db.checkpoint()
    data.journal.checkpoint_when_handled()


async def on_menu_button(update: Update, context: BotContext) -> None:
    action = context.bot_data.menu_actions.get(parsed(update).arg)
    await (action or answer_expired)(update, context)


async def on_settings(update: Update, context: BotContext) -> None:
    t = context.t
    rows = [
        [MAIN_MENU.button("🌐 " + t("Language"), "language")],
        [NOTIFICATIONS.button("🔔 " + t("Notifications"), "show")],
        [
            MAIN_MENU.button("🔒 " + t("Privacy"), "privacy"),
            MAIN_MENU.button("📄 " + t("My data"), "mydata"),
        ],
        [MAIN_MENU.button("🗑 " + t("Delete my data"), "delete")],
        menu_row(context),
    ]
    await show(update, context, t("Settings: what would you like to change or see?"), rows)


async def on_menu(update: Update, context: BotContext) -> None:
    await show_main_menu(update, context)


_MENU_ITEMS = {
    "home": on_menu,
    "help": on_help,
    "language": on_language,
    "privacy": on_privacy,
    "mydata": mydata.on_mydata,
    "delete": on_delete,
    "settings": on_settings,
    "words": words.on_words,
}


def register(app: BotApp) -> None:
    for name, callback in _MENU_ITEMS.items():
        app.add_handler(CommandHandler("menu" if name == "home" else name, callback))
        add_menu_action(app, name, callback)
    app.add_handler(MAIN_MENU.handler(on_menu_button))
    app.add_handler(DELETE_DATA.handler(on_delete_answer))
