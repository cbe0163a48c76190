"""How a flat offer reads, in any reader's language: for the outbox (rendered at send time),
for the household's own views and for the staff's preview, which is the very same text.

Only `Offer` values reach these functions (domain.listings.offer_of decides what households
may see), so the landlord's contact cannot end up in a household's message.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from telegram import InlineKeyboardButton

from bot.context import BotContext
from bot.i18n import Translator
from domain.listings import Answer, Listing, Offer, offer_of
from domain.outbox import Rendered
from handlers.common.ui import Keyboard, outbox_menu_row
from handlers.listings.routes import OFFER_ANSWER, OFFER_PHOTOS, SHOW_OFFER
from storage import accounts
from storage.db import Db

ButtonRows = tuple[tuple[tuple[str, str], ...], ...]
# Outbox kinds, each rendered by the function of the same name below.
OFFER = "listing"  # the offer to every matching household
GONE = "listing_gone"  # to interested households once the flat is let or withdrawn
PROPOSED = "listing_proposed"  # to a household staff proposed to the landlord


async def offer_for(db: Db, context: BotContext, listing: Listing) -> Offer | None:
    """What households see of the listing; None while it is an incomplete draft."""
    carrier = await accounts.get_carrier(db, listing.carrier_id)
    assert carrier is not None
    return offer_of(listing, context.bot_data.city, carrier.name)


def rooms(tr: Translator, offer: Offer) -> str:
    # 2.5 rooms reads "2½" in ads; Babel gives "2,5" or "2.5" as the reader expects.
    return tr.number(offer.rooms)


def headline(tr: Translator, offer: Offer) -> str:
    # TRANSLATORS: {rooms} is a number such as 2.5; {quarter} a quarter of Köln, e.g. Deutz.
    return tr.gettext("{rooms}-room flat in {quarter}").format(
        rooms=rooms(tr, offer), quarter=tr.isolate(offer.quarter)
    )


def short_description(tr: Translator, offer: Offer) -> str:
    # TRANSLATORS: {flat} is e.g. "2.5-room flat in Deutz"; {rent} an amount in euros.
    return tr.gettext("{flat}, {rent} gross cold rent").format(
        flat=headline(tr, offer), rent=tr.money(offer.rent)
    )


def _address(tr: Translator, offer: Offer) -> str:
    place = tr.isolate(f"{offer.quarter} ({offer.district})")
    if offer.house_number is None:
        # TRANSLATORS: {street} is a street name without house number, {place} e.g.
        # "Deutz (Innenstadt)".
        return tr.gettext(
            "📍 {street}, {place}. You get the house number when you are invited to a viewing."
        ).format(street=tr.isolate(html.escape(offer.street)), place=place)
    return tr.gettext("📍 {address}, {place}").format(
        address=tr.isolate(html.escape(f"{offer.street} {offer.house_number}")), place=place
    )


def offer_text(tr: Translator, offer: Offer) -> str:
    """The whole offer; every line a sentence of its own, values formatted for the reader."""
    t = tr.gettext
    lines = [
        "🏠 <b>" + html.escape(headline(tr, offer)) + "</b>",
        t("Offered through {carrier}, a carrier of the move-out programme.").format(
            carrier=tr.isolate(html.escape(offer.carrier))
        ),
        "",
        _address(tr, offer),
        "🛏 "
        + t("{rooms} rooms, {area} m² living space").format(
            rooms=rooms(tr, offer), area=tr.number(offer.area_m2)
        ),
        "💶 "
        + t("Gross cold rent (Bruttokaltmiete): {rent} a month").format(rent=tr.money(offer.rent)),
        "🔥 " + t("Heating costs: {heating} a month").format(heating=tr.money(offer.heating)),
        "🔑 " + t("Deposit (Kaution): {deposit}").format(deposit=tr.money(offer.deposit)),
        "📅 " + t("Free from {date}").format(date=tr.date(offer.available_from, "long")),
        "🪪 "
        + (
            t(
                "Only with a WBS (Wohnberechtigungsschein: the city's permit to rent a "
                "subsidised flat)."
            )
            if offer.wbs_required
            else t("No WBS (Wohnberechtigungsschein) needed.")
        ),
        ("♿ " + t("Without steps.")) if offer.step_free else ("🪜 " + t("There are steps.")),
    ]
    if offer.note:
        lines += [
            "",
            "📝 " + t("Note from the landlord, in German:"),
            # Each line isolated on its own: a line break ends a bidi isolate.
            "<i>"
            + "\n".join(tr.isolate(html.escape(line)) for line in offer.note.splitlines())
            + "</i>",
        ]
    if offer.photos:
        lines += [""] if offer.note else []
        lines.append(
            "📷 "
            + tr.ngettext(
                "{n} photo: tap “Photos” to see it.", "{n} photos: tap “Photos” to see them.",
                offer.photos,
            ).format(n=tr.number(offer.photos))
        )  # fmt: skip
    return "\n".join(lines)


def answer_buttons(tr: Translator, offer: Offer, answer: Answer | None) -> ButtonRows:
    """“I'm interested” and “Not for me”, the chosen one ticked, then the photos."""
    interested = ("✅ " if answer is Answer.INTERESTED else "👍 ") + tr.gettext("I'm interested")
    declined = ("✅ " if answer is Answer.DECLINED else "👎 ") + tr.gettext("Not for me")
    rows: list[tuple[tuple[str, str], ...]] = [
        (
            (interested, OFFER_ANSWER.data(offer.listing_id, "yes")),
            (declined, OFFER_ANSWER.data(offer.listing_id, "no")),
        )
    ]
    if offer.photos:
        label = "📷 " + tr.gettext("Photos ({n})").format(n=tr.number(offer.photos))
        rows.append(((label, OFFER_PHOTOS.data(offer.listing_id)),))
    return tuple(rows)


def keyboard(rows: ButtonRows) -> Keyboard:
    return [
        [InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows
    ]


# Outbox renderers: params are Offer.to_params(); the text is made at send time.


def render_offer(params: Mapping[str, Any], tr: Translator) -> Rendered:
    offer = Offer.from_params(params)
    intro = tr.gettext("A flat that fits your housing search:")
    question = tr.gettext(
        "Would you like it? Tap “I'm interested”: the carrier then sees that you want it. "
        "It is not yet a commitment."
    )
    text = f"{intro}\n\n{offer_text(tr, offer)}\n\n{question}"
    return Rendered(text, answer_buttons(tr, offer, None))


def render_gone(params: Mapping[str, Any], tr: Translator) -> Rendered:
    offer = Offer.from_params(params)
    text = tr.gettext(
        "The {flat} that you were interested in is no longer available. We keep looking: "
        "you get every new offer that fits your housing search."
    ).format(flat=html.escape(short_description(tr, offer)))
    return Rendered(text, (outbox_menu_row(tr),))


def render_proposed(params: Mapping[str, Any], tr: Translator) -> Rendered:
    offer = Offer.from_params(params)
    text = "\n\n".join(
        (
            tr.gettext(
                "Good news: {carrier} has proposed you to the landlord of the {flat}."
            ).format(
                carrier=tr.isolate(html.escape(offer.carrier)),
                flat=html.escape(short_description(tr, offer)),
            ),
            tr.gettext(
                "Staff of {carrier} will contact you about a viewing. Please keep your "
                "documents ready and answer calls from unknown numbers in the next days."
            ).format(carrier=tr.isolate(html.escape(offer.carrier))),
        )
    )
    view = "🏠 " + tr.gettext("Show the flat")
    return Rendered(text, (((view, SHOW_OFFER.data(offer.listing_id)),),))
