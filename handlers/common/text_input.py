"""Typed text, photos and /cancel go to the flow whose open question was asked last.

A flow that asks for typed answers (the housing search, a question to staff, a listing draft)
keeps its position in its own tables, so it survives a restart, and registers a `TextFlow`
(bot/features.py) with `add_flow(app, ...)`: `waiting` says since when its question waits for
this user, or None.
Without a waiting flow, messages go to the general fallback.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.context import BotApp, BotContext
from bot.features import TextFlow
from handlers.common import fallback
from handlers.common.main_menu import show_main_menu


async def _waiting_flow(context: BotContext) -> TextFlow | None:
    latest: tuple[datetime, TextFlow] | None = None
    for flow in context.bot_data.text_flows:
        since = await flow.waiting(context)
        if since is not None and (latest is None or since > latest[0]):
            latest = (since, flow)
    return latest[1] if latest else None


async def on_text(update: Update, context: BotContext) -> None:
    flow = await _waiting_flow(context)
    await (flow.on_text if flow else fallback.on_text)(update, context)


async def on_other(update: Update, context: BotContext) -> None:
    flow = await _waiting_flow(context)
    await (flow.on_other if flow else fallback.on_other_message)(update, context)


async def on_cancel(update: Update, context: BotContext) -> None:
    flow = await _waiting_flow(context)
    if flow is None:
        await show_main_menu(update, context, context.t("There is nothing to cancel."))
        return
    await flow.on_cancel(update, context)


def register(app: BotApp) -> None:
    new_messages = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("cancel", on_cancel))
    app.add_handler(MessageHandler(new_messages & filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(MessageHandler(new_messages & ~filters.TEXT, on_other))
