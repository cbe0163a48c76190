"""Staff and admin commands: the staff menu, a carrier's team, the admins' fallbacks.

Every command and button checks the sender's role and carrier on the server side on each
use (handlers/common/guards.py asks domain/access.py); ids in buttons are claims, checked again.
"""

from __future__ import annotations

import html
from contextlib import suppress

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from bot.limits import MAX_CARRIER_CONTACT, TEAM_PAGE_SIZE
from domain.access import Action, Actor, administers, may
from domain.accounts import Account, Carrier, StaffRole
from domain.advice import measured_length
from handlers.common import commands
from handlers.common.guards import (
    actor_of,
    answer_expired,
    log_refusal,
    record_refusal,
    refuse,
    requires,
    staff_only,
)
from handlers.common.routes import parsed
from handlers.common.texts import staff_role_label
from handlers.common.ui import Keyboard, menu_row, pager_row, show
from handlers.staff import audit, invites, languages
from handlers.staff.routes import REMOVE_STAFF, STAFF_MENU, TEAM_PAGE
from storage import accounts, consents
from storage.erasure import erase_user


async def _carrier_codes(context: BotContext) -> str:
    return ", ".join(c.code for c in await accounts.list_carriers(context.db))


async def _parse_carrier(context: BotContext, code: str) -> Carrier | None:
    return await accounts.find_carrier(context.db, code)


def _telegram_id(args: list[str], position: int) -> int | None:
    value = args[position] if len(args) > position else ""
    return int(value) if value.isascii() and value.isdigit() else None


def _name(member: Account) -> str:
    """The first name Telegram gave (known once they wrote to the bot) with the id."""
    if member.first_name:
        return f"{member.first_name} ({member.telegram_id})"
    return str(member.telegram_id)


def _user_link(context: BotContext, member: Account) -> str:
    """A staff member's name that opens their Telegram profile when tapped."""
    label = context.i18n.isolate(html.escape(_name(member)))
    return f'<a href="tg://user?id={member.telegram_id}">{label}</a>'


@staff_only
async def on_staff(update: Update, context: BotContext) -> None:
    actor, t = actor_of(update, context), context.t
    paragraphs, rows = [], []
    if actor.carrier_id is not None:
        carrier = await accounts.get_carrier(context.db, actor.carrier_id)
        assert carrier is not None
        # TRANSLATORS: {role} is "caseworker" or "coordinator"; {carrier} is e.g. Caritas.
        paragraphs.append(
            t("Your role at {carrier}: {role}.").format(
                role=staff_role_label(context.i18n, actor.staff_role),
                carrier=html.escape(carrier.name),
            )
        )
        # TRANSLATORS: keep the command and the example case number as they are.
        paragraphs.append(
            t(
                "To see a case, send /find and its case number, for example /find K7M2QX. "
                "You see it only if the person agreed to share it with your carrier; "
                "otherwise you can ask them through the bot."
            )
        )
        paragraphs.append(
            t(
                "Flats: /listing types a new listing and sends it to the households it fits; "
                "/listings shows your carrier's listings and who is interested. /announce "
                "sends a message to many people at once."
            )
        )
    else:
        paragraphs.append(t("You are an admin and not staff of a carrier."))
    if administers(actor, actor.carrier_id):
        paragraphs.append(
            t(
                "/invite creates an invitation link for new staff, /team lists and removes "
                "staff, /audit shows who looked at which case."
            )
        )
        rows.append(
            [
                STAFF_MENU.button("✉ " + t("Invite"), "invite"),
                STAFF_MENU.button("👥 " + t("Team"), "team"),
                STAFF_MENU.button("📜 " + t("Audit log"), "audit"),
            ]
        )
        rows.append([STAFF_MENU.button("🌐 " + t("Languages of the bot"), "languages")])
    if actor.is_admin:
        paragraphs.append(
            t(
                "Admin commands: /addstaff makes a user staff of a carrier, /removestaff "
                "removes them, /setcontact sets a carrier's office hours and phone."
            )
        )
    await show(update, context, "\n\n".join(paragraphs), [*rows, menu_row(context)])


async def on_staff_button(update: Update, context: BotContext) -> None:
    # Each target is guarded itself, so a button from an old /staff message is checked anew.
    items = {
        "invite": invites.on_invite,
        "team": on_team,
        "audit": audit.on_audit,
        "languages": languages.on_languages,
    }
    await items[parsed(update).arg](update, context)


@requires(Action.LIST_STAFF)
async def on_team(update: Update, context: BotContext) -> None:
    await _show_team(update, context, 0)


@requires(Action.LIST_STAFF)
async def on_team_page(update: Update, context: BotContext) -> None:
    await _show_team(update, context, int(parsed(update).arg))


async def _show_team(update: Update, context: BotContext, offset: int) -> None:
    actor, t = actor_of(update, context), context.t
    scope = None if actor.is_admin else actor.carrier_id
    found = await accounts.list_staff(context.db, scope, offset, TEAM_PAGE_SIZE + 1)
    members = found[:TEAM_PAGE_SIZE]
    if not members:
        text = t("Nobody is staff yet. Create an invitation with /invite.")
        await show(update, context, text, [menu_row(context)])
        return
    names = {c.id: c.name for c in await accounts.list_carriers(context.db)}
    lines = [_member_line(context, member, names) for member in members]
    rows: Keyboard = [
        [REMOVE_STAFF.button("✗ " + t("Remove {user}").format(user=_name(m)), "ask", m.id)]
        for m in members
    ]
    pager = pager_row(
        context,
        TEAM_PAGE,
        offset,
        TEAM_PAGE_SIZE,
        shown=len(members),
        more=len(found) > len(members),
    )
    text = "\n".join((t("Staff, with a button to remove each:"), *lines))
    await show(update, context, text, [*rows, *([pager] if pager else []), menu_row(context)])


def _member_line(context: BotContext, member: Account, carrier_names: dict[int, str]) -> str:
    assert member.carrier_id is not None and member.staff_since is not None
    since = member.staff_since.astimezone(context.i18n.tz).date()
    # TRANSLATORS: {user} is a first name and a Telegram id, {role} "caseworker" or
    # "coordinator", {date} the day they became staff.
    return context.t("{user}: {role} at {carrier}, since {date}").format(
        user=_user_link(context, member),
        role=staff_role_label(context.i18n, member.staff_role),
        carrier=html.escape(carrier_names[member.carrier_id]),
        date=context.i18n.date(since, "medium"),
    )


@requires(Action.REMOVE_STAFF)
async def on_remove_button(update: Update, context: BotContext) -> None:
    step, user_id = parsed(update).args
    actor = actor_of(update, context)
    target = await accounts.get_account_by_id(context.db, int(user_id))
    if target is None or not target.is_staff:
        await answer_expired(update, context)  # removed meanwhile: the list was old
        return
    if not may(actor, Action.REMOVE_STAFF, target.carrier_id):
        await refuse(update, context, actor, Action.REMOVE_STAFF)
        return
    t = context.t
    if step == "yes":
        await _remove(context, actor, target)
        text = t("{user} is no longer staff.").format(
            user=context.i18n.isolate(str(target.telegram_id))
        )
        await show(
            update, context, text, [[TEAM_PAGE.button("« " + t("Back"), 0)], menu_row(context)]
        )
        return
    text = t(
        "Remove {user}? They lose access at once, also to the buttons in old messages."
    ).format(user=_user_link(context, target))
    rows = [
        [REMOVE_STAFF.button(t("Yes, remove"), "yes", target.id)],
        [TEAM_PAGE.button("« " + t("Back"), 0)],
    ]
    await show(update, context, text, rows)


@requires(Action.REMOVE_STAFF)
async def on_removestaff(update: Update, context: BotContext) -> None:
    telegram_id = _telegram_id(context.args or [], 0)
    if telegram_id is None or len(context.args or []) != 1:
        await show(update, context, context.t("Please write it like this: /removestaff 123456789"))
        return
    actor = actor_of(update, context)
    target = await accounts.get_account(context.db, telegram_id)
    user = context.i18n.isolate(str(telegram_id))
    if target is None or not target.is_staff:
        await show(
            update, context, context.t("{user} is not staff. Nothing changed.").format(user=user)
        )
        return
    if not may(actor, Action.REMOVE_STAFF, target.carrier_id):
        # Staff of another carrier: the same answer as for someone who is not staff at all.
        await log_refusal(update, context, actor, Action.REMOVE_STAFF)
        await show(
            update, context, context.t("{user} is not staff. Nothing changed.").format(user=user)
        )
        return
    await _remove(context, actor, target)
    await show(update, context, context.t("{user} is no longer staff.").format(user=user))


async def _remove(context: BotContext, actor: Actor, target: Account) -> None:
    """Takes effect at once: every command and button loads the account anew on each use.
    The account is deleted, as it held nothing but the role: whoever comes back starts anew
    at /start, and restoring an older backup removes it again."""
    assert target.carrier_id is not None
    async with context.db.transaction() as db:
        await erase_user(db, target.id, context.now(), context.settings.erasure_key)
        await consents.record_audit(
            db,
            actor_telegram_id=actor.telegram_id,
            action=Action.REMOVE_STAFF,
            now=context.now(),
            carrier_id=target.carrier_id,
            detail=f"telegram_id={target.telegram_id}",
        )
    await context.db.checkpoint()
    await commands.clear_chat_commands(context.bot, target.telegram_id)
    carrier = await accounts.get_carrier(context.db, target.carrier_id)
    assert carrier is not None
    tr = context.bot_data.catalogs.get(target.locale)
    text = tr.gettext("You are no longer staff of {carrier}.")
    with suppress(BadRequest, Forbidden):  # they may have blocked the bot
        await context.bot.send_message(
            target.telegram_id, text.format(carrier=html.escape(carrier.name))
        )


@requires(Action.ADD_STAFF)
async def on_addstaff(update: Update, context: BotContext) -> None:
    args = context.args or []
    carrier = await _parse_carrier(context, args[1]) if len(args) == 2 else None
    telegram_id = _telegram_id(args, 0)
    if len(args) != 2 or telegram_id is None or carrier is None:
        # TRANSLATORS: keep the command and the example values as they are.
        text = context.t(
            "Please write it like this: /addstaff 123456789 caritas\n"
            "The number is the person's Telegram id. Carriers: {codes}"
        ).format(codes=await _carrier_codes(context))
        await show(update, context, text)
        return
    assert update.effective_user is not None
    admin_id, now = update.effective_user.id, context.now()
    async with context.db.transaction() as db:
        current = await accounts.get_account(db, telegram_id)
        household = current is not None and current.is_household
        already = current is not None and current.carrier_id == carrier.id
        if household:  # the id in the log would be a household's: "household" says enough
            actor = actor_of(update, context)
            await record_refusal(db, context, actor, Action.ADD_STAFF, "household")
        elif not already:  # running it twice changes nothing, not even a coordinator's role
            # Their language is not known before they write: a stand-in until then.
            await accounts.make_staff(
                db, telegram_id, carrier.id, context.settings.default_locale, admin_id, now,
                role=StaffRole.CASEWORKER, locale_unconfirmed=True,
            )  # fmt: skip
            await consents.record_audit(
                db,
                actor_telegram_id=admin_id,
                action=Action.ADD_STAFF,
                now=now,
                carrier_id=carrier.id,
                detail=f"telegram_id={telegram_id}",
            )
        added = await accounts.get_account(db, telegram_id)
    assert added is not None
    user = context.i18n.isolate(str(telegram_id))
    if household:
        text = context.t(
            "{user} uses the bot as a household or volunteer, so this account cannot become "
            "staff: a carrier's staff use their work account. Nothing changed. If it is the "
            "same person and they want this account for staff, they first delete their data "
            "with /delete."
        )
        await show(update, context, text.format(user=user))
        return
    name = html.escape(carrier.name)
    if already:
        text = context.t("{user} is already staff of {carrier}. Nothing changed.")
    else:
        text = context.t("{user} is now staff of {carrier}.")
    text = text.format(user=user, carrier=name)
    if not already and not await invites.welcome_new_staff(context, added):
        text += "\n\n" + context.t(
            "They have not started the bot yet. They will see the staff menu after /start."
        )
    await show(update, context, text)


@requires(Action.SET_CONTACT)
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
    contact = " ".join(args[1:])
    if measured_length(contact) > MAX_CARRIER_CONTACT:  # /help shows every carrier's
        text = context.t("This is too long. Please shorten it to {max} characters.")
        await show(update, context, text.format(max=context.i18n.number(MAX_CARRIER_CONTACT)))
        return
    async with context.db.transaction() as db:
        await accounts.set_carrier_contact(db, carrier.id, contact)
    text = context.t("Saved. /help now shows this contact for {carrier}.")
    await show(update, context, text.format(carrier=html.escape(carrier.name)))


def register(app: BotApp) -> None:
    for name, callback in (
        ("staff", on_staff),
        ("team", on_team),
        ("addstaff", on_addstaff),
        ("removestaff", on_removestaff),
        ("setcontact", on_setcontact),
        ("languages", languages.on_languages),
    ):
        app.add_handler(CommandHandler(name, callback))
    for prefix, button_callback in (
        (STAFF_MENU, on_staff_button),
        (TEAM_PAGE, on_team_page),
        (REMOVE_STAFF, on_remove_button),
    ):
        app.add_handler(prefix.handler(button_callback))
