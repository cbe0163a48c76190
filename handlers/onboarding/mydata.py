"""/mydata: everything stored about the user, readable in their language, in as many messages
as it needs, and the same content as a JSON file (GDPR Art. 15 and 20).

Both come from storage.personal_data.export_person, so the text cannot leave out what the
file holds. The search, the profile and the case reuse the screens the user knows.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from telegram import InlineKeyboardMarkup, InputFile, Update

from bot.context import BotApp, BotContext
from bot.i18n import N_, Translator
from bot.limits import MAX_TEXT_LENGTH
from domain.accompaniment import Kind, RequestStatus
from domain.accounts import Account, Role
from domain.appointments import BookingStatus, SlotKind
from domain.case_status import CaseStatus
from domain.locales import language_name
from domain.viewings import ViewingAnswer, ViewingOutcome
from handlers import cases, search, volunteers
from handlers.appointments import kind_name, when_short
from handlers.common.case_texts import answer_label, kind_label, outcome_label, status_label
from handlers.common.main_menu import is_registered, show_main_menu
from handlers.common.ui import Keyboard, menu_row, show
from handlers.onboarding.notifications import TOPIC_LABELS
from handlers.onboarding.routes import DOWNLOAD_DATA
from storage import personal_data, profiles, searches
from storage.db import from_db
from storage.personal_data import Export, Record

JSON_FILE_NAME = "my-data.json"


def _at(tr: Translator, value: str) -> str:
    moment = from_db(value)
    assert moment is not None
    return tr.datetime(moment)


def _name(tr: Translator, value: str | None) -> str:
    """Text someone typed (a name, an address), escaped and kept readable in RTL."""
    return tr.isolate(html.escape(value)) if value else "—"


def _block(header: str, lines: list[str]) -> list[str]:
    return ["\n".join((header, *lines))] if lines else []


# Sections ----------------------------------------------------------------------------------


def _account(context: BotContext, account: Account, export: Export) -> list[str]:
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
                carrier=_name(i18n, row["carrier"]), date=_at(i18n, row["added_at"])
            )
        )
    return ["\n".join((text, *lines))]


async def _search(context: BotContext, account: Account) -> list[str]:
    found = await searches.find_search(context.db, account.id)
    if found is None:
        return []
    view = await search.search_view(context, found)
    title = "🔎 <b>" + context.t("My housing search") + "</b>"
    lines = search.summary_lines(context, found, view)
    status = search.status_line(context, found)
    return ["\n\n".join((title, status, "\n".join(lines)) if lines else (title, status))]


def _consents(context: BotContext, export: Export) -> list[str]:
    i18n, t = context.i18n, context.t
    shared = [
        t("{carrier}, since {date}").format(
            carrier=_name(i18n, row["carrier"]), date=_at(i18n, row["granted_at"])
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
            date=_at(i18n, row["requested_at"]),
            carrier=_name(i18n, row["carrier"]),
            answer=answers[row["answer"]],
        )
        for row in export["consent_requests"]
    ]
    return [
        *_block(t("Carriers that may see your data:"), shared),
        *_block(t("Carriers that asked to see your case:"), asked),
    ]


async def _case(context: BotContext, account: Account, export: Export) -> list[str]:
    i18n = context.i18n
    paragraphs = [await cases.case_data(context, account)] if account.role is Role.SEEKER else []
    history = [
        context.t("{date}: {status}").format(
            date=_at(i18n, row["at"]), status=status_label(i18n, CaseStatus(row["to_status"]))
        )
        for row in export["case_events"]
    ]
    return [*paragraphs, *_block(context.t("History of your case:"), history)]


def _booking_status(tr: Translator, status: BookingStatus) -> str:
    return {
        BookingStatus.BOOKED: tr.pgettext("booking", "booked"),
        BookingStatus.WAITING: tr.pgettext("booking", "on the waitlist"),
        BookingStatus.OFFERED: tr.pgettext("booking", "a place is offered to you"),
        BookingStatus.CANCELLED: tr.pgettext("booking", "cancelled"),
        BookingStatus.DECLINED: tr.pgettext("booking", "you let the offered place go"),
        BookingStatus.EXPIRED: tr.pgettext("booking", "the offered place expired"),
        BookingStatus.ATTENDED: tr.pgettext("booking", "you came"),
        BookingStatus.NO_SHOW: tr.pgettext("booking", "you did not come"),
    }[status]


def _booking_line(context: BotContext, row: Record) -> str:
    i18n = context.i18n
    starts_at, ends_at = from_db(row["starts_at"]), from_db(row["ends_at"])
    assert starts_at is not None and ends_at is not None
    return context.t("{date}: {kind} at {carrier}, {place}. Status: {status}.").format(
        date=when_short(i18n, starts_at, ends_at),
        kind=kind_name(i18n, SlotKind(row["kind"])),
        carrier=_name(i18n, row["carrier"]),
        place=_name(i18n, row["address"]),
        status=_booking_status(i18n, BookingStatus(row["status"])),
    )


def _viewing_line(context: BotContext, row: Record) -> str:
    i18n = context.i18n
    values = {"date": _at(i18n, row["starts_at"]), "address": _name(i18n, row["address"])}
    if row["status"] == "cancelled":
        return context.t("{date}: {address}. The viewing was cancelled.").format(**values)
    outcome = row["outcome"]
    return context.t("{date}: {address}. Your answer: {answer}. Result: {outcome}.").format(
        answer=answer_label(i18n, ViewingAnswer(row["answer"]) if row["answer"] else None),
        outcome=outcome_label(i18n, ViewingOutcome(outcome)) if outcome else "—",
        **values,
    )


def _listing_line(context: BotContext, row: Record) -> str:
    t = context.t
    answers = {
        "interested": t("interested"),
        "declined": t("not for me"),
        None: t("no answer yet"),
    }
    return t("Flat {number} in {quarter}: {answer}").format(
        number=context.i18n.number(row["listing_id"]),
        quarter=_name(context.i18n, row["quarter"]),
        answer=answers[row["answer"]],
    )


def _workshop_line(context: BotContext, row: Record) -> str:
    registered = row["seat"] == "registered"
    text = (
        context.t("{date}: {title}. You have a place, under the name {name}.")
        if registered
        else context.t("{date}: {title}. You are on the waitlist, under the name {name}.")
    )
    i18n = context.i18n
    return text.format(
        date=_at(i18n, row["starts_at"]),
        title=_name(i18n, row["title"]),
        name=_name(i18n, row["first_name"]),
    )


def _companion_line(context: BotContext, row: Record) -> str:
    t, i18n = context.t, context.i18n
    status = {
        RequestStatus.OPEN: t("looking for someone to go along"),
        RequestStatus.TAKEN: t("someone goes along"),
        RequestStatus.CANCELLED: i18n.pgettext("booking", "cancelled"),
    }[RequestStatus(row["status"])]
    return t("{date}: {kind}, {place}. Status: {status}.").format(
        date=_at(i18n, row["starts_at"]),
        kind=kind_label(i18n, Kind(row["kind"])),
        place=_name(i18n, row["place"]),
        status=status,
    )


# Sections listed row by row: the header (a msgid) and how one row reads.
_LINES: tuple[tuple[str, str, Callable[[BotContext, Record], str]], ...] = (
    ("bookings", N_("Your appointments:"), _booking_line),
    ("viewings", N_("Flat viewings:"), _viewing_line),
    ("listing_answers", N_("Flats offered to you:"), _listing_line),
    ("workshop_places", N_("Workshops:"), _workshop_line),
    ("accompaniment_requests", N_("Going along to appointments:"), _companion_line),
)


def _appointments(context: BotContext, export: Export) -> list[str]:
    paragraphs = []
    for section, header, line in _LINES:
        paragraphs += _block(context.t(header), [line(context, row) for row in export[section]])
    return paragraphs


async def _volunteer(context: BotContext, account: Account, export: Export) -> list[str]:
    t, i18n = context.t, context.i18n
    paragraphs = []
    if export["volunteer_profile"]:
        saved = await profiles.get_profile(context.db, account.id)
        paragraphs.append(
            "\n".join((t("Your volunteer profile:"), volunteers.profile_summary(context, saved)))
        )
    for row in export["accompaniment_offer"]:
        none = t("none yet")
        kinds = [kind_label(i18n, k) for k in Kind if k.value in row["kinds"]]
        choices = t("Districts: {districts}\nLanguages: {languages}\nWhere: {kinds}").format(
            districts=i18n.join(sorted(row["districts"])) or none,
            languages=i18n.join([language_name(c, i18n.locale) for c in row["languages"]]) or none,
            kinds=i18n.join(kinds) or none,
        )
        name = t("Name you gave: {name}").format(name=_name(i18n, row["first_name"]))
        header = t("Your offer to go along with households:")
        paragraphs.append("\n".join((header, name, choices)))
    return paragraphs


def _questions(context: BotContext, export: Export) -> list[str]:
    t, i18n = context.t, context.i18n
    paragraphs = []
    for ticket in export["questions"]:
        lines = [
            t("Question of {date} to {carrier}: {question}").format(
                date=_at(i18n, ticket["created_at"]),
                carrier=_name(i18n, ticket["carrier"]) if ticket["carrier"] else t("all carriers"),
                question=_name(i18n, ticket["question"]),
            )
        ]
        if ticket["household"]:
            name = _name(i18n, ticket["household"])
            lines.append(t("About the household of: {name}").format(name=name))
        for message in export["question_messages"]:
            if message["ticket_id"] != ticket["id"]:
                continue
            text = (
                t("Answer of {date}: {text}")
                if message["author"] == "staff"
                else t("Your reply of {date}: {text}")
            )
            lines.append(
                text.format(date=_at(i18n, message["sent_at"]), text=_name(i18n, message["body"]))
            )
        paragraphs.append("\n".join(lines))
    return _block(t("Your questions to caseworkers:"), paragraphs)


def _counts(context: BotContext, export: Export) -> list[str]:
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
    """/mydata, paragraph by paragraph: every section of the export that holds something."""
    return [
        *_account(context, account, export),
        *await _search(context, account),
        *_consents(context, export),
        *await _case(context, account, export),
        *_appointments(context, export),
        *await _volunteer(context, account, export),
        *_questions(context, export),
        *_counts(context, export),
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
