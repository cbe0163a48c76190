"""Group -1: for every update, load the account and pick the language before any handler."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import BotApp, BotContext
from bot.limits import LAST_SEEN_RESOLUTION
from domain.accounts import Account, is_due_for_last_seen, profile_update
from domain.locales import match_locale, resolve_locale
from handlers.common.guards import answer_expired
from storage import accounts


async def resolve_user(update: Update, context: BotContext) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and chat.type != ChatType.PRIVATE:
        # Cases are never discussed in groups: the bot answers in private chats only.
        raise ApplicationHandlerStop
    if user is None:
        return
    account = await accounts.get_account(context.db.reader, user.id)  # see Db.reader
    wrote_to_us = update.message is not None or update.callback_query is not None
    if account is not None and wrote_to_us:
        account = await _keep_profile(context, account, user.first_name, user.language_code)
    context.account = account
    saved = account.locale if account else None
    context.use_locale(resolve_locale(saved, user.language_code, context.settings.default_locale))
    query = update.callback_query
    if query is not None and (not query.data or chat is None):
        # Not a button we sent: each has data and sits in a private chat (PTB would hand a
        # press without data to the first button handler).
        await answer_expired(update, context)
        raise ApplicationHandlerStop
    now = context.now()
    if account and wrote_to_us and is_due_for_last_seen(account, now, LAST_SEEN_RESOLUTION):
        async with context.db.transaction() as db:
            await accounts.touch_account(db, user.id, now)


async def _keep_profile(
    context: BotContext, account: Account, first_name: str, language_code: str | None
) -> Account:
    """A staff member's first name, a stand-in language replaced: the account as it is now."""
    change = profile_update(account, first_name, match_locale(language_code))
    if change is None:
        return account
    async with context.db.transaction() as db:
        await accounts.save_profile(db, account, change)
    return replace(
        account,
        first_name=change.first_name or account.first_name,
        locale=change.locale or account.locale,
        locale_unconfirmed=account.locale_unconfirmed and change.locale is None,
    )


def register(app: BotApp) -> None:
    app.add_handler(TypeHandler(Update, resolve_user), group=-1)
