"""A flat is let, and to whom: one of the households of its shortlist whose case the carrier
follows, or someone else.

The chosen household's case moves to "offer received" and the household hears its next
step (rent approval by the Jobcenter or Sozialamt before signing); every other household's
coming viewing of the flat is cancelled with a message in its language; the interested
households hear that the flat is gone, as when it is withdrawn. Each step is in the audit
log; every id in a button is checked against the presser's carrier on each use.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotApp, BotContext
from bot.limits import LET_CANDIDATES
from domain.access import Action
from domain.case_status import CaseStatus, after_let
from domain.listings import Answer, Listing, ListingStatus
from handlers.common.case_actions import audit, authorized_case, move_case
from handlers.common.case_texts import status_label
from handlers.common.guards import (
    actor_of,
    answer_expired,
    record_action,
    record_refusal,
    what_was_tried,
)
from handlers.common.routes import parsed
from handlers.common.ui import Keyboard
from handlers.common.ui import show as show_screen
from handlers.listings.cards import (
    card,
    claimed_listing,
    close_listing,
    followed,
    still_published,
)
from handlers.listings.routes import LET_LISTING, LISTING_CARD
from storage import listings
from storage.db import Db


async def on_let(update: Update, context: BotContext) -> None:
    listing_id, choice = parsed(update).args
    listing = await claimed_listing(update, context, Action.CLOSE_LISTING, int(listing_id))
    if listing is None or not await still_published(update, context, listing):
        return
    if choice == "ask":
        await _ask(update, context, listing)
    elif choice == "other":
        await _let_elsewhere(update, context, listing)
    else:
        await _let_to(update, context, listing, int(choice))


async def _ask(update: Update, context: BotContext, listing: Listing) -> None:
    """Who got the flat: the shortlist's households whose case the carrier follows (each
    shown is an audited read, as on the shortlist), or someone else."""
    t = context.t
    async with context.db.transaction() as db:
        shortlist = await listings.list_shortlist(
            db, listing.id, listing.carrier_id, 0, LET_CANDIDATES
        )
        candidates = [r for r in shortlist if await followed(db, r.user_id, listing)]
        for recipient in candidates:
            await record_action(
                db, context, Action.VIEW_SHORTLIST, f"listing={listing.id}", recipient.user_id
            )
        interested = (await listings.count_answers(db, listing.id, listing.carrier_id)).interested
    text = context.tn(
        "Who got the flat? If it is one of these households, its case moves to “{status}” "
        "and the household is told to have the rent approved by the Jobcenter or Sozialamt "
        "before signing. Viewings of this flat by other households are cancelled. {n} "
        "household is interested: all but the new tenant hear that the flat is gone.",
        "Who got the flat? If it is one of these households, its case moves to “{status}” "
        "and the household is told to have the rent approved by the Jobcenter or Sozialamt "
        "before signing. Viewings of this flat by other households are cancelled. {n} "
        "households are interested: all but the new tenant hear that the flat is gone.",
        interested,
    ).format(
        status=status_label(context.i18n, CaseStatus.OFFER), n=context.i18n.number(interested)
    )
    rows: Keyboard = [
        [
            LET_LISTING.button(
                "✅ " + t("Case {case}").format(case=r.case_number), listing.id, r.user_id
            )
        ]
        for r in candidates
    ]
    rows += [
        [LET_LISTING.button("✅ " + t("Someone else"), listing.id, "other")],
        [LISTING_CARD.button("« " + t("Back"), listing.id, "show")],
    ]
    await show_screen(update, context, text, rows)


async def _let_to(update: Update, context: BotContext, listing: Listing, user_id: int) -> None:
    actor, tried = actor_of(update, context), what_was_tried(update)
    let, notes = None, []
    async with context.db.transaction() as db:
        recipient = await listings.get_recipient(db, listing.id, user_id)
        case = await authorized_case(db, context, actor, user_id, Action.MOVE_CASE, tried)
        if case is not None and (recipient is None or recipient.answer is not Answer.INTERESTED):
            await record_refusal(db, context, actor, Action.CLOSE_LISTING, tried)
            case = None  # not a household of the shortlist (any more): nothing changes
        if case is not None:
            let = await close_listing(db, context, listing, ListingStatus.LET, tenant=user_id)
        if let is not None and case is not None:
            target = after_let(case.status, case.resume_status)
            if target is not None:
                case = await move_case(db, context, case, target, actor)
                detail = f"status={target} listing={listing.id}"
                await audit(db, context, Action.MOVE_CASE, case, detail)
            notes = await _flat_let(db, context, listing, user_id)
    if let is None or case is None:
        await answer_expired(update, context)
        return
    i18n = context.i18n
    note = "✓ " + context.t("Let to case {case}. The case is at “{status}”.").format(
        case=i18n.isolate(str(case.case_number)), status=status_label(i18n, case.status)
    )
    await card(update, context, let, [note, *notes])


async def _let_elsewhere(update: Update, context: BotContext, listing: Listing) -> None:
    async with context.db.transaction() as db:
        let = await close_listing(db, context, listing, ListingStatus.LET)
        notes = await _flat_let(db, context, listing, None) if let else []
    await card(update, context, let or listing, notes)


async def _flat_let(
    db: Db, context: BotContext, listing: Listing, tenant: int | None
) -> list[str]:
    """What other features do now (viewings: the other households' end); their notes."""
    notes = []
    for hook in context.bot_data.flat_let_hooks:
        notes += await hook(db, context, listing.id, tenant)
    return notes


def register(app: BotApp) -> None:
    app.add_handler(LET_LISTING.handler(on_let))
