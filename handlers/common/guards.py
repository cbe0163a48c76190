"""Server-side checks for every staff command and button, with refusals in the audit log.

A refusal looks the same whatever its reason ("only for staff", "this button has expired"),
so it reveals neither data nor who is staff; the audit log records who tried what.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Protocol, TypeVar

from telegram import Update

from bot.context import BotContext
from bot.features import Handler
from domain.access import Action, Actor, denied, may
from handlers.common.ui import show
from storage import consents
from storage.db import Db


class OfCarrier(Protocol):
    @property
    def carrier_id(self) -> int: ...


Row = TypeVar("Row", bound=OfCarrier)


def actor_of(update: Update, context: BotContext) -> Actor:
    """Who sent this update, from the account loaded for this very update."""
    user = update.effective_user
    assert user is not None
    return Actor.of(user.id, context.account, is_admin=context.is_admin(user.id))


def what_was_tried(update: Update) -> str:
    """The button's data or the bare command: ids and codes only, never typed text."""
    if update.callback_query is not None:
        return str(update.callback_query.data)
    text = update.message.text if update.message and update.message.text else ""
    return text.split(maxsplit=1)[0] if text else ""


async def record_refusal(
    db: Db, context: BotContext, actor: Actor, action: Action, tried: str
) -> None:
    """Inside a transaction. No subject: a refusal must not link the actor to a case they may
    not see, not even in their coordinator's audit log; `tried` keeps the claimed ids. The
    actor is stored only if known already (`known_actor`): we keep nothing of people who never
    agreed to our privacy notice, and /delete removes it from a user's attempts."""
    await consents.record_audit(
        db,
        actor_telegram_id=await known_actor(db, context, actor.telegram_id),
        action=denied(action),
        now=context.now(),
        carrier_id=actor.carrier_id,
        detail=tried,
    )


async def known_actor(db: Db, context: BotContext, telegram_id: int) -> int | None:
    """The Telegram id for the audit log: of users, admins and former staff (whose id the log
    holds already as the actor of staff actions); None for anyone else."""
    if context.account is not None or context.is_admin(telegram_id):
        return telegram_id
    return telegram_id if await consents.acted_as_staff(db, telegram_id) else None


async def record_action(
    db: Db, context: BotContext, action: Action, detail: str, subject_user_id: int | None = None
) -> None:
    """Inside the transaction of the staff action it records: who, for which carrier, what."""
    account = context.account
    assert account is not None  # staff and admins have an account once they act
    await consents.record_audit(
        db,
        actor_telegram_id=account.telegram_id,
        action=action,
        now=context.now(),
        carrier_id=account.carrier_id,
        subject_user_id=subject_user_id,
        detail=detail,
    )


async def log_refusal(update: Update, context: BotContext, actor: Actor, action: Action) -> None:
    async with context.db.transaction() as db:
        await record_refusal(db, context, actor, action, what_was_tried(update))


async def answer_expired(update: Update, context: BotContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(context.t("This button has expired."), show_alert=True)


async def refuse(update: Update, context: BotContext, actor: Actor, action: Action) -> None:
    """Log the attempt, then answer as if the command or button did not exist for them."""
    await log_refusal(update, context, actor, action)
    if update.callback_query is not None:
        await answer_expired(update, context)
        return
    await show(update, context, context.t("This command is only for staff of the carriers."))


async def owned(
    update: Update, context: BotContext, action: Action, row: Row | None
) -> Row | None:
    """`row` (a slot, a workshop, …) if the presser may do `action` to its carrier's rows;
    a missing row or a foreign carrier's is refused, logged and answered alike."""
    actor = actor_of(update, context)
    if row is None or not may(actor, action, row.carrier_id):
        await refuse(update, context, actor, action)
        return None
    return row


def requires(action: Action) -> Callable[[Handler], Handler]:
    """The coarse check on each use: may the sender do `action` for their own carrier at all?
    Handlers then check the concrete carrier or case they were asked about."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def guarded(update: Update, context: BotContext) -> None:
            actor = actor_of(update, context)
            if not may(actor, action, actor.carrier_id):
                await refuse(update, context, actor, action)
                return
            await handler(update, context)

        return guarded

    return decorate


staff_only = requires(Action.USE_STAFF_MENU)
