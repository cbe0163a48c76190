"""A carrier's flat listings for its staff: the list, each listing's card, the shortlist.

The card shows everything, the landlord's contact included, and leads to the shortlist of
interested households (only those who share their case with the carrier, in the order they
said so; every one shown is an audited read of their case), proposing them to the landlord,
showing households the house number, and marking the flat let or withdrawn: interested
households are told, offers not sent yet are stopped. Every listing id in a button is
checked against the presser's carrier on each use; refusals are audited.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import datetime

from telegram import InlineKeyboardButton, Update
from telegram.ext import CommandHandler

from bot import delivery
from bot.context import BotApp, BotContext
from bot.features import MenuEntry, add_menu_entry
from bot.i18n import N_
from bot.limits import LISTINGS_PAGE_SIZE, SHORTLIST_PAGE_SIZE
from domain.access import Action, may
from domain.accounts import Role
from domain.listings import Listing, ListingStatus, Offer, Recipient, form_text
from domain.outbox import Topic
from domain.searches import Search
from handlers.common.guards import actor_of, answer_expired, log_refusal, record_action, requires
from handlers.common.routes import VIEWING_OF_LISTING, parsed
from handlers.common.search_summary import search_lines
from handlers.common.ui import Keyboard, fitting, menu_row, pager_row
from handlers.common.ui import show as show_screen
from handlers.listings import texts as listing_texts
from handlers.listings.routes import (
    LET_LISTING,
    LISTING_CARD,
    LISTINGS_PAGE,
    NEW_LISTING,
    PROPOSE_HOUSEHOLD,
    SHORTLIST_PAGE,
)
from storage import accounts, cases, consents, listings, outbox, searches
from storage.db import Db

STAFF = frozenset({Role.STAFF})


def staff_user_id(context: BotContext) -> int:
    assert context.account is not None  # checked by the guards: staff of a carrier
    return context.account.id


async def claimed_listing(
    update: Update, context: BotContext, action: Action, listing_id: int
) -> Listing | None:
    """The listing if the presser may do `action` to it: staff of its carrier, and for a
    draft the one typing it. Anything else is refused, audited and answered as expired."""
    actor = actor_of(update, context)
    listing = await listings.get_listing(context.db, listing_id)
    if listing is not None and may(actor, action, listing.carrier_id):
        typist = context.account.id if context.account else None
        if listing.status is not ListingStatus.DRAFT or listing.created_by == typist:
            return listing
    await log_refusal(update, context, actor, action)
    await answer_expired(update, context)
    return None


def offers_key(listing_id: int) -> str:
    """The dedupe key of the broadcast that sends a listing's offers."""
    return f"listing:{listing_id}"


def title(context: BotContext, listing: Listing, offer: Offer | None) -> str:
    number = context.i18n.number(listing.id)
    if offer is None:
        return context.t("Listing {number}: draft").format(number=number)
    # TRANSLATORS: {flat} is e.g. "2.5-room flat in Deutz".
    return context.t("Listing {number}: {flat}").format(
        number=number, flat=html.escape(listing_texts.headline(context.i18n, offer))
    )


# The listings and their cards ---------------------------------------------------------------


_STATUS_EMOJI = {
    ListingStatus.DRAFT: "📝",
    ListingStatus.PUBLISHED: "🟢",
    ListingStatus.LET: "✅",
    ListingStatus.WITHDRAWN: "⛔",
}


@requires(Action.WRITE_LISTING)
async def on_listings(update: Update, context: BotContext) -> None:
    await _show_listings(update, context, 0)


@requires(Action.WRITE_LISTING)
async def on_listings_page(update: Update, context: BotContext) -> None:
    await _show_listings(update, context, int(parsed(update).arg))


async def _show_listings(update: Update, context: BotContext, offset: int) -> None:
    actor = actor_of(update, context)
    assert actor.carrier_id is not None
    found = await listings.list_listings(
        context.db, actor.carrier_id, staff_user_id(context), offset, LISTINGS_PAGE_SIZE + 1
    )
    shown = found[:LISTINGS_PAGE_SIZE]
    t = context.t
    if not shown:
        text = t("Your carrier has no listings yet. Start one with /listing.")
        await show_screen(update, context, text, [[_new_button(context)], menu_row(context)])
        return
    rows: Keyboard = []
    for listing in shown:
        offer = await listing_texts.offer_for(context.db, context, listing)
        label = title(context, listing, offer)
        rows.append(
            [LISTING_CARD.button(f"{_STATUS_EMOJI[listing.status]} {label}", listing.id, "show")]
        )
    pager = pager_row(
        context,
        LISTINGS_PAGE,
        offset,
        LISTINGS_PAGE_SIZE,
        shown=len(shown),
        more=len(found) > len(shown),
    )
    text = t(
        "Your carrier's listings, newest first. 📝 draft, 🟢 published, ✅ let, ⛔ withdrawn."
    )
    await show_screen(
        update,
        context,
        text,
        [*rows, *([pager] if pager else []), [_new_button(context)], menu_row(context)],
    )


def _new_button(context: BotContext) -> InlineKeyboardButton:
    return NEW_LISTING.button("🆕 " + context.t("New listing"), "new")


async def _offers_sent(context: BotContext, listing: Listing, matched: int) -> str:
    """How many households the flat fitted when published, and where their offers stand:
    the counts of the broadcast's own status message, while the outbox keeps them."""
    i18n = context.i18n
    text = context.tn(
        "📣 It fitted {n} household when it was published.",
        "📣 It fitted {n} households when it was published.",
        matched,
    ).format(n=i18n.number(matched))
    progress = await outbox.progress_of(context.db, offers_key(listing.id))
    return f"{text}\n{delivery.progress_counts(i18n, progress)}" if progress else text


def _status_line(context: BotContext, listing: Listing) -> str:
    t, i18n = context.t, context.i18n

    def day(moment: datetime | None) -> str:
        return i18n.date(moment.astimezone(i18n.tz).date(), "medium") if moment else "—"

    return {
        ListingStatus.DRAFT: t("Draft: not published yet."),
        ListingStatus.PUBLISHED: t("Published on {date}; open for interest."),
        ListingStatus.LET: t("Let on {date}."),
        ListingStatus.WITHDRAWN: t("Withdrawn on {date}."),
    }[listing.status].format(date=day(listing.closed_at or listing.published_at))


async def card(update: Update, context: BotContext, listing: Listing, notes: list[str]) -> None:
    """A listing as its carrier's staff see it: everything, the landlord's contact included."""
    t, i18n = context.t, context.i18n
    offer = await listing_texts.offer_for(context.db, context, listing)
    parts = [
        *notes,
        "🏠 <b>" + title(context, listing, offer) + "</b>",
        _status_line(context, listing),
        "<pre>" + html.escape(form_text(listing)) + "</pre>",
    ]
    rows: Keyboard = []
    if listing.status is ListingStatus.DRAFT:
        rows.append([NEW_LISTING.button("✏️ " + t("Continue typing"), "new")])
    else:
        counts = await listings.count_answers(context.db, listing.id, listing.carrier_id)
        carrier = await accounts.get_carrier(context.db, listing.carrier_id)
        assert carrier is not None
        parts.append(await _offers_sent(context, listing, counts.sent_to))
        parts.append(
            t(
                "Interested: {interested}\n"
                "Of them sharing their case with {carrier}: {shared}\n"
                "Proposed to the landlord: {proposed}"
            ).format(
                interested=i18n.number(counts.interested),
                carrier=html.escape(carrier.name),
                shared=i18n.number(counts.shared),
                proposed=i18n.number(counts.proposed),
            )
        )
        parts.append(
            "📍 "
            + (
                t("Households see the house number.")
                if listing.address_released
                else t("Households see the street without the house number.")
            )
        )
        shortlist = t("Shortlist ({n})").format(n=i18n.number(counts.shared))
        rows.append([SHORTLIST_PAGE.button("👥 " + shortlist, listing.id, 0)])
    if listing.status is ListingStatus.PUBLISHED:
        if not listing.address_released:
            label = "📍 " + t("Show households the house number")
            rows.append([LISTING_CARD.button(label, listing.id, "release")])
        rows.append(
            [
                LET_LISTING.button("✅ " + t("Let"), listing.id, "ask"),
                LISTING_CARD.button("⛔ " + t("Withdraw"), listing.id, "withdraw"),
            ]
        )
    rows.append([LISTINGS_PAGE.button("« " + t("My listings"), 0), *menu_row(context)])
    await show_screen(update, context, "\n\n".join(parts), rows)


_CARD_ACTIONS = {
    "show": Action.WRITE_LISTING,
    "release": Action.RELEASE_ADDRESS,
    "withdraw": Action.CLOSE_LISTING,
    "withdrawyes": Action.CLOSE_LISTING,
}


async def on_card_button(update: Update, context: BotContext) -> None:
    listing_id, action = parsed(update).args
    listing = await claimed_listing(update, context, _CARD_ACTIONS[action], int(listing_id))
    if listing is None:
        return
    if action == "show":
        await card(update, context, listing, [])
    elif not await still_published(update, context, listing):
        return
    elif action == "release":
        await _release(update, context, listing)
    elif action == "withdraw":
        await _ask_withdraw(update, context, listing)
    else:
        async with context.db.transaction() as db:
            closed = await close_listing(db, context, listing, ListingStatus.WITHDRAWN)
        await card(update, context, closed or listing, [])


async def still_published(update: Update, context: BotContext, listing: Listing) -> bool:
    """A let or withdrawn listing's buttons (on an old card) show the card as it is now."""
    if listing.status is ListingStatus.PUBLISHED:
        return True
    await card(update, context, listing, [context.t("This listing is closed already.")])
    return False


async def _release(update: Update, context: BotContext, listing: Listing) -> None:
    released = replace(listing, address_released=True)
    async with context.db.transaction() as db:
        await listings.save_listing(db, released, context.now())
        await record_action(db, context, Action.RELEASE_ADDRESS, f"listing={listing.id}")
    note = context.t(
        "Done. Households who are interested see the full address when they open the offer."
    )
    await card(update, context, released, ["✓ " + note])


async def _ask_withdraw(update: Update, context: BotContext, listing: Listing) -> None:
    t = context.t
    counts = await listings.count_answers(context.db, listing.id, listing.carrier_id)
    question = context.tn(
        "Withdraw this flat? The {n} interested household is told that it is gone, and "
        "offers not sent yet are stopped.",
        "Withdraw this flat? The {n} interested households are told that it is gone, and "
        "offers not sent yet are stopped.",
        counts.interested,
    ).format(n=context.i18n.number(counts.interested))
    yes = LISTING_CARD.button("⛔ " + t("Yes, withdraw it"), listing.id, "withdrawyes")
    rows = [[yes], [LISTING_CARD.button("« " + t("Back"), listing.id, "show")]]
    await show_screen(update, context, question, rows)


async def close_listing(
    db: Db,
    context: BotContext,
    listing: Listing,
    status: ListingStatus,
    tenant: int | None = None,
) -> Listing | None:
    """Inside a transaction: the listing let or withdrawn, once (None if it was closed
    already). Unsent offers stop; the interested households hear that the flat is gone,
    except the `tenant` (users.id) it was let to."""
    now = context.now()
    fresh = await listings.get_listing(db, listing.id)
    offer = await listing_texts.offer_for(db, context, listing)
    if fresh is None or fresh.status is not ListingStatus.PUBLISHED or offer is None:
        return None
    fresh = replace(fresh, status=status, closed_at=now, asking_since=None)
    await listings.save_listing(db, fresh, now)
    await outbox.cancel_by_ref(db, f"listing:{listing.id}", now)
    for recipient in await listings.list_interested(db, listing.id):
        if recipient.user_id != tenant:
            await _tell(db, recipient.user_id, listing_texts.GONE, offer, now)
    await record_action(
        db, context, Action.CLOSE_LISTING, f"listing={listing.id} {status}", tenant
    )
    return fresh


async def _tell(db: Db, user_id: int, kind: str, offer: Offer, now: datetime) -> None:
    """One message about the listing to one household, at most once of each kind."""
    await outbox.enqueue_message(
        db,
        user_id=user_id,
        kind=kind,
        topic=Topic.LISTINGS,
        params=offer.to_params(),
        due_at=now,
        dedupe_key=f"listing:{offer.listing_id}:{kind}:{user_id}",
        now=now,
    )


# The shortlist ------------------------------------------------------------------------------


def _entry(context: BotContext, position: int, recipient: Recipient, search: Search | None) -> str:
    t, i18n = context.t, context.i18n
    assert recipient.answered_at is not None  # interested households answered
    lines = [
        # TRANSLATORS: {position} counts the shortlist; {case} is a case number like K7M2QX.
        t("{position}. Case <b>{case}</b>, interested since {date}").format(
            position=i18n.number(position),
            case=i18n.isolate(str(recipient.case_number)),
            date=i18n.datetime(recipient.answered_at, "short"),
        )
    ]
    lines += search_lines(context, search)
    if recipient.proposed_at is not None:
        lines.append(
            "✉ "
            + t("Proposed to the landlord on {date}.").format(
                date=i18n.date(recipient.proposed_at.astimezone(i18n.tz).date(), "medium")
            )
        )
    return "\n".join(lines)


async def on_shortlist(update: Update, context: BotContext) -> None:
    listing_id, offset = (int(arg) for arg in parsed(update).args)
    listing = await claimed_listing(update, context, Action.VIEW_SHORTLIST, listing_id)
    if listing is not None:
        await _shortlist(update, context, listing, offset, [])


async def _shortlist(
    update: Update, context: BotContext, listing: Listing, offset: int, notes: list[str]
) -> None:
    """Interested households that share their case with the carrier, in the order of their
    answers; each one shown is an audited read of their case."""
    t = context.t
    async with context.db.transaction() as db:
        found = await listings.list_shortlist(
            db, listing.id, listing.carrier_id, offset, SHORTLIST_PAGE_SIZE + 1
        )
        entries = [
            (r, await searches.find_search(db, r.user_id)) for r in found[:SHORTLIST_PAGE_SIZE]
        ]
        counts = await listings.count_answers(db, listing.id, listing.carrier_id)
        header = "\n\n".join(
            [
                *notes,
                "👥 <b>"
                + t("Shortlist of listing {number}").format(number=context.i18n.number(listing.id))
                + "</b>",
            ]
        )
        lines = fitting(
            header,
            [_entry(context, offset + n, r, s) for n, (r, s) in enumerate(entries, start=1)],
        )
        entries = entries[: len(lines)]
        for recipient, _ in entries:
            await record_action(
                db,
                context,
                Action.VIEW_SHORTLIST,
                f"listing={listing.id}",
                subject_user_id=recipient.user_id,
            )
        if not entries:
            await record_action(db, context, Action.VIEW_SHORTLIST, f"listing={listing.id}")
        ours = {r.user_id for r, _ in entries if await followed(db, r.user_id, listing)}
    hidden = counts.interested - counts.shared
    parts = [header, *lines] if lines else [header, t("No household on the shortlist yet.")]
    if hidden:
        parts.append(
            context.tn(
                "{n} more household is interested, but your carrier may not see its case.",
                "{n} more households are interested, but your carrier may not see their case.",
                hidden,
            ).format(n=context.i18n.number(hidden))
        )
    rows: Keyboard = []
    if listing.status is ListingStatus.PUBLISHED:
        rows += [_household_row(context, listing, r, r.user_id in ours) for r, _ in entries]
    pager = pager_row(
        context,
        SHORTLIST_PAGE,
        offset,
        SHORTLIST_PAGE_SIZE,
        shown=len(entries),
        more=len(found) > len(entries),
        before=(listing.id,),
    )
    rows += [pager] if pager else []
    rows.append(
        [
            LISTING_CARD.button("« " + t("Back to the listing"), listing.id, "show"),
            *menu_row(context),
        ]
    )
    await show_screen(update, context, "\n\n".join(parts), rows)


async def followed(db: Db, user_id: int, listing: Listing) -> bool:
    """Whether the listing's carrier follows the household's case (and may plan viewings)."""
    case = await cases.get_case(db, user_id)
    return case is not None and case.carrier_id == listing.carrier_id


def _household_row(
    context: BotContext, listing: Listing, recipient: Recipient, followed: bool
) -> list[InlineKeyboardButton]:
    """Propose the household to the landlord (once), and plan its viewing of the flat."""
    t, case = context.t, recipient.case_number
    row = []
    if recipient.proposed_at is None:
        label = "✉ " + t("Propose {case} to the landlord").format(case=case)
        row.append(PROPOSE_HOUSEHOLD.button(label, listing.id, recipient.user_id))
    if followed:
        label = "📅 " + t("Viewing for {case}").format(case=case)
        row.append(VIEWING_OF_LISTING.button(label, listing.id, recipient.user_id))
    return row


async def on_propose(update: Update, context: BotContext) -> None:
    """Staff propose an interested household to the landlord; it hears so in its language.
    Proposing twice sends nothing more."""
    listing_id, user_id = (int(arg) for arg in parsed(update).args)
    listing = await claimed_listing(update, context, Action.VIEW_SHORTLIST, listing_id)
    if listing is None:
        return
    actor, now = actor_of(update, context), context.now()
    async with context.db.transaction() as db:
        consented = await consents.has_consent(db, user_id, listing.carrier_id)
        allowed = may(actor, Action.PROPOSE_HOUSEHOLD, listing.carrier_id, consented=consented)
        offer = await listing_texts.offer_for(db, context, listing)
        proposed = (
            allowed
            and offer is not None
            and listing.status is ListingStatus.PUBLISHED
            and await listings.mark_proposed(db, listing.id, user_id, now)
        )
        if proposed and offer is not None:
            await _tell(db, user_id, listing_texts.PROPOSED, offer, now)
            await record_action(
                db,
                context,
                Action.PROPOSE_HOUSEHOLD,
                f"listing={listing.id}",
                subject_user_id=user_id,
            )
    if not allowed:
        # Consent withdrawn since the shortlist was shown: the household is not ours to see.
        await log_refusal(update, context, actor, Action.PROPOSE_HOUSEHOLD)
        await answer_expired(update, context)
        return
    note = (
        context.t("Proposed. The household gets a message in its language.")
        if proposed
        else context.t("This household was proposed already, or is no longer interested.")
    )
    await _shortlist(update, context, listing, 0, ["✓ " + note if proposed else note])


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("listings", on_listings))
    for route, callback in (
        (LISTINGS_PAGE, on_listings_page),
        (LISTING_CARD, on_card_button),
        (SHORTLIST_PAGE, on_shortlist),
        (PROPOSE_HOUSEHOLD, on_propose),
    ):
        app.add_handler(route.handler(callback))
    add_menu_entry(
        app, MenuEntry(N_("My listings"), "🏠", LISTINGS_PAGE.data("0"), STAFF, order=31)
    )
