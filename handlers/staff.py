"""Staff and admin commands. Every use checks the role on the server side."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from functools import wraps

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from domain.accounts import Carrier, may_use_staff_commands
from handlers import commands
from handlers.ui import menu_row, show
from storage import accounts, consents

Handler = Callable[[Update, BotContext], Awaitable[None]]


async def _refuse(update: Update, context: BotContext) -> None:
    # The same words for every refusal: they reveal neither data nor who is staff.
    await show(update, context, context.t("This command is only for staff of the carriers."))


def staff_only(handler: Handler) -> Handler:
    @wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        user = update.effective_user
        admin = context.is_admin(user.id if user else None)
        if not may_use_staff_commands(context.account, is_admin=admin):
            await _refuse(update, context)
            return
        await handler(update, context)

    return guarded


def admin_only(handler: Handler) -> Handler:
    @wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        user = update.effective_user
        if not context.is_admin(user.id if user else None):
            await _refuse(update, context)
            return
        await handler(update, context)

    return guarded


async def _carrier_codes(context: BotContext) -> str:
    return ", ".join(c.code for c in await accounts.list_carriers(context.db))


async def _parse_carrier(context: BotContext, code: str) -> Carrier | None:
    return await accounts.find_carrier(context.db, code)


@staff_only
async def on_staff(update: Update, context: BotContext) -> None:
    account, t = context.account, context.t
    carrier = (
        await accounts.get_carrier(context.db, account.carrier_id)
        if account and account.carrier_id
        else None
    )
    if carrier is not None:
        # TRANSLATORS: {carrier} is Caritas, DRK or Kölner Flüchtlingsrat.
        text = t("You are staff of {carrier}.").format(carrier=html.escape(carrier.name))
    else:
        text = t("You are an admin and not staff of a carrier.")
    if context.is_admin(update.effective_user.id if update.effective_user else None):
        text += "\n\n" + t(
            "Admin commands: /addstaff makes a user staff of a carrier, /removestaff removes "
            "them, /setcontact sets a carrier's office hours and phone."
        )
    await show(update, context, text, [menu_row(context)])


@admin_only
async def on_addstaff(update: Update, context: BotContext) -> None:
    args = context.args or []
    carrier = await _parse_carrier(context, args[1]) if len(args) == 2 else None
    if len(args) != 2 or not args[0].isascii() or not args[0].isdigit() or carrier is None:
        # TRANSLATORS: keep the command and the example values as they are.
        text = context.t(
            "Please write it like this: /addstaff 123456789 caritas\n"
            "The number is the person's Telegram id. Carriers: {codes}"
        ).format(codes=await _carrier_codes(context))
        await show(update, context, text)
        return
    telegram_id = int(args[0])
    assert update.effective_user is not None
    admin_id, now = update.effective_user.id, context.now()
    async with context.db.transaction() as db:
        before = await accounts.make_staff(
            db, telegram_id, carrier.id, context.settings.default_locale, admin_id, now
        )
        await consents.record_audit(
            db,
            actor_telegram_id=admin_id,
            action="staff.add",
            now=now,
            carrier_id=carrier.id,
            detail=f"telegram_id={telegram_id}",
        )
    name = html.escape(carrier.name)
    if before == carrier.id:
        text = context.t("{user} is already staff of {carrier}. Nothing changed.")
    else:
        text = context.t("{user} is now staff of {carrier}.")
    text = text.format(user=context.i18n.isolate(str(telegram_id)), carrier=name)
    if not await _welcome_new_staff(context, telegram_id, name):
        text += "\n\n" + context.t(
            "They have not started the bot yet. They will see the staff menu after /start."
        )
    await show(update, context, text)


async def _welcome_new_staff(context: BotContext, telegram_id: int, carrier: str) -> bool:
    """Tells the new staff member in their language; False if the bot cannot reach them."""
    account = await accounts.get_account(context.db, telegram_id)
    assert account is not None
    tr = context.bot_data.catalogs.get(account.locale)
    text = tr.gettext("You are now staff of {carrier}. Send /staff to see your commands.")
    try:
        await context.bot.send_message(telegram_id, text.format(carrier=carrier))
        await commands.set_staff_commands(
            context.bot, telegram_id, tr, admin=context.is_admin(telegram_id)
        )
    except (BadRequest, Forbidden):
        return False
    return True


@admin_only
async def on_removestaff(update: Update, context: BotContext) -> None:
    args = context.args or []
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit():
        await show(update, context, context.t("Please write it like this: /removestaff 123456789"))
        return
    telegram_id = int(args[0])
    assert update.effective_user is not None
    async with context.db.transaction() as db:
        removed = await accounts.remove_staff(db, telegram_id)
        if removed:
            await consents.record_audit(
                db,
                actor_telegram_id=update.effective_user.id,
                action="staff.remove",
                now=context.now(),
                detail=f"telegram_id={telegram_id}",
            )
    if removed:
        await commands.clear_staff_commands(context.bot, telegram_id)
        text = context.t("{user} is no longer staff.")
    else:
        text = context.t("{user} is not staff. Nothing changed.")
    await show(update, context, text.format(user=context.i18n.isolate(str(telegram_id))))


@admin_only
async def on_setcontact(update: Update, context: BotContext) -> None:
    args = context.args or []
    carrier = await _parse_carrier(context, args[0]) if args else None
    if carrier is None or len(args) < 2:
        text = context.t(
            "Please write it like this: /setcontact caritas Mo-Fr 9-12 Uhr, Tel. 0221 123456\n"
            "Carriers: {codes}"
        ).format(codes=await _carrier_codes(context))
        await show(update, context, text)
        return
    async with context.db.transaction() as db:
        await accounts.set_carrier_contact(db, carrier.id, " ".join(args[1:]))
    text = context.t("Saved. /help now shows this contact for {carrier}.")
    await show(update, context, text.format(carrier=html.escape(carrier.name)))


def register(app: BotApp) -> None:
    for name, callback in (
        ("staff", on_staff),
        ("addstaff", on_addstaff),
        ("removestaff", on_removestaff),
        ("setcontact", on_setcontact),
    ):
        app.add_handler(CommandHandler(name, callback))
