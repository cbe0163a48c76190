"""Builds the Application; nothing here runs at import time."""

from __future__ import annotations

import asyncio

from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.clock import utc_now
from bot.context import BotApp, BotContext, BotData
from bot.delivery import Sender
from bot.i18n import Catalogs
from bot.journal import JournalingApplication, UpdateJournal
from bot.limiter import SendLimiter
from bot.settings import Settings
from handlers import appointments, cases, listings, onboarding, search, staff, volunteers
from handlers.common import commands, errors, fallback, locale, text_input
from storage.db import open_db
from storage.erasure import reapply_erasures
from storage.places import load_city

HANDLER_MODULES = (  # order matters, change it only here; each feature orders its own modules
    locale,  # group -1: loads the account and sets context.tr for every update
    staff,  # /start with an invitation link (before onboarding's /start), the staff's commands
    onboarding,  # /start, main menu, help, privacy, my data, /delete, notifications, retention
    search,  # the housing search: registration chat and /mysearch
    listings,  # flat listings: staff form and cards, letting a flat, offers to households
    appointments,  # consultation hours: booking (before cases: menu order 20 Book, then Go along)
    volunteers,  # workshops, questions to caseworkers, the volunteer profile
    cases,  # case card and consent, status, viewings, accompaniment, figures
    text_input,  # typed text, photos and /cancel: to the flow that asked last, else fallback
    fallback,  # last: unknown commands, text, photos, expired buttons
)


def build_application(settings: Settings, *, request: BaseRequest | None = None) -> BotApp:
    journal = UpdateJournal()
    limiter = SendLimiter()
    builder = (
        Application.builder()
        .application_class(JournalingApplication)
        .update_queue(journal)
        .token(settings.bot_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_file_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .rate_limiter(limiter)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app: BotApp = builder.build()
    app.bot_data.settings = settings
    app.bot_data.journal = journal
    app.bot_data.clock = utc_now
    app.bot_data.sleep = asyncio.sleep
    # Read at each use: tests put their fake clock into bot_data after this.
    limiter.clock = lambda: app.bot_data.clock()
    limiter.sleep = lambda seconds: app.bot_data.sleep(seconds)
    app.bot_data.renderers = {}
    app.bot_data.essential_kinds = set()
    app.bot_data.catalogs = Catalogs(settings.default_locale, settings.tz)
    app.bot_data.city = load_city()
    app.bot_data.text_flows = []
    app.bot_data.menu_entries = []
    app.bot_data.menu_actions = {}
    app.bot_data.menu_cache = {}
    app.bot_data.recent_screens = {}
    app.bot_data.case_sections = []
    app.bot_data.flat_let_hooks = []
    app.bot_data.documents_hooks = []
    app.bot_data.mydata_parts = {}
    for module in HANDLER_MODULES:
        module.register(app)
    app.add_error_handler(errors.on_error)
    return app


async def _post_init(app: BotApp) -> None:
    settings = app.bot_data.settings
    app.bot_data.db = await open_db(settings.database_path)
    await reapply_erasures(app.bot_data.db, settings.erasure_key, app.bot_data.clock())
    await app.bot_data.journal.open(app)
    await commands.set_public_commands(app)
    app.bot_data.sender = Sender.for_app(app)
    app.bot_data.sender.start()


async def _post_stop(app: BotApp) -> None:
    # Before shutdown closes the Bot's HTTP client: requests in flight finish and are recorded.
    await app.bot_data.sender.stop()


async def _post_shutdown(app: BotApp) -> None:
    # After a failed start post_init may have stopped half-way, and post_stop never ran.
    if hasattr(app.bot_data, "sender"):
        await app.bot_data.sender.stop()  # nothing to do when post_stop stopped it
    if hasattr(app.bot_data, "db"):
        await app.bot_data.db.close()
