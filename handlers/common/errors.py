"""The one catch-all: log ids (never message text), tell the user nothing was lost."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from domain.locales import resolve_locale

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    chat_id = user_id = update_id = None
    if isinstance(update, Update):
        update_id = update.update_id
        chat_id = update.effective_chat.id if update.effective_chat else None
        user_id = update.effective_user.id if update.effective_user else None
    log.error(
        "error handling update_id=%s chat_id=%s user_id=%s",
        update_id,
        chat_id,
        user_id,
        exc_info=context.error,
    )
    if chat_id is None or not isinstance(update, Update):
        return
    if context.tr is None and update.effective_user is not None:
        code = update.effective_user.language_code
        context.use_locale(resolve_locale(None, code, context.settings.default_locale))
    text = context.t("Something went wrong. Nothing you entered was lost. Please try again.")
    # Every write is one transaction, so "nothing was lost" holds. The handler may have
    # answered the button already (Telegram then refuses a second answer): the message goes
    # out whatever the answer gives.
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    with contextlib.suppress(TelegramError):
        await context.bot.send_message(chat_id, text)
