"""Flat offers as households get them: “I'm interested” / “Not for me”, the photos, and the
flats a household said it is interested in (main menu).

An offer's buttons are valid only for the households the listing was sent to; a listing that
was let or withdrawn meanwhile, or an interest without an active housing search, get a clear
answer and change nothing. Only households that share their case with the listing's carrier
reach its shortlist, so an interested household that does not is told, and can share it here.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, InputMediaPhoto, Update
from telegram.error import BadRequest

from bot import delivery
from bot.context import BotApp, BotContext
from bot.features import MenuEntry, add_menu_entry
from bot.i18n import N_
from bot.limits import LISTINGS_PAGE_SIZE
from domain.accounts import Account, Role
from domain.listings import Answer, Listing, ListingStatus, Offer, Recipient
from domain.searches import SearchStatus
from handlers.common.guards import answer_expired
from handlers.common.main_menu import is_registered
from handlers.common.routes import MAIN_MENU, parsed
from handlers.common.ui import Keyboard, menu_row, pager_row, show
from handlers.listings import texts as listing_texts
from handlers.listings.routes import (
    MY_OFFERS_PAGE,
    OFFER_ANSWER,
    OFFER_PHOTOS,
    SHARE_SEARCH,
    SHOW_OFFER,
)
from storage import accounts, consents, listings, searches

SEEKERS = frozenset({Role.SEEKER})


def _household(context: BotContext) -> Account | None:
    account = context.account
    if account is None or not is_registered(account) or account.role is not Role.SEEKER:
        return None
    return account


async def _claim(update: Update, context: BotContext) -> tuple[Listing, Recipient] | None:
    """The listing of the pressed button and the presser's place among its recipients; None
    (answered as expired) when the listing was not sent to them."""
    account = _household(context)
    listing_id = int(parsed(update).arg)
    listing = await listings.get_listing(context.db, listing_id)
    recipient = (
        await listings.get_recipient(context.db, listing_id, account.id)
        if account is not None and listing is not None
        else None
    )
    if listing is None or recipient is None:
        await answer_expired(update, context)
        return None
    return listing, recipient


def _status_note(
    context: BotContext, listing: Listing, offer: Offer, answer: Answer | None, shared: bool
) -> str:
    t = context.t
    if listing.status is not ListingStatus.PUBLISHED:
        return "⛔ " + t("This flat is no longer available.")
    if answer is Answer.DECLINED:
        return t("Noted: this flat is not for you. You can change your mind while it is offered.")
    if answer is None:
        return t("Would you like it? Tap “I'm interested”.")
    carrier = context.i18n.isolate(html.escape(offer.carrier))
    if shared:
        return "✅ " + t(
            "You are interested. {carrier} sees this and contacts you if the landlord would "
            "like to meet you."
        ).format(carrier=carrier)
    return "✅ " + t(
        "You are interested. But {carrier} offers this flat and cannot see your case yet, so "
        "they cannot contact you about it. Tap “Share my case with {carrier}” to let them."
    ).format(carrier=carrier)


async def _show_offer(
    update: Update, context: BotContext, listing: Listing, answer: Answer | None, note: str = ""
) -> None:
    """The offer in the household's language now, where it stands, and the buttons."""
    assert context.account is not None
    offer = await listing_texts.offer_for(context.db, context, listing)
    assert offer is not None  # published listings are complete
    shared = await consents.has_consent(context.db, context.account.id, listing.carrier_id)
    status = _status_note(context, listing, offer, answer, shared)
    text = "\n\n".join(
        part for part in (note, listing_texts.offer_text(context.i18n, offer), status) if part
    )
    rows: Keyboard = []
    if listing.status is ListingStatus.PUBLISHED:
        rows = listing_texts.keyboard(listing_texts.answer_buttons(context.i18n, offer, answer))
        if answer is Answer.INTERESTED and not shared:
            label = context.t("Share my case with {carrier}").format(carrier=offer.carrier)
            rows.append([SHARE_SEARCH.button("🤝 " + label, listing.id)])
    elif offer.photos:
        rows = [[OFFER_PHOTOS.button("📷 " + context.t("Photos"), listing.id)]]
    await show(update, context, text, [*rows, menu_row(context)])


async def _reply_below(update: Update, context: BotContext, text: str, rows: Keyboard) -> None:
    """A new message under the offer, which stays as it is."""
    assert update.callback_query is not None and update.effective_chat is not None
    await update.callback_query.answer()
    await context.bot.send_message(
        update.effective_chat.id, text, reply_markup=InlineKeyboardMarkup(rows)
    )


async def on_answer(update: Update, context: BotContext) -> None:
    claim = await _claim(update, context)
    if claim is None:
        return
    listing, recipient = claim
    assert update.callback_query is not None and context.account is not None
    if listing.status is not ListingStatus.PUBLISHED:
        text = context.t("This flat is no longer available.")
        await update.callback_query.answer(text, show_alert=True)
        return
    answer = Answer.INTERESTED if parsed(update).args[1] == "yes" else Answer.DECLINED
    if answer is Answer.INTERESTED:
        search = await searches.find_search(context.db, context.account.id)
        if search is None or search.status is not SearchStatus.ACTIVE:
            text = context.t(
                "To say you are interested in a flat, you need an active housing search. "
                "Register it, or resume it if you paused it, in “My housing search”."
            )
            rows = [
                [MAIN_MENU.button("🔎 " + context.t("My housing search"), "mysearch")],
                menu_row(context),
            ]
            await _reply_below(update, context, text, rows)
            return
    async with context.db.transaction() as db:
        await listings.save_answer(db, listing.id, recipient.user_id, answer, context.now())
    await _show_offer(update, context, listing, answer)


async def on_share(update: Update, context: BotContext) -> None:
    """The household lets the listing's carrier see its case, from the offer itself."""
    claim = await _claim(update, context)
    if claim is None or claim[1].answer is not Answer.INTERESTED:
        if claim is not None:
            await answer_expired(update, context)
        return
    listing, recipient = claim
    async with context.db.transaction() as db:
        await consents.grant_consent(db, recipient.user_id, listing.carrier_id, context.now())
    carrier = await accounts.get_carrier(context.db, listing.carrier_id)
    assert carrier is not None
    note = "✓ " + context.t(
        "Thank you. {carrier} can now see your case and contact you. You can withdraw this at "
        "any time with /privacy."
    ).format(carrier=context.i18n.isolate(carrier.name))
    await _show_offer(update, context, listing, recipient.answer, note)


async def on_view(update: Update, context: BotContext) -> None:
    claim = await _claim(update, context)
    if claim is not None:
        await _show_offer(update, context, claim[0], claim[1].answer)


async def _may_see_photos(context: BotContext, listing: Listing) -> bool:
    """The households it was sent to, and its carrier's staff."""
    account = context.account
    if account is None or not listing.photos:
        return False
    if account.is_staff and account.carrier_id == listing.carrier_id:
        return True
    return await listings.get_recipient(context.db, listing.id, account.id) is not None


async def on_photos(update: Update, context: BotContext) -> None:
    """The photos as one album, sent by their Telegram file ids."""
    listing = await listings.get_listing(context.db, int(parsed(update).arg))
    if listing is None or not await _may_see_photos(context, listing):
        await answer_expired(update, context)
        return
    assert update.callback_query is not None and update.effective_chat is not None
    await update.callback_query.answer()
    offer = await listing_texts.offer_for(context.db, context, listing)
    caption = listing_texts.headline(context.i18n, offer) if offer else None
    album = [
        InputMediaPhoto(file_id, caption=caption if n == 0 else None)
        for n, file_id in enumerate(listing.photos)
    ]
    try:
        await context.bot.send_media_group(update.effective_chat.id, album)
    except BadRequest:  # a file id Telegram no longer knows
        text = context.t("The photos cannot be shown right now. Please ask your carrier.")
        await context.bot.send_message(update.effective_chat.id, text)


async def on_my_offers(update: Update, context: BotContext) -> None:
    account = _household(context)
    if account is None:
        await answer_expired(update, context)
        return
    t, offset = context.t, int(parsed(update).arg)
    found = await listings.list_interesting(context.db, account.id, offset, LISTINGS_PAGE_SIZE + 1)
    shown = found[:LISTINGS_PAGE_SIZE]
    if not shown:
        text = t(
            "You have not said yet that you are interested in a flat. When a flat fits your "
            "housing search, you get a message with the button “I'm interested”."
        )
        await show(update, context, text, [menu_row(context)])
        return
    rows: Keyboard = []
    for listing in shown:
        offer = await listing_texts.offer_for(context.db, context, listing)
        assert offer is not None
        mark = "🟢" if listing.status is ListingStatus.PUBLISHED else "⛔"
        label = f"{mark} {listing_texts.short_description(context.i18n, offer)}"
        rows.append([SHOW_OFFER.button(label, listing.id)])
    pager = pager_row(
        context,
        MY_OFFERS_PAGE,
        offset,
        LISTINGS_PAGE_SIZE,
        shown=len(shown),
        more=len(found) > len(shown),
    )
    text = t(
        "The flats you are interested in, the latest first. 🟢 still offered, ⛔ no longer "
        "available. Tap one to see it."
    )
    await show(update, context, text, [*rows, *([pager] if pager else []), menu_row(context)])


def register(app: BotApp) -> None:
    delivery.register_renderer(app, listing_texts.OFFER, listing_texts.render_offer)
    delivery.register_renderer(app, listing_texts.GONE, listing_texts.render_gone, essential=True)
    delivery.register_renderer(
        app, listing_texts.PROPOSED, listing_texts.render_proposed, essential=True
    )
    for route, callback in (
        (OFFER_ANSWER, on_answer),
        (SHARE_SEARCH, on_share),
        (SHOW_OFFER, on_view),
        (OFFER_PHOTOS, on_photos),
        (MY_OFFERS_PAGE, on_my_offers),
    ):
        app.add_handler(route.handler(callback))
    entry = MenuEntry(
        N_("Flats I'm interested in"), "🏠", MY_OFFERS_PAGE.data("0"), SEEKERS, order=20
    )
    add_menu_entry(app, entry)
