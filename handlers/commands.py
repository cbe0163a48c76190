"""The command menus: public ones per language, staff ones per staff chat."""

from __future__ import annotations

from contextlib import suppress

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden

from bot.context import BotApp, BotContext
from bot.i18n import N_, Translator
from domain.accounts import Account
from domain.locales import SUPPORTED_LOCALES

PUBLIC_COMMANDS = (
    ("start", N_("Start or start again")),
    ("menu", N_("Main menu")),
    ("language", N_("Change the language")),
    ("notifications", N_("Choose which messages you get")),
    ("help", N_("Help and contacts without the bot")),
    ("privacy", N_("What we store and why")),
    ("mydata", N_("Show my data")),
    ("delete", N_("Delete my data")),
)
STAFF_COMMANDS = (("staff", N_("Staff menu")),)
ADMIN_COMMANDS = (
    ("addstaff", N_("Make a user staff of a carrier")),
    ("removestaff", N_("Remove a staff member")),
    ("setcontact", N_("Set a carrier's office hours and phone")),
)


def _commands(tr: Translator, entries: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(name, tr.gettext(description)) for name, description in entries]


async def set_public_commands(app: BotApp) -> None:
    """Every supported language gets its own descriptions; others see the default locale's."""
    catalogs = app.bot_data.catalogs
    await app.bot.set_my_commands(_commands(catalogs.default, PUBLIC_COMMANDS))
    for code in SUPPORTED_LOCALES:
        commands = _commands(catalogs.get(code), PUBLIC_COMMANDS)
        await app.bot.set_my_commands(commands, language_code=code)


async def set_staff_commands(bot: Bot, chat_id: int, tr: Translator, *, admin: bool) -> None:
    entries = PUBLIC_COMMANDS + STAFF_COMMANDS + (ADMIN_COMMANDS if admin else ())
    await bot.set_my_commands(_commands(tr, entries), scope=BotCommandScopeChat(chat_id))


async def clear_staff_commands(bot: Bot, chat_id: int) -> None:
    # A chat that never started the bot has no menu to clear.
    with suppress(BadRequest, Forbidden):
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))


async def refresh_chat_commands(context: BotContext, account: Account) -> None:
    """Staff and admins see their own command menu in their chat, in their language."""
    admin = context.is_admin(account.telegram_id)
    if admin or account.is_staff:
        await set_staff_commands(context.bot, account.telegram_id, context.i18n, admin=admin)
