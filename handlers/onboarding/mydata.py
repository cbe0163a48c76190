"""/mydata: everything stored about the user, readable in their language, in as many messages
as it needs, and the same content as a JSON file (GDPR Art. 15 and 20).

Both come from storage.personal_data.export_person, so the text cannot leave out what the
file holds. Each feature adds the part of what it stores (add_mydata_part of bot/features.py),
shown in the order of PARTS; the search, the profile and the case reuse the screens the user
knows.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, InputFile, Update

from bot.context import BotApp, BotContext
from bot.features import add_mydata_part
from bot.limits import MAX_TEXT_LENGTH
from domain.accounts import Account, Role
from domain.locales import language_name
from handlers.common.data_lines import at, block, typed
from handlers.common.main_menu import is_registered, show_main_menu
from handlers.common.ui import Keyboard, menu_row, show
from handlers.onboarding.notifications import TOPIC_LABELS
from handlers.onboarding.routes import DOWNLOAD_DATA
from storage import personal_data
from storage.personal_data import Export

JSON_FILE_NAME = "my-data.json"
# The order /mydata reads in; each feature adds its parts by these names (add_mydata_part).
PARTS = (
    "account",  # here
    "search",  # search/mydata.py
    "consents",  # here
    "case",  # cases/mydata.py
    "bookings",  # appointments/mydata.py
    "viewings",  # cases/mydata.py
    "listing_answers",  # listings/mydata.py
    "workshop_places",  # volunteers/mydata.py
    "companion_requests",  # cases/mydata.py
    "profile",  # volunteers/mydata.py
    "companion_offer",  # cases/mydata.py
    "questions",  # volunteers/mydata.py
    "counts",  # here
)


# Sections ----------------------------------------------------------------------------------


async def _account(context: BotContext, account: Account, export: Export) -> list[str]:
    i18n, t = context.i18n, context.t
    role = {
        Role.SEEKER: t("looking for a flat"),
        Role.VOLUNTEER: t("volunteer"),
        Role.STAFF: t("staff of a carrier"),
    }[account.role]
    # TRANSLATORS: a list of what the bot stores about the user; each value is filled in.
    text = t(
        "This is what we store about you:\n"
        "Telegram id: {telegram_id}\nRole: {role}\nLanguage: {language}\n"
        "Agreed on: {consent}\nFirst contact: {created}"
    ).format(
        telegram_id=i18n.isolate(str(account.telegram_id)),
        role=role,
        language=language_name(account.locale, i18n.locale),
        consent=i18n.datetime(account.consent_at) if account.consent_at else "—",
        created=i18n.datetime(account.created_at),
    )
    seen = t("Your last message to the bot: {date}").format(
        date=i18n.datetime(account.last_seen_at)
    )
    lines = [seen]
    for row in export["staff_membership"]:
        lines.append(
            t("Staff of {carrier} since {date}.").format(
                carrier=typed(i18n, row["carrier"]), date=at(i18n, row["added_at"])
            )
        )
    return ["\n".join((text, *lines))]


async def _consents(context: BotContext, account: Account, export: Export) -> list[str]:
    i18n, t = context.i18n, context.t
    shared = [
        t("{carrier}, since {date}").format(
            carrier=typed(i18n, row["carrier"]), date=at(i18n, row["granted_at"])
        )
        for row in export["carrier_consents"]
    ]
    answers = {
        "granted": t("you agreed"),
        "declined": t("you said no"),
        None: t("no answer yet"),
    }
    asked = [
        t("{date}: {carrier} asked to see your case; {answer}.").format(
            date=at(i18n, row["requested_at"]),
            carrier=typed(i18n, row["carrier"]),
            answer=answers[row["answer"]],
        )
        for row in export["consent_requests"]
    ]
    return [
        *block(t("Carriers that may see your data:"), shared),
        *block(t("Carriers that asked to see your case:"), asked),
    ]


async def _counts(context: BotContext, account: Account, export: Export) -> list[str]:
    i18n, lines = context.i18n, []
    off = {row["topic"] for row in export["notifications_off"]}
    if off:
        labels = [context.t(label) for topic, label in TOPIC_LABELS.items() if topic in off]
        lines.append(
            context.t("Notifications you turned off: {topics}").format(topics=i18n.join(labels))
        )
    queued, forms, audited = (
        len(export[section])
        for section in ("messages_queued", "unfinished_forms", "own_audit_entries")
    )
    counted = (
        (
            queued,
            context.tn(
                "{n} message to you is waiting or was sent in the last weeks.",
                "{n} messages to you are waiting or were sent in the last weeks.",
                queued,
            ),
        ),
        (
            forms,
            context.tn(
                "{n} question of the bot waits for your typed answer.",
                "{n} questions of the bot wait for your typed answer.",
                forms,
            ),
        ),
        (
            audited,
            context.tn(
                "{n} entry in the audit log records something you did.",
                "{n} entries in the audit log record something you did.",
                audited,
            ),
        ),
    )
    lines += [text.format(n=i18n.number(n)) for n, text in counted if n]
    return ["\n".join(lines)] if lines else []


async def paragraphs(context: BotContext, account: Account, export: Export) -> list[str]:
    """/mydata, paragraph by paragraph: every part that holds something, in PARTS' order."""
    parts = context.bot_data.mydata_parts
    names = [*PARTS, *sorted(set(parts) - set(PARTS))]  # a part not in PARTS still shows
    found = []
    for name in names:
        if name in parts:
            found += await parts[name](context, account, export)
    return [
        *found,
        context.t(
            "The button below sends all of it as a file (JSON) that other programs can read."
        ),
    ]


def split_messages(parts: list[str], limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Paragraphs joined into as few messages as fit `limit`; a longer paragraph is split
    between its lines, a longer line (never made by the bot) is cut."""
    pieces = []
    for part in parts:
        if len(part) <= limit:
            pieces.append(part)
            continue
        for line in part.split("\n"):
            pieces += [line[i : i + limit] for i in range(0, len(line), limit)] or [""]
    messages: list[str] = []
    for piece in pieces:
        if messages and len(messages[-1]) + 2 + len(piece) <= limit:
            messages[-1] = f"{messages[-1]}\n\n{piece}"
        else:
            messages.append(piece)
    return messages


def _registered(context: BotContext) -> Account | None:
    account = context.account
    return account if is_registered(account) else None


async def on_mydata(update: Update, context: BotContext) -> None:
    account = _registered(context)
    if account is None:
        await show_main_menu(update, context)
        return
    assert update.effective_chat is not None
    export = await personal_data.export_person(context.db, account.id)
    messages = split_messages(await paragraphs(context, account, export))
    rows: Keyboard = [
        [DOWNLOAD_DATA.button("⬇️ " + context.t("Download my data"), "json")],
        menu_row(context),
    ]
    if len(messages) == 1:
        await show(update, context, messages[0], rows)
        return
    # The first part takes the place of the menu; the rest follow it, the buttons last.
    await show(update, context, messages[0])
    for i, text in enumerate(messages[1:], start=2):
        markup = InlineKeyboardMarkup(rows) if i == len(messages) else None
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def on_download(update: Update, context: BotContext) -> None:
    account = _registered(context)
    if account is None:
        await show_main_menu(update, context)
        return
    assert update.callback_query is not None and update.effective_chat is not None
    await update.callback_query.answer()
    export = await personal_data.export_person(context.db, account.id)
    caption = context.t(
        "All data we store about you, as a file (JSON) for you or another service. Made on {date}."
    ).format(date=context.i18n.datetime(context.now()))
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(personal_data.to_json(export), filename=JSON_FILE_NAME),
        caption=caption,
    )


def register(app: BotApp) -> None:
    app.add_handler(DOWNLOAD_DATA.handler(on_download))
    add_mydata_part(app, "account", _account)
    add_mydata_part(app, "consents", _consents)
    add_mydata_part(app, "counts", _counts)
