"""The command menus: public ones per app language, and each registered chat's own menu in the
language the user chose, with the commands of their role."""

from __future__ import annotations

from contextlib import suppress

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden

from bot.context import BotApp, BotContext
from bot.i18n import N_, Translator
from domain.access import Actor, administers
from domain.accounts import Account, Role
from domain.locales import SUPPORTED_LOCALES

_FIRST = (("start", N_("Start or start again")), ("menu", N_("Main menu")))
_SEARCH = (("mysearch", N_("My housing search")),)
_BOOKING = (
    ("book", N_("Book a consultation")),
    ("appointments", N_("My appointments")),
    ("workshops", N_("Workshops: see and register")),
)
_VOLUNTEERING = (
    ("ask", N_("Ask the caseworkers a question")),
    ("profile", N_("My volunteer profile")),
)
_SETTINGS = (
    ("cancel", N_("Stop the current question; your answers stay saved")),
    ("language", N_("Change the language")),
    ("notifications", N_("Choose which messages you get")),
    ("help", N_("Help and contacts without the bot")),
    ("words", N_("German words you will hear, explained")),
    ("privacy", N_("What we store and why")),
    ("mydata", N_("Show my data")),
    ("delete", N_("Delete my data")),
)
PUBLIC_COMMANDS = _FIRST + _SEARCH + _BOOKING + _SETTINGS  # also the seekers' own menu
VOLUNTEER_COMMANDS = _FIRST + _BOOKING + _VOLUNTEERING + _SETTINGS
# What a user sees before pressing Start (bot/limits.py: MAX_BOT_*DESCRIPTION_LENGTH).
DESCRIPTION = N_(
    "I am the bot of the move-out programme (Auszugsmanagement) of the City of Cologne. "
    "Households in the city's shelters register their housing search, book a Sprechstunde "
    "and get flat offers in their language. Volunteers get workshops and advice. "
    "Caritas, DRK and Kölner Flüchtlingsrat answer here."
)
SHORT_DESCRIPTION = N_(
    "Moving out of a shelter in Cologne: housing search, consultation hours and flat offers."
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
    ("languages", N_("The bot's languages and how far each is")),
)
ADMIN_COMMANDS = (
    ("addstaff", N_("Make a user staff of a carrier")),
    ("removestaff", N_("Remove a staff member")),
    ("setcontact", N_("Set a carrier's office hours and phone")),
)


def _commands(tr: Translator, entries: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(name, tr.gettext(description)) for name, description in entries]


async def set_public_commands(app: BotApp) -> None:
    """Every supported language gets its own menu and descriptions; others see the default's."""
    catalogs = app.bot_data.catalogs
    await _describe(app.bot, catalogs.default, language_code=None)
    for code in SUPPORTED_LOCALES:
        await _describe(app.bot, catalogs.get(code), language_code=code)


async def _describe(bot: Bot, tr: Translator, language_code: str | None) -> None:
    await bot.set_my_commands(_commands(tr, PUBLIC_COMMANDS), language_code=language_code)
    # tests/test_commands.py keeps every translation within Telegram's limits.
    await bot.set_my_description(tr.gettext(DESCRIPTION), language_code=language_code)
    await bot.set_my_short_description(tr.gettext(SHORT_DESCRIPTION), language_code=language_code)


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
    await _set_chat_commands(bot, tr, actor.telegram_id, staff_command_entries(actor))


async def _set_chat_commands(
    bot: Bot, tr: Translator, chat_id: int, entries: tuple[tuple[str, str], ...]
) -> None:
    await bot.set_my_commands(_commands(tr, entries), scope=BotCommandScopeChat(chat_id))


async def clear_chat_commands(bot: Bot, chat_id: int) -> None:
    """Back to the public menu: after /delete, or when someone stops being staff."""
    # A chat that never started the bot has no menu to clear.
    with suppress(BadRequest, Forbidden):
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))


async def refresh_chat_commands(context: BotContext, account: Account) -> None:
    """Everyone registered sees their role's menu in their chat, in the language they chose."""
    actor = Actor.of(account.telegram_id, account, is_admin=context.is_admin(account.telegram_id))
    if actor.is_admin or actor.is_staff:
        await set_staff_commands(context.bot, context.i18n, actor)
        return
    entries = VOLUNTEER_COMMANDS if account.role is Role.VOLUNTEER else PUBLIC_COMMANDS
    await _set_chat_commands(context.bot, context.i18n, account.telegram_id, entries)
