"""/audit: a coordinator reads their carrier's audit log (admins: every carrier's), newest
first, a page per message. Also the action labels the seeker's /mydata shows."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from bot.i18n import N_
from bot.limits import AUDIT_PAGE_SIZE
from domain.access import DENIED_PREFIX, Action
from domain.accounts import AuditEntry
from handlers.common.guards import actor_of, requires
from handlers.common.routes import parsed
from handlers.common.ui import fitting, menu_row, pager_row, show
from handlers.staff.routes import AUDIT_PAGE
from storage import accounts, consents

# Each action as staff read it in the log; codes added by later features show as they are.
_LABELS = {
    Action.USE_STAFF_MENU: N_("use the staff commands"),
    Action.FIND_CASE: N_("look up a case"),
    Action.VIEW_CASE: N_("view a case"),
    Action.ASK_CONSENT: N_("ask for consent"),
    Action.INVITE_STAFF: N_("create an invitation"),
    Action.JOIN_STAFF: N_("join with an invitation"),
    Action.LIST_STAFF: N_("list the staff"),
    Action.ADD_STAFF: N_("add a staff member"),
    Action.REMOVE_STAFF: N_("remove a staff member"),
    Action.SET_CONTACT: N_("set a carrier's contact"),
    Action.VIEW_AUDIT: N_("read the audit log"),
    Action.WRITE_LISTING: N_("type a flat listing"),
    Action.PUBLISH_LISTING: N_("publish a flat listing"),
    Action.RELEASE_ADDRESS: N_("show households a flat's address"),
    Action.CLOSE_LISTING: N_("close a flat listing"),
    Action.VIEW_SHORTLIST: N_("view the shortlist of a flat"),
    Action.PROPOSE_HOUSEHOLD: N_("propose a household to a landlord"),
    Action.ANNOUNCE: N_("send an announcement"),
    Action.CREATE_SLOTS: N_("create consultation hours"),
    Action.CHANGE_SLOT: N_("change consultation hours"),
    Action.CANCEL_SLOT: N_("cancel consultation hours"),
    Action.VIEW_BOOKINGS: N_("see who booked"),
    Action.MARK_ATTENDANCE: N_("mark attendance"),
    Action.EXPORT_BOOKINGS: N_("export a day's bookings"),
    Action.EDIT_WORKSHOP: N_("create or change a workshop"),
    Action.ANNOUNCE_WORKSHOP: N_("announce a workshop"),
    Action.CANCEL_WORKSHOP: N_("cancel a workshop"),
    Action.VIEW_PARTICIPANTS: N_("see a workshop's participants"),
    Action.VIEW_QUESTION: N_("read a volunteer's question"),
    Action.TAKE_QUESTION: N_("take a volunteer's question"),
    Action.ANSWER_QUESTION: N_("answer a volunteer's question"),
    Action.MOVE_CASE: N_("change the status of a case"),
    Action.SCHEDULE_VIEWING: N_("schedule a viewing"),
    Action.CHANGE_VIEWING: N_("change a viewing"),
    Action.REQUEST_COMPANION: N_("ask for a companion"),
    Action.VIEW_STATS: N_("look at the figures"),
    Action.EXPORT_CASES: N_("export the cases"),
}


def action_label(context: BotContext, code: str) -> str:
    base = code.removeprefix(DENIED_PREFIX)
    label = context.t(_LABELS[base]) if base in _LABELS else html.escape(base)
    if code.startswith(DENIED_PREFIX):
        # TRANSLATORS: an attempt the bot refused; {action} is e.g. "view a case".
        return context.t("refused: {action}").format(action=label)
    return label


def _entry_line(context: BotContext, entry: AuditEntry, carrier_codes: dict[int, str]) -> str:
    i18n = context.i18n
    subject = entry.subject_case_number or entry.detail or "—"
    # TRANSLATORS: one line of the audit log; {actor} is a Telegram id (or "—" for someone
    # without an account), {subject} a case number or ids.
    return context.t("{date} · {carrier} · {actor} · {action} · {subject}").format(
        date=i18n.datetime(entry.at, "short"),
        carrier=carrier_codes.get(entry.carrier_id or 0, "—"),
        actor=i18n.isolate(str(entry.actor_telegram_id or "—")),
        action=action_label(context, entry.action),
        subject=i18n.isolate(html.escape(subject)),
    )


@requires(Action.VIEW_AUDIT)
async def on_audit(update: Update, context: BotContext) -> None:
    await _show_audit(update, context, 0)


@requires(Action.VIEW_AUDIT)
async def on_audit_page(update: Update, context: BotContext) -> None:
    await _show_audit(update, context, int(parsed(update).arg))


async def _show_audit(update: Update, context: BotContext, offset: int) -> None:
    actor, t = actor_of(update, context), context.t
    # The scope comes from who presses now, never from the button: offsets are no claims.
    scope = None if actor.is_admin else actor.carrier_id
    found = await consents.audit_for_carrier(context.db, scope, offset, AUDIT_PAGE_SIZE + 1)
    if not found:
        await show(update, context, t("The audit log has no entries here."), [menu_row(context)])
        return
    codes = {c.id: c.code for c in await accounts.list_carriers(context.db)}
    header = t("Audit log, newest first (date · carrier · staff · action · case):")
    page = found[:AUDIT_PAGE_SIZE]
    lines = fitting(header, [_entry_line(context, entry, codes) for entry in page])
    pager = pager_row(
        context,
        AUDIT_PAGE,
        offset,
        AUDIT_PAGE_SIZE,
        shown=len(lines),
        more=len(found) > len(lines),
    )
    text = "\n".join((header, *lines))
    await show(update, context, text, [*([pager] if pager else []), menu_row(context)])


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("audit", on_audit))
    app.add_handler(AUDIT_PAGE.handler(on_audit_page))
