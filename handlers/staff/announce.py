"""/announce: staff write a free-text announcement to households, volunteers or both,
optionally only to households looking in one district or to people who read one language.

Nothing goes out before a preview, as the recipients will see it, and an explicit
confirmation, because a message to thousands of people cannot be taken back. It goes through
the outbox (topic: announcements; it waits out the quiet hours), and the staff member sees
the broadcast's progress. The draft and its step live in the announcements table.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot import delivery
from bot.context import BotApp, BotContext
from bot.features import MenuEntry, TextFlow, add_flow, add_menu_entry
from bot.i18n import N_, Translator
from domain.access import Action
from domain.accounts import Audience, Role
from domain.advice import measured_length
from domain.announcements import MAX_BODY, Announcement, Step, recipients, step_after, step_before
from domain.locales import SUPPORTED_LOCALES, language_name, native_name, picker_order
from domain.outbox import Rendered, Topic
from domain.places import Area
from domain.searches import VISIBLE_TO_CARRIER
from handlers.common.guards import answer_expired, record_action, requires
from handlers.common.main_menu import show_main_menu
from handlers.common.routes import parsed
from handlers.common.ui import Keyboard, menu_row, outbox_menu_row, show
from handlers.staff.routes import ANNOUNCEMENT, NEW_ANNOUNCEMENT
from storage import accounts, announcements, outbox, searches

KIND = "announcement"
STAFF = frozenset({Role.STAFF})


def render_announcement(params: Mapping[str, Any], tr: Translator) -> Rendered:
    """Staff's text as they wrote it, under a heading in the reader's language."""
    sender = params.get("sender")
    heading = (
        tr.gettext("📣 News from {sender}").format(sender=tr.isolate(html.escape(sender)))
        if sender
        else tr.gettext("📣 News from the move-out programme (Auszugsmanagement)")
    )
    footer = tr.gettext("You can turn off news from the carriers with /notifications.")
    written_in = params.get("language", "de")  # staff's language when they sent it
    if written_in != tr.locale:
        # TRANSLATORS: {language} is the name of the language staff wrote the news in.
        note = tr.gettext(
            "This message is in {language}. A caseworker can explain it to you: /help shows "
            "how to reach them."
        ).format(language=language_name(written_in, tr.locale))
        footer = f"{note}\n{footer}"
    text = f"<b>{heading}</b>\n\n{html.escape(params['body'])}\n\n<i>{footer}</i>"
    return Rendered(text, (outbox_menu_row(tr),))


async def _params(context: BotContext, announcement: Announcement) -> dict[str, Any]:
    """What each recipient's message is rendered from, in their language, at send time."""
    sender = await _sender(context)
    return {"body": announcement.body, "sender": sender, "language": context.i18n.locale}


async def _sender(context: BotContext) -> str | None:
    """The carrier's name; admins without a carrier speak for the programme."""
    account = context.account
    carrier_id = account.carrier_id if account else None
    carrier = await accounts.get_carrier(context.db, carrier_id) if carrier_id else None
    return carrier.name if carrier else None


async def _recipients(context: BotContext, announcement: Announcement) -> list[int]:
    if announcement.audience is None:
        return []
    db = context.db
    people = await announcements.list_people(db, announcement.audience.roles)
    areas: dict[int, Area] = {}
    if announcement.district is not None:
        areas = await searches.areas_by_user(db.reader, VISIBLE_TO_CARRIER)
    return recipients(announcement, people, areas)


def _answer(announcement: Announcement, label: str, action: str, value: str | int) -> Any:
    return ANNOUNCEMENT.button(label, announcement.id, action, value)


def _nav_row(context: BotContext, announcement: Announcement) -> list[Any]:
    t = context.t
    row = [_answer(announcement, "🗑 " + t("Discard"), "drop", "x")]
    if announcement.step is not Step.TEXT:
        row.insert(0, _answer(announcement, "« " + t("Back"), "back", "x"))
    return row


def _segment(context: BotContext, announcement: Announcement) -> str:
    t, audience = context.t, announcement.audience
    who = {
        Audience.SEEKERS: t("households looking for a flat"),
        Audience.VOLUNTEERS: t("volunteers"),
        Audience.BOTH: t("households looking for a flat and volunteers"),
        None: "—",
    }[audience]
    where = (
        t("households looking in {district}").format(district=announcement.district)
        if announcement.district
        else t("all of Köln")
    )
    language = (
        language_name(announcement.locale, context.i18n.locale)
        if announcement.locale
        else t("all languages")
    )
    return t("To: {who}. Where: {where}. Language: {language}.").format(
        who=who, where=where, language=language
    )


async def _screen(
    update: Update, context: BotContext, announcement: Announcement, note: str = ""
) -> None:
    text, rows = await _SCREENS[announcement.step](context, announcement)
    text = f"{note}\n\n{text}" if note else text
    await show(update, context, text, [*rows, _nav_row(context, announcement), menu_row(context)])


Screen = tuple[str, Keyboard]


async def _text_screen(context: BotContext, announcement: Announcement) -> Screen:
    t = context.t
    text = "📣 " + t(
        "Write the announcement as one message, as people should read it. It goes out as "
        "you write it, without translation; only the heading is in each reader's language."
    )
    if not announcement.body:
        return text, []
    current = t("Your text so far:")
    text = f"{text}\n\n{current}\n<blockquote>{html.escape(announcement.body)}</blockquote>"
    return text, [[_answer(announcement, "✓ " + t("Keep this text"), "text", "keep")]]


async def _audience_screen(context: BotContext, announcement: Announcement) -> Screen:
    t = context.t
    choices = (
        (Audience.SEEKERS, "🏠 " + t("Households looking for a flat")),
        (Audience.VOLUNTEERS, "🤝 " + t("Volunteers")),
        (Audience.BOTH, "👥 " + t("Both")),
    )
    rows = [[_answer(announcement, label, "audience", value)] for value, label in choices]
    return t("Who should get it?"), rows


async def _district_screen(context: BotContext, announcement: Announcement) -> Screen:
    t = context.t
    text = t(
        "Only households looking in one district? A household gets it if its housing search "
        "includes that district (Stadtbezirk)."
    )
    districts = [
        _answer(announcement, d.name, "district", d.number)
        for d in context.bot_data.city.districts
    ]
    rows = [[_answer(announcement, "📍 " + t("All of Köln"), "district", 0)]]
    rows += [districts[i : i + 3] for i in range(0, len(districts), 3)]
    return text, rows


async def _language_screen(context: BotContext, announcement: Announcement) -> Screen:
    t = context.t
    text = t("Only people who read one language? Choose it if your text is in that language.")
    languages = [
        _answer(announcement, native_name(code), "language", code) for code in picker_order()
    ]
    rows = [[_answer(announcement, "🌐 " + t("All languages"), "language", "all")]]
    rows += [languages[i : i + 3] for i in range(0, len(languages), 3)]
    return text, rows


async def _preview_screen(context: BotContext, announcement: Announcement) -> Screen:
    t, i18n = context.t, context.i18n
    count = len(await _recipients(context, announcement))
    preview = render_announcement(await _params(context, announcement), i18n).text
    goes_to = context.tn("It goes to {n} person.", "It goes to {n} people.", count).format(
        n=i18n.number(count)
    )
    text = "\n\n".join(
        (
            "👁 <b>" + t("Preview") + "</b> " + t("This is how people will get it:"),
            f"<blockquote>{preview}</blockquote>",
            _segment(context, announcement),
            "🎯 " + goes_to if count else "⚠️ " + t("Nobody fits this choice."),
        )
    )
    rows: Keyboard = []
    if count:
        send = context.tn("Send to {n} person", "Send to {n} people", count).format(
            n=i18n.number(count)
        )
        rows.append([_answer(announcement, "📣 " + send, "send", "x")])
    rows.append([_answer(announcement, "✏️ " + t("Change the text"), "text", "edit")])
    return text, rows


async def _confirm_screen(context: BotContext, announcement: Announcement) -> Screen:
    i18n = context.i18n
    count = len(await _recipients(context, announcement))
    text = context.tn(
        "Send it to {n} person now? A message to many people cannot be taken back.",
        "Send it to {n} people now? A message to many people cannot be taken back.",
        count,
    ).format(n=i18n.number(count))
    rows = [[_answer(announcement, "📣 " + context.t("Yes, send it now"), "yes", "x")]]
    return f"{text}\n\n{_segment(context, announcement)}", rows


_SCREENS = {
    Step.TEXT: _text_screen,
    Step.AUDIENCE: _audience_screen,
    Step.DISTRICT: _district_screen,
    Step.LANGUAGE: _language_screen,
    Step.PREVIEW: _preview_screen,
    Step.CONFIRM: _confirm_screen,
}


@requires(Action.ANNOUNCE)
async def on_announce(update: Update, context: BotContext) -> None:
    """/announce and the menu button: a new announcement, or the unsent one."""
    account, now = context.account, context.now()
    if account is None:  # an admin who has not sent /start yet
        await show_main_menu(update, context)
        return
    async with context.db.transaction() as db:
        draft = await announcements.create_draft(db, account.id, now)
        if draft.step is Step.TEXT:
            draft = replace(draft, asking_since=now)
            await announcements.save_announcement(db, draft)
    await _screen(update, context, draft)


def _chosen(
    announcement: Announcement, action: str, value: str, context: BotContext
) -> Announcement | None:
    """The announcement after a button of its current step; None if the button does not fit
    that step (an old or forged one)."""
    a, step = announcement, announcement.step
    if action == "audience" and step is Step.AUDIENCE and value in set(Audience):
        audience = Audience(value)
        chosen = replace(
            a, audience=audience, district=None if audience is Audience.VOLUNTEERS else a.district
        )
        return replace(chosen, step=step_after(chosen, step))
    if action == "district" and step is Step.DISTRICT:
        district = (
            context.bot_data.city.district_by_number(int(value)) if value.isdigit() else None
        )
        if district is None and value != "0":
            return None
        return replace(a, district=district.name if district else None, step=step_after(a, step))
    if (
        action == "language"
        and step is Step.LANGUAGE
        and (value == "all" or value in SUPPORTED_LOCALES)
    ):
        return replace(a, locale=None if value == "all" else value, step=step_after(a, step))
    if action == "send" and step is Step.PREVIEW:
        return replace(a, step=Step.CONFIRM)
    if action == "back" and step is not Step.TEXT:
        before = step_before(a, step)
        return replace(a, step=before, asking_since=context.now() if before is Step.TEXT else None)
    if action == "text" and value == "edit":
        return replace(a, step=Step.TEXT, asking_since=context.now())
    if action == "text" and value == "keep" and step is Step.TEXT and a.body:
        return replace(a, step=Step.AUDIENCE, asking_since=None)
    return None


@requires(Action.ANNOUNCE)
async def on_button(update: Update, context: BotContext) -> None:
    cb = parsed(update)
    announcement_id, action, value = int(cb.args[0]), cb.args[1], cb.args[2]
    account = context.account
    announcement = await announcements.get_announcement(context.db, announcement_id)
    if announcement is None or account is None or announcement.created_by != account.id:
        await answer_expired(update, context)
        return
    if announcement.sent_at is not None:
        note = context.t("This announcement was sent already. Nothing was sent again.")
        await show_main_menu(update, context, note)
        return
    if action == "drop":
        async with context.db.transaction() as db:
            await announcements.delete_draft(db, announcement.id)
        await show_main_menu(update, context, context.t("The announcement is discarded."))
        return
    if action == "yes" and announcement.step is Step.CONFIRM:
        await _send(update, context, announcement)
        return
    chosen = _chosen(announcement, action, value, context)
    if chosen is None:
        await answer_expired(update, context)
        return
    async with context.db.transaction() as db:
        await announcements.save_announcement(db, chosen)
    await _screen(update, context, chosen)


async def _send(update: Update, context: BotContext, announcement: Announcement) -> None:
    """Queues one message per recipient, once: the key announcement:<id> and sent_at, set in
    the same transaction, make a second press change nothing."""
    assert context.account is not None
    now = context.now()
    ids = await _recipients(context, announcement)
    params = await _params(context, announcement)
    async with context.db.transaction() as db:
        fresh = await announcements.get_announcement(db, announcement.id)
        unchanged = fresh == announcement
        if unchanged:
            await announcements.save_announcement(
                db, replace(announcement, sent_at=now, asking_since=None)
            )
            await outbox.enqueue_broadcast(
                db,
                dedupe_key=f"announcement:{announcement.id}",
                started_by=context.account.id,
                kind=KIND,
                topic=Topic.ANNOUNCEMENTS,
                params=params,
                recipients=ids,
                due_at=now,
                now=now,
            )
            detail = f"announcement={announcement.id} sent={len(ids)}"
            await record_action(db, context, Action.ANNOUNCE, detail)
    if not unchanged:
        note = context.t("This announcement was sent already. Nothing was sent again.")
        await show_main_menu(update, context, note)
        return
    text = context.tn(
        "📣 Sent to the outbox: {n} person gets it. You see the progress in a moment; at "
        "night it waits for the morning.",
        "📣 Sent to the outbox: {n} people get it. You see the progress in a moment; at "
        "night it waits for the morning.",
        len(ids),
    ).format(n=context.i18n.number(len(ids)))
    await show_main_menu(update, context, text)


async def _draft(context: BotContext) -> Announcement | None:
    account = context.account
    if account is None or account.role is not Role.STAFF:
        return None
    return await announcements.find_draft(context.db, account.id)


async def _waiting_since(context: BotContext) -> datetime | None:
    draft = await _draft(context)
    return draft.asking_since if draft is not None and draft.step is Step.TEXT else None


async def on_text(update: Update, context: BotContext) -> None:
    assert update.message is not None and update.message.text is not None
    body = update.message.text.strip()
    draft = await _draft(context)
    if draft is None:
        await show_main_menu(update, context)
        return
    if measured_length(body) > MAX_BODY:  # as sent: each & < > takes more room
        note = "⚠️ " + context.t("This is too long. Please shorten it to {max} characters.").format(
            max=context.i18n.number(MAX_BODY)
        )
        await _screen(update, context, draft, note)
        return
    written = replace(draft, body=body, step=Step.AUDIENCE, asking_since=None)
    async with context.db.transaction() as db:
        await announcements.save_announcement(db, written)
    await _screen(update, context, written, "✓ " + context.t("Saved."))


async def on_other(update: Update, context: BotContext) -> None:
    draft = await _draft(context)
    if draft is None:
        await show_main_menu(update, context)
        return
    note = "⚠️ " + context.t(
        "Please write the announcement as text. Photos and files cannot be announced."
    )
    await _screen(update, context, draft, note)


async def on_cancel(update: Update, context: BotContext) -> None:
    draft = await _draft(context)
    if draft is not None:
        async with context.db.transaction() as db:
            await announcements.save_announcement(db, replace(draft, asking_since=None))
    text = context.t("Stopped. Your announcement is kept: continue it with /announce.")
    await show_main_menu(update, context, text)


def register(app: BotApp) -> None:
    delivery.register_renderer(app, KIND, render_announcement)
    app.add_handler(CommandHandler("announce", on_announce))
    app.add_handler(NEW_ANNOUNCEMENT.handler(on_announce))
    app.add_handler(ANNOUNCEMENT.handler(on_button))
    add_menu_entry(
        app,
        MenuEntry(
            N_("Announcement"), "📣", NEW_ANNOUNCEMENT.data("new"), STAFF, 40, for_admins=True
        ),
    )
    add_flow(app, TextFlow(_waiting_since, on_text, on_cancel, on_other))
