"""The command menus: public ones per language, staff ones per staff chat."""

from __future__ import annotations

from contextlib import suppress

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden

from bot.context import BotApp, BotContext
from bot.i18n import N_, Translator
from domain.access import Actor, administers
from domain.accounts import Account
from domain.locales import SUPPORTED_LOCALES

PUBLIC_COMMANDS = (
    ("start", N_("Start or start again")),
    ("menu", N_("Main menu")),
    ("mysearch", N_("My housing search")),
    ("book", N_("Book a consultation")),
    ("appointments", N_("My appointments")),
    ("workshops", N_("Workshops: see and register")),
    ("cancel", N_("Stop the current question; your answers stay saved")),
    ("language", N_("Change the language")),
    ("notifications", N_("Choose which messages you get")),
    ("help", N_("Help and contacts without the bot")),
    ("privacy", N_("What we store and why")),
    ("mydata", N_("Show my data")),
    ("delete", N_("Delete my data")),
)
STAFF_COMMANDS = (
    ("staff", N_("Staff menu")),
    ("rentlimits", N_("Rent limits (KdU): show or add")),
    ("slots", N_("Consultation hours: create, change, see bookings")),
)
CASEWORKER_COMMANDS = (
    ("find", N_("Look up a case by its case number")),
    ("listing", N_("Type a new flat listing")),
    ("listings", N_("Your carrier's flat listings")),
    ("announce", N_("Send an announcement to many people")),
    ("questions", N_("Open questions of volunteers")),
    ("stats", N_("Figures of your carrier as charts")),
    ("export", N_("Your carrier's cases as a CSV file")),
)
COORDINATOR_COMMANDS = (
    ("invite", N_("Invite a new staff member")),
    ("team", N_("List and remove staff")),
    ("audit", N_("Who looked at which case, and when")),
)
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


def staff_command_entries(actor: Actor) -> tuple[tuple[str, str], ...]:
    """The menu follows what `domain.access.may` allows, so nobody is shown a dead end."""
    return (
        PUBLIC_COMMANDS
        + STAFF_COMMANDS
        + (CASEWORKER_COMMANDS if actor.is_staff else ())
        + (COORDINATOR_COMMANDS if administers(actor, actor.carrier_id) else ())
        + (ADMIN_COMMANDS if actor.is_admin else ())
    )


async def set_staff_commands(bot: Bot, tr: Translator, actor: Actor) -> None:
    """The staff member's own menu, in their language, in their chat only."""
    entries = staff_command_entries(actor)
    scope = BotCommandScopeChat(actor.telegram_id)
    await bot.set_my_commands(_commands(tr, entries), scope=scope)


async def clear_staff_commands(bot: Bot, chat_id: int) -> None:
    # A chat that never started the bot has no menu to clear.
    with suppress(BadRequest, Forbidden):
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))


async def refresh_chat_commands(context: BotContext, account: Account) -> None:
    """Staff and admins see their own command menu in their chat, in their language."""
    actor = Actor.of(account.telegram_id, account, is_admin=context.is_admin(account.telegram_id))
    if actor.is_admin or actor.is_staff:
        await set_staff_commands(context.bot, context.i18n, actor)
