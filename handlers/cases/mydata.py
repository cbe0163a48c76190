"""/mydata's parts of the move-out case: the case number, its history and who looked at
it, viewings, companions asked for, and a volunteer's offer to go along.
"""

from __future__ import annotations

import html

from bot.context import BotApp, BotContext
from bot.features import add_mydata_part
from bot.i18n import Translator
from bot.limits import MYDATA_ACCESS_ENTRIES
from domain.access import DENIED_PREFIX, Action
from domain.accompaniment import Kind, RequestStatus
from domain.accounts import Account, Role
from domain.case_status import CaseStatus
from domain.locales import language_name
from domain.viewings import ViewingAnswer, ViewingOutcome
from handlers.common.case_texts import answer_label, kind_label, outcome_label, status_label
from handlers.common.data_lines import at, block, typed
from storage import accounts, consents
from storage import cases as case_store
from storage.personal_data import Export, Record


def _access_line(tr: Translator, action: str) -> str:
    if action == Action.VIEW_CASE:
        return tr.gettext("{date}: {carrier} looked at your case.")
    if action == Action.ASK_CONSENT:
        return tr.gettext("{date}: {carrier} asked for your consent.")
    if action in (Action.VIEW_BOOKINGS, Action.EXPORT_BOOKINGS):
        return tr.gettext("{date}: {carrier} saw your appointment in its list.")
    if action == Action.MARK_ATTENDANCE:
        return tr.gettext("{date}: {carrier} noted whether you came to your appointment.")
    return tr.gettext("{date}: {carrier} worked with your case.")


async def case_data(context: BotContext, account: Account) -> str:
    """For /mydata: the case number and who looked at the case, without staff names or ids."""
    number = account.case_number
    if number is None:  # seekers registered before case numbers existed
        async with context.db.transaction() as db:
            number = await accounts.assign_case_number(db, account.id)
    t, i18n = context.t, context.i18n
    paragraphs = [
        t(
            "Your case number: <b>{number}</b>. Tell it to your caseworker, for example by "
            "phone. It contains no name."
        ).format(number=i18n.isolate(number))
    ]
    case = await case_store.get_case(context.db, account.id)
    if case is not None:
        # TRANSLATORS: {status} is e.g. "Offer received"; {date} when the case got it.
        paragraphs.append(
            t("Status of your case: {status}, since {date}.").format(
                status=status_label(i18n, case.status),
                date=i18n.date(case.status_since.astimezone(i18n.tz).date(), "medium"),
            )
        )
    entries = [
        e
        for e in await consents.audit_for_subject(context.db, account.id)
        if e.carrier_id is not None and not e.action.startswith(DENIED_PREFIX)
    ][-MYDATA_ACCESS_ENTRIES:]
    if not entries:
        paragraphs.append(t("No carrier has looked at your case yet."))
        return "\n\n".join(paragraphs)
    names = {c.id: c.name for c in await accounts.list_carriers(context.db)}
    lines = [
        _access_line(i18n, e.action).format(
            date=i18n.datetime(e.at, "short"),
            carrier=i18n.isolate(html.escape(names.get(e.carrier_id or 0, ""))),
        )
        for e in reversed(entries)
    ]
    header = t("Who worked with your case, newest first:")
    paragraphs.append("\n".join((header, *lines)))
    return "\n\n".join(paragraphs)


async def case(context: BotContext, account: Account, export: Export) -> list[str]:
    i18n = context.i18n
    paragraphs = [await case_data(context, account)] if account.role is Role.SEEKER else []
    history = [
        context.t("{date}: {status}").format(
            date=at(i18n, row["at"]), status=status_label(i18n, CaseStatus(row["to_status"]))
        )
        for row in export["case_events"]
    ]
    return [*paragraphs, *block(context.t("History of your case:"), history)]


def _viewing_line(context: BotContext, row: Record) -> str:
    i18n = context.i18n
    values = {"date": at(i18n, row["starts_at"]), "address": typed(i18n, row["address"])}
    if row["status"] == "cancelled":
        return context.t("{date}: {address}. The viewing was cancelled.").format(**values)
    outcome = row["outcome"]
    return context.t("{date}: {address}. Your answer: {answer}. Result: {outcome}.").format(
        answer=answer_label(i18n, ViewingAnswer(row["answer"]) if row["answer"] else None),
        outcome=outcome_label(i18n, ViewingOutcome(outcome)) if outcome else "—",
        **values,
    )


async def viewings(context: BotContext, account: Account, export: Export) -> list[str]:
    lines = [_viewing_line(context, row) for row in export["viewings"]]
    return block(context.t("Flat viewings:"), lines)


def _companion_line(context: BotContext, row: Record) -> str:
    t, i18n = context.t, context.i18n
    status = {
        RequestStatus.OPEN: t("looking for someone to go along"),
        RequestStatus.TAKEN: t("someone goes along"),
        RequestStatus.CANCELLED: i18n.pgettext("booking", "cancelled"),
    }[RequestStatus(row["status"])]
    return t("{date}: {kind}, {place}. Status: {status}.").format(
        date=at(i18n, row["starts_at"]),
        kind=kind_label(i18n, Kind(row["kind"])),
        place=typed(i18n, row["place"]),
        status=status,
    )


async def companion_requests(context: BotContext, account: Account, export: Export) -> list[str]:
    lines = [_companion_line(context, row) for row in export["accompaniment_requests"]]
    return block(context.t("Going along to appointments:"), lines)


async def companion_offer(context: BotContext, account: Account, export: Export) -> list[str]:
    t, i18n = context.t, context.i18n
    paragraphs = []
    for row in export["accompaniment_offer"]:
        none = t("none yet")
        kinds = [kind_label(i18n, k) for k in Kind if k.value in row["kinds"]]
        choices = t("Districts: {districts}\nLanguages: {languages}\nWhere: {kinds}").format(
            districts=i18n.join(sorted(row["districts"])) or none,
            languages=i18n.join([language_name(c, i18n.locale) for c in row["languages"]]) or none,
            kinds=i18n.join(kinds) or none,
        )
        name = t("Name you gave: {name}").format(name=typed(i18n, row["first_name"]))
        header = t("Your offer to go along with households:")
        paragraphs.append("\n".join((header, name, choices)))
    return paragraphs


def register(app: BotApp) -> None:
    add_mydata_part(app, "case", case)
    add_mydata_part(app, "viewings", viewings)
    add_mydata_part(app, "companion_requests", companion_requests)
    add_mydata_part(app, "companion_offer", companion_offer)
