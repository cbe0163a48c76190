"""Invitations: an admin or coordinator gets a single-use /start link that makes one person
staff of a carrier. Registered before onboarding/start.py, which answers every other /start."""

from __future__ import annotations

import html
from contextlib import suppress

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler, filters
from telegram.helpers import create_deep_linked_url

from bot.context import BotApp, BotContext
from bot.i18n import Translator
from bot.limits import INVITE_VALIDITY
from domain.access import Action, Actor, denied, may
from domain.accounts import Account, Carrier, StaffRole
from domain.invites import (
    PAYLOAD_PREFIX,
    InviteStatus,
    invite_payload,
    invite_status,
    token_from_payload,
)
from handlers.common import commands
from handlers.common.guards import actor_of, known_actor, refuse, requires
from handlers.common.routes import parsed
from handlers.common.texts import staff_role_label
from handlers.common.ui import menu_row, show
from handlers.staff.routes import INVITE_CARRIER, INVITE_ROLE
from storage import accounts, consents, invites


@requires(Action.INVITE_STAFF)
async def on_invite(update: Update, context: BotContext) -> None:
    actor = actor_of(update, context)
    if not actor.is_admin:
        assert actor.carrier_id is not None  # a coordinator: requires() checked it
        carrier = await accounts.get_carrier(context.db, actor.carrier_id)
        assert carrier is not None
        await _ask_role(update, context, carrier)
        return
    rows = [
        [INVITE_CARRIER.button(c.name, c.id)] for c in await accounts.list_carriers(context.db)
    ]
    await show(
        update,
        context,
        context.t("For which carrier is the invitation?"),
        [*rows, menu_row(context)],
    )


@requires(Action.INVITE_STAFF)
async def on_carrier_chosen(update: Update, context: BotContext) -> None:
    carrier = await _carrier_to_invite_for(update, context, int(parsed(update).arg))
    if carrier is not None:
        await _ask_role(update, context, carrier)


async def _ask_role(update: Update, context: BotContext, carrier: Carrier) -> None:
    t, tr = context.t, context.i18n
    text = t(
        "Which role should the new person have at {carrier}?\n"
        "Caseworkers see the cases that agreed to share their data with {carrier}. "
        "Coordinators can also invite and remove staff and read the audit log."
    ).format(carrier=html.escape(carrier.name))
    rows = [
        [INVITE_ROLE.button(staff_role_label(tr, role), carrier.id, role.value)]
        for role in StaffRole
    ]
    await show(update, context, text, [*rows, menu_row(context)])


@requires(Action.INVITE_STAFF)
async def on_role_chosen(update: Update, context: BotContext) -> None:
    cb = parsed(update)
    carrier = await _carrier_to_invite_for(update, context, int(cb.args[0]))
    if carrier is None:
        return
    role, now = StaffRole(cb.args[1]), context.now()
    expires_at = now + INVITE_VALIDITY
    assert update.effective_user is not None
    async with context.db.transaction() as db:
        token = await invites.create_invite(
            db,
            carrier_id=carrier.id,
            role=role,
            created_by=update.effective_user.id,
            now=now,
            expires_at=expires_at,
        )
        await consents.record_audit(
            db,
            actor_telegram_id=update.effective_user.id,
            action=Action.INVITE_STAFF,
            now=now,
            carrier_id=carrier.id,
            detail=f"role={role.value}",
        )
    link = create_deep_linked_url(context.bot.username, invite_payload(token))
    # TRANSLATORS: {role} is "caseworker" or "coordinator"; {link} is a t.me address.
    text = context.t(
        "Invitation for a new {role} at {carrier}:\n{link}\n\n"
        "Send this link to that one person only, never to a group: whoever opens it first "
        "becomes staff. It works once, until {expires}."
    ).format(
        role=staff_role_label(context.i18n, role),
        carrier=html.escape(carrier.name),
        link=link,
        expires=context.i18n.datetime(expires_at),
    )
    await show(update, context, text, [menu_row(context)])


async def _carrier_to_invite_for(
    update: Update, context: BotContext, carrier_id: int
) -> Carrier | None:
    """The carrier id in the button is a claim: a coordinator invites for their own only."""
    actor = actor_of(update, context)
    carrier = await accounts.get_carrier(context.db, carrier_id)
    if carrier is None or not may(actor, Action.INVITE_STAFF, carrier_id):
        await refuse(update, context, actor, Action.INVITE_STAFF)
        return None
    return carrier


async def on_invite_link(update: Update, context: BotContext) -> None:
    """/start inv_<token>: the link from an invitation."""
    user = update.effective_user
    assert user is not None
    args, now = context.args or [], context.now()
    token = token_from_payload(args[0]) if len(args) == 1 else None
    async with context.db.transaction() as db:
        invite = await invites.find_invite(db, token) if token else None
        account = await accounts.get_account(db, user.id)
        status = invite_status(
            invite,
            telegram_id=user.id,
            carrier_id_now=account.carrier_id if account else None,
            now=now,
            household=account is not None and account.is_household,
        )
        if invite is not None and status is InviteStatus.VALID:
            await accounts.make_staff(
                db,
                user.id,
                invite.carrier_id,
                context.i18n.locale,
                invite.created_by,
                now,
                role=invite.role,
                first_name=user.first_name,
            )
            await invites.mark_invite_used(db, invite.id, user.id, now)
            action = Action.JOIN_STAFF.value
        else:
            action = denied(Action.JOIN_STAFF)
        if status is not InviteStatus.ALREADY_JOINED:
            await consents.record_audit(
                db,
                # Who joined is staff now; of a stranger's dead link we keep no id.
                actor_telegram_id=user.id
                if status is InviteStatus.VALID
                else await known_actor(db, context, user.id),
                action=action,
                now=now,
                carrier_id=invite.carrier_id if invite else None,
                detail=f"invite={invite.id} {status.value}" if invite else status.value,
            )
        context.account = await accounts.get_account(db, user.id)
    if status is InviteStatus.HOUSEHOLD:
        text = context.t(
            "This Telegram account is registered as a household or volunteer, so it cannot "
            "become staff: a carrier's staff use their work account. Please open the link "
            "with that account. If you want to use this account for staff, first delete your "
            "data here with /delete."
        )
        await show(update, context, text)
        return
    if status not in (InviteStatus.VALID, InviteStatus.ALREADY_JOINED):
        text = context.t(
            "This invitation link does not work: it was used already, it has expired or it "
            "is incomplete. Please ask your coordinator for a new one."
        )
        await show(update, context, text)
        return
    assert context.account is not None
    await welcome_new_staff(context, context.account)


async def welcome_new_staff(context: BotContext, account: Account) -> bool:
    """Tells the new staff member in their language and sets their menu; False if the bot
    cannot reach them (they never started it or blocked it)."""
    assert account.carrier_id is not None
    carrier = await accounts.get_carrier(context.db, account.carrier_id)
    assert carrier is not None
    tr: Translator = context.bot_data.catalogs.get(account.locale)
    text = tr.gettext("You are now staff of {carrier}. Send /staff to see your commands.")
    actor = Actor.of(account.telegram_id, account, is_admin=context.is_admin(account.telegram_id))
    try:
        await context.bot.send_message(
            account.telegram_id, text.format(carrier=html.escape(carrier.name))
        )
    except (BadRequest, Forbidden):
        return False
    with suppress(BadRequest, Forbidden):
        await commands.set_staff_commands(context.bot, tr, actor)
    return True


def register(app: BotApp) -> None:
    link = filters.Regex(f"^/start {PAYLOAD_PREFIX}")
    app.add_handler(CommandHandler("start", on_invite_link, filters=link))
    app.add_handler(CommandHandler("invite", on_invite))
    for route, callback in ((INVITE_CARRIER, on_carrier_chosen), (INVITE_ROLE, on_role_chosen)):
        app.add_handler(route.handler(callback))
