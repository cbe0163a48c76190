"""Registered last: whatever no other handler took still gets a clear answer."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import BotApp, BotContext
from handlers.common.guards import answer_expired
from handlers.common.main_menu import show_main_menu


async def on_unknown_command(update: Update, context: BotContext) -> None:
    await show_main_menu(update, context, context.t("I do not know this command."))


async def on_text(update: Update, context: BotContext) -> None:
    await show_main_menu(update, context, context.t("Please use the buttons."))


async def on_other_message(update: Update, context: BotContext) -> None:
    if context.account is not None and context.account.is_staff:
        # Staff send photos of flats: those belong to the listing being typed.
        intro = context.t(
            "I can only read text and buttons here. Photos of a flat go into a listing: "
            "open it with /listing, then send them."
        )
    else:
        intro = context.t(
            "I can only read text and buttons. Please do not send photos or documents: "
            "we never need copies of your papers."
        )
    await show_main_menu(update, context, intro)


def register(app: BotApp) -> None:
    new_messages = filters.UpdateType.MESSAGE  # edits of old messages need no answer
    app.add_handler(MessageHandler(new_messages & filters.COMMAND, on_unknown_command))
    app.add_handler(MessageHandler(new_messages & filters.TEXT, on_text))
    app.add_handler(MessageHandler(new_messages, on_other_message))
    app.add_handler(CallbackQueryHandler(answer_expired))
