"""/listing: staff of a carrier type a flat offered by a landlord and publish it.

The flat is typed as a compact form (one `Key: value` line per item, see domain/listings.py),
photos optional. Staff then see the offer exactly as households will get it (the outbox's own
renderer, in any language) and how many active searches it fits, and publish it: one outbox
message per matching household, once. What follows is in handlers/listings/cards.py.

The draft and its open question live in the listings table, so a restart or a day away
continues where staff stopped; typed lines and photos reach it through handlers/text_input.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import replace
from datetime import date, datetime

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from bot.features import MenuEntry, TextFlow, add_flow, add_menu_entry
from bot.i18n import N_
from bot.limits import MAX_LISTING_PHOTOS
from domain.access import Action
from domain.accounts import Role
from domain.listings import (
    FORM_KEYS,
    MAX_CONTACT,
    MAX_NOTE,
    MAX_STREET,
    FormError,
    FormProblem,
    Item,
    Listing,
    ListingStatus,
    form_text,
    is_complete,
    missing_items,
    read_form,
)
from domain.locales import language_name, native_name, picker_order
from domain.matching import MOVE_IN_WAIT, Candidate, Matcher, Mismatch, exclusions
from domain.outbox import Topic
from handlers.common.guards import actor_of, record_action, requires
from handlers.common.main_menu import show_main_menu
from handlers.common.routes import parsed
from handlers.common.ui import Keyboard, menu_row
from handlers.common.ui import show as show_screen
from handlers.listings import cards as listing_cards
from handlers.listings import texts as listing_texts
from handlers.listings.routes import LISTING_DRAFT, LISTING_PREVIEW, NEW_LISTING
from storage import listings, outbox, rent_limits, searches

STAFF = frozenset({Role.STAFF})


def _today(context: BotContext) -> date:
    return context.now().astimezone(context.settings.tz).date()


async def _matching_households(context: BotContext, listing: Listing) -> list[Candidate]:
    """SQL narrows the active searches down with the rules' coarse part; the rules decide."""
    db = context.db
    tables = await rent_limits.list_rent_limit_tables(db)
    matcher = Matcher(listing, context.bot_data.city, tables)
    return await searches.match_candidates(db.reader, matcher.prefilter(), matcher.fits)


async def _exclusions(context: BotContext, listing: Listing) -> Counter[Mismatch]:
    """Why the active searches the flat does not fit are excluded (domain.matching)."""
    active = await searches.active_candidates(context.db.reader)
    tables = await rent_limits.list_rent_limit_tables(context.db)
    return exclusions(listing, active, context.bot_data.city, tables)


_EXCLUDED_BY = {
    Mismatch.PLACE: N_("district or quarter"),
    Mismatch.ROOMS: N_("too few rooms for the household"),
    Mismatch.TOO_SMALL: N_("too small for the household"),
    Mismatch.TOO_LARGE: N_("larger than the KdU limit allows for the household"),
    Mismatch.BUDGET: N_("rent above the household's budget"),
    Mismatch.RENT_LIMIT: N_("rent above the KdU limit"),
    Mismatch.WBS: N_("needs a WBS the household does not have"),
    Mismatch.STEPS: N_("not step-free"),
    Mismatch.MOVE_IN: N_("move-in date more than {days} days after “Frei ab”"),
    Mismatch.INCOMPLETE: N_("search not complete"),
}


def _exclusion_lines(context: BotContext, excluded: Counter[Mismatch]) -> str:
    """One line per rule that excluded searches, in the order the rules are checked."""
    if not excluded:
        return ""
    i18n = context.i18n
    days = i18n.number(MOVE_IN_WAIT.days)
    lines = [
        # TRANSLATORS: {rule} is e.g. "district or quarter"; {n} a number of searches.
        context.t("• {rule}: {n}").format(
            rule=context.t(_EXCLUDED_BY[rule]).format(days=days), n=i18n.number(excluded[rule])
        )
        for rule in Mismatch
        if excluded[rule] and rule in _EXCLUDED_BY
    ]
    head = context.t("Active searches it does not fit, by the first rule each one fails:")
    return "\n".join((head, *lines))


# The draft ----------------------------------------------------------------------------------


def _too_long_limit(item: Item | None) -> int:
    return {Item.ADDRESS: MAX_STREET, Item.CONTACT: MAX_CONTACT}.get(item or Item.NOTE, MAX_NOTE)


def problem_text(context: BotContext, error: FormError) -> str:
    """What is wrong with one line of the form, quoting the line."""
    t = context.t
    messages = {
        FormProblem.NO_FORM: t(
            "I found no line of the form. Write one item a line, for example “Zimmer: 2,5”."
        ),
        FormProblem.UNKNOWN_KEY: t("I do not know this item. Please use the names in the form."),
        FormProblem.NOT_A_NUMBER: t("I could not read a number here."),
        FormProblem.TOO_SMALL: t("This number is too small."),
        FormProblem.TOO_LARGE: t("This number is too large. Please check it."),
        FormProblem.WARM_RENT: t(
            "This looks like the warm rent. Please write the gross cold rent "
            "(Bruttokaltmiete): rent and service costs without heating. The heating costs "
            "go on their own line (Heizkosten)."
        ),
        FormProblem.NOT_HALF_ROOMS: t("Rooms go in steps of a half, for example 2 or 2,5."),
        FormProblem.NOT_A_DATE: t(
            "I could not read a date. Write it like 1.3.2027, or “sofort” if the flat is free."
        ),
        FormProblem.IN_THE_PAST: t(
            "This date has passed. Write “sofort” if the flat is free now."
        ),
        FormProblem.TOO_FAR: t("This is more than two years ahead. Please check the date."),
        FormProblem.NOT_YES_NO: t("Please write ja or nein."),
        FormProblem.UNKNOWN_QUARTER: t("I do not know this quarter (Stadtteil) of Köln."),
        FormProblem.NOT_ONE_QUARTER: t(
            "Please name one quarter (Stadtteil), not a district, for example Deutz."
        ),
        FormProblem.NO_HOUSE_NUMBER: t(
            "Please write the street and the house number, for example Deutz-Mülheimer Str. 12."
        ),
        FormProblem.TOO_LONG: t("This is too long. Please shorten it to {max} characters."),
    }
    problem = messages[error.problem].format(max=context.i18n.number(_too_long_limit(error.item)))
    if error.problem is FormProblem.NO_FORM:
        return "⚠️ " + problem
    line = error.text if len(error.text) <= 60 else error.text[:59] + "…"
    # TRANSLATORS: {line} is a line of the listing form as staff typed it; {problem} says
    # what is wrong with it.
    return "⚠️ " + t("“{line}”: {problem}").format(
        line=context.i18n.isolate(html.escape(line)), problem=problem
    )


def _form_intro(context: BotContext) -> str:
    t = context.t
    return "\n\n".join(
        (
            t(
                "Write down the flat as the landlord offers it: copy the form below, fill it "
                "in and send it back as one message. You can also send only some lines and "
                "the rest later."
            ),
            t(
                "Amounts in euros. Rent means the gross cold rent (Bruttokaltmiete): rent and "
                "service costs without heating. Frei ab: a date like 1.3.2027, or “sofort”. "
                "WBS and Stufenlos: ja or nein. Notiz: anything else, in German; households "
                "see it as the landlord's note."
            ),
            t(
                "Households never see the landlord's contact, and they see the street without "
                "the house number until you show it to them."
            ),
        )
    )


async def _form_screen(
    update: Update, context: BotContext, listing: Listing, notes: list[str]
) -> None:
    t = context.t
    parts = [*notes, "📝 <b>" + listing_cards.title(context, listing, None) + "</b>"]
    missing = missing_items(listing)
    if len(missing) == len(Item) - 1:  # nothing typed yet
        parts.append(_form_intro(context))
    else:
        parts.append(
            t("Send the lines to add or change, or copy the whole form, change it and send it.")
        )
    parts.append("<pre>" + html.escape(form_text(listing)) + "</pre>")
    if missing:
        keys = context.i18n.join([FORM_KEYS[item][0] for item in missing])
        parts.append(t("Still missing: {items}").format(items=keys))
    await show_screen(update, context, "\n\n".join(parts), _draft_rows(context, listing))


def _draft_rows(context: BotContext, listing: Listing) -> Keyboard:
    t = context.t
    rows: Keyboard = []
    if is_complete(listing):
        rows.append([LISTING_PREVIEW.button("👁 " + t("Preview"), listing.id, context.i18n.locale)])
    photos = t("Photos ({n})").format(n=context.i18n.number(len(listing.photos)))
    rows.append(
        [
            LISTING_DRAFT.button("📷 " + photos, listing.id, "photos"),
            LISTING_DRAFT.button("🗑 " + t("Discard"), listing.id, "discard"),
        ]
    )
    return [*rows, menu_row(context)]


async def _preview_screen(
    update: Update, context: BotContext, listing: Listing, locale: str, notes: list[str]
) -> None:
    """The offer as households will get it, rendered by the outbox's own renderer."""
    t, i18n = context.t, context.i18n
    offer = await listing_texts.offer_for(context.db, context, listing)
    assert offer is not None  # only complete drafts are previewed
    matched = len(await _matching_households(context, listing))
    excluded = _exclusion_lines(context, await _exclusions(context, listing))
    rendered = listing_texts.render_offer(offer.to_params(), context.bot_data.catalogs.get(locale))
    labels = [label for row in rendered.buttons for label, _ in row]
    heading = t("Households get the offer like this, each in their language ({language} here):")
    hidden = t(
        "Households do not see the landlord's contact, nor the house number until you show it "
        "to them."
    )
    fits = context.tn(
        "It fits {n} active housing search now.",
        "It fits {n} active housing searches now.",
        matched,
    )
    change = t("To change something, send its line again, for example {example}.")
    parts = [
        *notes,
        "👁 <b>"
        + t("Preview")
        + "</b> "
        + heading.format(language=language_name(locale, i18n.locale)),
        f"<blockquote>{rendered.text}</blockquote>",
        t("With the buttons {buttons}.").format(buttons=i18n.join(labels)),
        "🔒 " + hidden,
        "🎯 " + fits.format(n=i18n.number(matched)),
        *([excluded] if excluded else []),
        change.format(example="<code>Kaltmiete: 760</code>"),
    ]
    publish = context.tn(
        "Publish: {n} household gets it", "Publish: {n} households get it", matched
    ).format(n=i18n.number(matched))
    languages = [
        LISTING_PREVIEW.button(native_name(code), listing.id, code) for code in picker_order()
    ]
    photos = t("Photos ({n})").format(n=i18n.number(len(listing.photos)))
    rows = [
        [LISTING_DRAFT.button("📣 " + publish, listing.id, "publish")],
        [
            LISTING_DRAFT.button("✏️ " + t("Show the form"), listing.id, "form"),
            LISTING_DRAFT.button("📷 " + photos, listing.id, "photos"),
        ],
        *(languages[i : i + 3] for i in range(0, len(languages), 3)),
        [LISTING_DRAFT.button("🗑 " + t("Discard"), listing.id, "discard"), *menu_row(context)],
    ]
    await show_screen(update, context, "\n\n".join(parts), rows)


async def _draft_screen(
    update: Update, context: BotContext, listing: Listing, notes: list[str]
) -> None:
    if is_complete(listing):
        await _preview_screen(update, context, listing, context.i18n.locale, notes)
    else:
        await _form_screen(update, context, listing, notes)


def _photos_screen_text(context: BotContext, listing: Listing) -> str:
    return context.t(
        "Send photos of the flat now, one or several at a time, at most {max}. Only the flat: "
        "no people, no papers. Saved so far: {n}."
    ).format(
        max=context.i18n.number(MAX_LISTING_PHOTOS), n=context.i18n.number(len(listing.photos))
    )


def _photos_rows(context: BotContext, listing: Listing) -> Keyboard:
    t = context.t
    done = (
        LISTING_PREVIEW.button("✓ " + t("Done"), listing.id, context.i18n.locale)
        if is_complete(listing)
        else LISTING_DRAFT.button("✓ " + t("Done"), listing.id, "form")
    )
    rows = [[done]]
    if listing.photos:
        rows.append([LISTING_DRAFT.button("🗑 " + t("Remove all photos"), listing.id, "nophotos")])
    return [*rows, menu_row(context)]


@requires(Action.WRITE_LISTING)
async def on_listing(update: Update, context: BotContext) -> None:
    """/listing and the menu button: a new draft, or the one being typed."""
    actor, now = actor_of(update, context), context.now()
    assert actor.carrier_id is not None
    async with context.db.transaction() as db:
        draft = await listings.create_draft(
            db, actor.carrier_id, listing_cards.staff_user_id(context), now
        )
        draft = replace(draft, asking_since=now)  # typed lines go to it from now on
        await listings.save_listing(db, draft, now)
    await _draft_screen(update, context, draft, [])


async def _open_draft(context: BotContext) -> Listing | None:
    account = context.account
    if account is None or not account.is_staff:
        return None
    draft = await listings.find_draft(context.db, account.id)
    return draft if draft is not None and draft.carrier_id == account.carrier_id else None


async def _waiting_since(context: BotContext) -> datetime | None:
    draft = await _open_draft(context)
    return draft.asking_since if draft is not None else None


async def on_form(update: Update, context: BotContext) -> None:
    """Typed lines of the form while the draft waits for them."""
    assert update.message is not None and update.message.text is not None
    now = context.now()
    async with context.db.transaction() as db:
        draft = await _open_draft(context)
        if draft is None:  # published or discarded meanwhile, on another device
            reading = None
        else:
            reading = read_form(draft, update.message.text, context.bot_data.city, _today(context))
            if reading.listing != draft:
                await listings.save_listing(db, reading.listing, now)
    if reading is None:
        await show_main_menu(update, context)
        return
    notes = [problem_text(context, error) for error in reading.errors]
    if notes and reading.read:
        notes.append(context.t("The other lines are saved."))
    elif reading.read:
        notes.append("✓ " + context.t("Saved."))
    await _draft_screen(update, context, reading.listing, notes)


async def on_photo(update: Update, context: BotContext) -> None:
    """A photo (or anything not text) while the draft waits: photos of the flat are kept as
    Telegram file ids; anything else is explained."""
    message = update.message
    assert message is not None
    draft = await _open_draft(context)
    if draft is None:
        await show_main_menu(update, context)
        return
    if not message.photo:
        note = context.t(
            "I can read the form as text, and photos of the flat. Please send pictures as "
            "photos, not as files."
        )
        await show_screen(update, context, note, _photos_rows(context, draft))
        return
    now = context.now()
    async with context.db.transaction() as db:
        fresh = await listings.find_draft(db, draft.created_by or 0)
        full = fresh is None or len(fresh.photos) >= MAX_LISTING_PHOTOS
        if fresh is not None and not full:
            fresh = replace(fresh, photos=(*fresh.photos, message.photo[-1].file_id))
            await listings.save_listing(db, fresh, now)
    if fresh is None:
        await show_main_menu(update, context)
        return
    if full:
        note = context.t("A listing has at most {max} photos. This one was not added.").format(
            max=context.i18n.number(MAX_LISTING_PHOTOS)
        )
    else:
        note = "✓ " + context.t("Photo saved.")
    text = f"{note}\n\n{_photos_screen_text(context, fresh)}"
    await show_screen(update, context, text, _photos_rows(context, fresh))


async def on_cancel(update: Update, context: BotContext) -> None:
    draft = await _open_draft(context)
    if draft is not None:
        async with context.db.transaction() as db:
            await listings.save_listing(db, replace(draft, asking_since=None), context.now())
    text = context.t("Stopped. Your draft is kept: continue it with /listing.")
    await show_main_menu(update, context, text)


async def _listening(context: BotContext, draft: Listing) -> Listing:
    """The draft, waiting for typed lines and photos again (after /cancel, say): its screens
    all invite them."""
    if draft.asking_since is not None:
        return draft
    listening = replace(draft, asking_since=context.now())
    async with context.db.transaction() as db:
        await listings.save_listing(db, listening, context.now())
    return listening


async def on_draft_button(update: Update, context: BotContext) -> None:
    listing_id, action = parsed(update).args
    wanted = Action.PUBLISH_LISTING if action == "publish" else Action.WRITE_LISTING
    listing = await listing_cards.claimed_listing(update, context, wanted, int(listing_id))
    if listing is None:
        return
    if listing.status is not ListingStatus.DRAFT:
        note = context.t("This listing is published already. Nothing was sent again.")
        await listing_cards.card(update, context, listing, [note])
        return
    if action in ("form", "photos", "nophotos"):
        listing = await _listening(context, listing)
    if action == "publish":
        await _publish(update, context, listing)
    elif action == "form":
        await _form_screen(update, context, listing, [])
    elif action == "photos":
        await show_screen(
            update, context, _photos_screen_text(context, listing), _photos_rows(context, listing)
        )
    elif action == "nophotos":
        async with context.db.transaction() as db:
            listing = replace(listing, photos=())
            await listings.save_listing(db, listing, context.now())
        await _draft_screen(update, context, listing, ["✓ " + context.t("Photos removed.")])
    elif action == "discard":
        text = context.t("Discard this draft? Nothing has been sent to anyone.")
        rows = [
            [LISTING_DRAFT.button("🗑 " + context.t("Yes, discard it"), listing.id, "drop")],
            [LISTING_DRAFT.button("« " + context.t("Back"), listing.id, "form")],
        ]
        await show_screen(update, context, text, rows)
    else:  # drop
        async with context.db.transaction() as db:
            await listings.delete_draft(db, listing.id)
        await show_main_menu(update, context, context.t("The draft is discarded."))


async def on_preview_language(update: Update, context: BotContext) -> None:
    listing_id, locale = parsed(update).args
    listing = await listing_cards.claimed_listing(
        update, context, Action.WRITE_LISTING, int(listing_id)
    )
    if listing is None:
        return
    if listing.status is not ListingStatus.DRAFT or not is_complete(listing):
        await listing_cards.card(update, context, listing, [])
        return
    await _preview_screen(update, context, await _listening(context, listing), locale, [])


async def _publish(update: Update, context: BotContext, listing: Listing) -> None:
    """Sends the offer to every matching household once: the listing leaves the draft state
    in the same transaction that queues the broadcast (whose key is listing:<id>)."""
    if not is_complete(listing):
        await _form_screen(update, context, listing, [])
        return
    now = context.now()
    offer = await listing_texts.offer_for(context.db, context, listing)
    assert offer is not None  # complete
    matched = [search.user_id for search in await _matching_households(context, listing)]
    published = replace(
        listing, status=ListingStatus.PUBLISHED, published_at=now, asking_since=None
    )
    async with context.db.transaction() as db:
        fresh = await listings.get_listing(db, listing.id)
        changed = fresh != listing  # published meanwhile, or changed on another device
        if not changed:
            await listings.save_listing(db, published, now)
            await listings.add_recipients(db, listing.id, matched)
            if matched:
                await outbox.enqueue_broadcast(
                    db,
                    dedupe_key=listing_cards.offers_key(listing.id),
                    started_by=listing_cards.staff_user_id(context),
                    kind=listing_texts.OFFER,
                    topic=Topic.LISTINGS,
                    params=offer.to_params(),
                    recipients=matched,
                    due_at=now,
                    now=now,
                )
            await record_action(
                db, context, Action.PUBLISH_LISTING, f"listing={listing.id} sent={len(matched)}"
            )
    if changed:  # the card shows where it stands now
        await listing_cards.card(update, context, fresh or listing, [])
        return
    note = "📣 " + context.tn(
        "Published. {n} household gets the offer in their language; the progress follows in "
        "a moment.",
        "Published. {n} households get the offer in their language; the progress follows in "
        "a moment.",
        len(matched),
    ).format(n=context.i18n.number(len(matched)))
    await listing_cards.card(update, context, published, [note])


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("listing", on_listing))
    for route, callback in (
        (NEW_LISTING, on_listing),
        (LISTING_DRAFT, on_draft_button),
        (LISTING_PREVIEW, on_preview_language),
    ):
        app.add_handler(route.handler(callback))
    add_menu_entry(
        app, MenuEntry(N_("New listing"), "🆕", NEW_LISTING.data("new"), STAFF, order=30)
    )
    add_flow(app, TextFlow(_waiting_since, on_form, on_cancel, on_photo))
