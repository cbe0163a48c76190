"""The case's status: staff move it on from the case card, the household learns its next
step in its language, sees its case from the menu, and answers the aftercare check-ins.

Status buttons are `xs:<case>:<status>:go`; a change that needs a confirmation (moved before
the lease was signed) asks first and then comes back as `…:yes`. Each press is checked anew
(the presser's carrier follows the case, the household still consents) and audited in the
transaction of the change.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date
from typing import Any

from telegram import Update

from bot.context import BotApp, BotContext
from bot.delivery import register_renderer
from bot.features import CaseView, MenuEntry, add_case_section, add_menu_entry
from bot.i18n import N_, Translator
from domain.access import Action
from domain.accounts import Account, Role
from domain.case_status import (
    AFTERCARE_CHECKINS,
    REFUSED,
    Case,
    CaseStatus,
    Concern,
    Judgement,
    Verdict,
    choices,
    judge,
    next_status,
    takes_checkins,
)
from domain.outbox import Rendered
from handlers.cases import viewings
from handlers.cases.routes import CASE_CARD, CHECK_IN, MY_CASE, SET_STATUS, STATUS_CHOICES
from handlers.common import texts
from handlers.common.case_actions import (
    CHECKIN,
    STATUS_NOTICE,
    audit,
    authorized_case,
    move_case,
    notify,
    staff_to_tell,
)
from handlers.common.case_texts import next_step, status_label
from handlers.common.guards import actor_of, answer_expired, requires, what_was_tried
from handlers.common.main_menu import is_registered, show_main_menu
from handlers.common.routes import MAIN_MENU, parsed
from handlers.common.ui import Keyboard, menu_row, menu_row_in, outbox_buttons, show
from storage import accounts, cases, consents
from storage.db import to_db

HELP_NEEDED = "aftercare_help"


def _day(tr: Translator, case: Case) -> str:
    return tr.date(case.status_since.astimezone(tr.tz).date(), "medium")


# Staff: the status on the case card ------------------------------------------------------


async def status_section(context: BotContext, view: CaseView) -> tuple[str, Keyboard]:
    """The case's status and the buttons to move it; opens (or takes over) the case for the
    viewer's carrier when no carrier with consent follows it."""
    async with context.db.transaction() as db:
        case = await cases.open_case(db, view.case.id, view.carrier.id, context.now())
        follower = await accounts.get_carrier(db, case.carrier_id)
    assert follower is not None
    t, i18n = context.t, context.i18n
    if case.carrier_id != view.carrier.id:
        text = t("This case is followed by {carrier}. Only its staff change its status.")
        return text.format(carrier=html.escape(follower.name)), []
    # TRANSLATORS: {status} is e.g. "Offer received", {date} when the case got it.
    text = t("Status: <b>{status}</b> since {date}").format(
        status=status_label(i18n, case.status), date=_day(i18n, case)
    )
    rows: Keyboard = []
    following = next_status(case.status, case.resume_status)
    if following is not None and _judge(case, following).verdict is Verdict.ALLOWED:
        label = "→ " + status_label(i18n, following)
        rows.append([SET_STATUS.button(label, case.user_id, following, "go")])
    rows.append([STATUS_CHOICES.button("🔀 " + t("Change the status"), case.user_id)])
    return text, rows


def _judge(case: Case, target: CaseStatus) -> Judgement:
    return judge(case.status, target, case.resume_status)


@requires(Action.FIND_CASE)
async def on_status(update: Update, context: BotContext) -> None:
    user_id, wanted, step = parsed(update).args
    target, actor = CaseStatus(wanted), actor_of(update, context)
    moved = None
    async with context.db.transaction() as db:
        case = await authorized_case(
            db, context, actor, int(user_id), Action.MOVE_CASE, what_was_tried(update)
        )
        judgement = _judge(case, target) if case else REFUSED
        confirmed = judgement.verdict is Verdict.CONFIRM and step == "yes"
        if case is not None and (judgement.verdict is Verdict.ALLOWED or confirmed):
            moved = await move_case(db, context, case, target, actor)
            await audit(db, context, Action.MOVE_CASE, case, f"status={target}")
        elif case is not None and judgement.verdict is Verdict.CONFIRM:
            await audit(db, context, Action.VIEW_CASE, case, f"ask={target}")
    if case is None or judgement.verdict is Verdict.REFUSED:
        await answer_expired(update, context)  # another carrier's, or an old button
        return
    if moved is None:
        await _ask_confirmation(update, context, case, target, judgement)
        return
    t = context.t
    text = t(
        "Case {number} now has the status “{status}”. The household gets its next step in "
        "its language."
    ).format(
        number=context.i18n.isolate(str(case.case_number)),
        status=status_label(context.i18n, target),
    )
    rows = [[CASE_CARD.button("📁 " + t("Open the case"), case.user_id)], menu_row(context)]
    await show(update, context, text, rows)


async def _ask_confirmation(
    update: Update, context: BotContext, case: Case, target: CaseStatus, judgement: Judgement
) -> None:
    t, i18n = context.t, context.i18n
    names = {
        "number": i18n.isolate(str(case.case_number)),
        "current": status_label(i18n, case.status),
        "target": status_label(i18n, target),
    }
    if judgement.concern is Concern.SKIPS:
        skipped = i18n.join([status_label(i18n, s) for s in judgement.skipped])
        text = t(
            "Case {number} is at “{current}”. “{target}” skips {skipped}. Is that right?"
        ).format(skipped=skipped, **names)
    elif judgement.concern is Concern.REOPENS:
        text = t("Case {number} is “{current}”. Open it again at “{target}”?").format(**names)
    else:
        text = t("Case {number} is at “{current}”. Go back to “{target}”?").format(**names)
    rows = [
        [SET_STATUS.button("✓ " + t("Yes, change it"), case.user_id, target, "yes")],
        [CASE_CARD.button("« " + t("Back"), case.user_id)],
    ]
    await show(update, context, text, rows)


@requires(Action.FIND_CASE)
async def on_status_list(update: Update, context: BotContext) -> None:
    actor = actor_of(update, context)
    async with context.db.transaction() as db:
        case = await authorized_case(
            db, context, actor, int(parsed(update).arg), Action.MOVE_CASE, what_was_tried(update)
        )
        if case is not None:
            await audit(db, context, Action.VIEW_CASE, case, "statuses")
    if case is None:
        await answer_expired(update, context)
        return
    t, i18n = context.t, context.i18n
    text = t(
        "Case {number} is at “{status}”. Choose the new status. A change marked ⚠ asks "
        "you to confirm it."
    ).format(number=i18n.isolate(str(case.case_number)), status=status_label(i18n, case.status))
    buttons = [
        SET_STATUS.button(
            ("⚠ " if _judge(case, s).verdict is Verdict.CONFIRM else "") + status_label(i18n, s),
            case.user_id,
            s,
            "go",
        )
        for s in choices(case.status, case.resume_status)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await show(update, context, text, [*rows, [CASE_CARD.button("« " + t("Back"), case.user_id)]])


# The household: its case, the notice of a change, aftercare -------------------------------


def _seeker(context: BotContext) -> Account | None:
    account = context.account
    if account is None or not is_registered(account) or account.role is not Role.SEEKER:
        return None
    return account


async def _followed_case(context: BotContext, account: Account) -> Case | None:
    """The household's case while the carrier that follows it may see it."""
    case = await cases.get_case(context.db, account.id)
    if case is None or not await consents.has_consent(context.db, account.id, case.carrier_id):
        return None
    return case


async def on_my_case(update: Update, context: BotContext) -> None:
    account = _seeker(context)
    if account is None:
        await show_main_menu(update, context)
        return
    t, i18n = context.t, context.i18n
    case = await _followed_case(context, account)
    if case is None:
        text = t(
            "No carrier follows your case yet. When you share your housing search with a "
            "carrier, its caseworkers help you step by step, and here you see what comes next."
        )
        rows = [[MAIN_MENU.button("🔎 " + t("My housing search"), "mysearch")], menu_row(context)]
        await show(update, context, text, rows)
        return
    carrier = await accounts.get_carrier(context.db, case.carrier_id)
    assert carrier is not None
    # TRANSLATORS: {carrier} is e.g. Caritas, {status} e.g. "Offer received".
    header = t("📋 <b>Your case</b> with {carrier}\nStatus: {status}, since {date}").format(
        carrier=i18n.isolate(html.escape(carrier.name)),
        status=status_label(i18n, case.status),
        date=_day(i18n, case),
    )
    parts = [header, next_step(i18n, case.status, html.escape(carrier.name))]
    upcoming = await viewings.household_viewings(context, account)
    if upcoming:
        parts.append(upcoming)
    await show(update, context, "\n\n".join(parts), [menu_row(context)])


def render_status_notice(params: Mapping[str, Any], tr: Translator) -> Rendered:
    status = CaseStatus(params["status"])
    headline = tr.gettext("📋 Your case now has the status: <b>{status}</b>").format(
        status=status_label(tr, status)
    )
    text = f"{headline}\n\n{next_step(tr, status, html.escape(params['carrier']))}"
    rows = [[MY_CASE.button("📋 " + tr.gettext("My case"), "show")], menu_row_in(tr)]
    return Rendered(text, outbox_buttons(rows))


def render_checkin(params: Mapping[str, Any], tr: Translator) -> Rendered:
    week = int(params["week"])
    parts = [
        tr.gettext(
            "👋 How are you in your new home? If something does not work (the flat, the "
            "rent, letters you do not understand), tell us and your carrier will help."
        )
    ]
    if "anmeldung_by" in params:
        deadline = date.fromisoformat(params["anmeldung_by"])
        parts.append(
            tr.gettext(
                "Reminder: register your new address at the Bürgeramt (Anmeldung) by {date}. "
                "Bring the Wohnungsgeberbestätigung from your landlord."
            ).format(date=tr.date(deadline, "long"))
        )
    rows = [
        [
            CHECK_IN.button("😊 " + tr.gettext("All is well"), week, "ok"),
            CHECK_IN.button("🆘 " + tr.gettext("I need help"), week, "help"),
        ],
        menu_row_in(tr),
    ]
    return Rendered("\n\n".join(parts), outbox_buttons(rows))


def render_help_needed(params: Mapping[str, Any], tr: Translator) -> Rendered:
    weeks = int(params["week"])
    text = tr.ngettext(
        "🆘 Case {number} asks for help after the move (check-in after {weeks} week). "
        "Please contact the household.",
        "🆘 Case {number} asks for help after the move (check-in after {weeks} weeks). "
        "Please contact the household.",
        weeks,
    ).format(number=tr.isolate(str(params["case_number"])), weeks=tr.number(weeks))
    rows = [
        [CASE_CARD.button("📁 " + tr.gettext("Open the case"), params["user_id"])],
        menu_row_in(tr),
    ]
    return Rendered(text, outbox_buttons(rows))


async def on_checkin(update: Update, context: BotContext) -> None:
    week, answer = parsed(update).args
    account, now = _seeker(context), context.now()
    case = await _followed_case(context, account) if account else None
    if case is None or not takes_checkins(case.status) or int(week) not in AFTERCARE_CHECKINS:
        await answer_expired(update, context)  # someone else's, or the aftercare has ended
        return
    if answer == "help":
        async with context.db.transaction() as db:
            staff = await staff_to_tell(db, case.carrier_id, None)
            params = {"case_number": case.case_number, "user_id": case.user_id, "week": int(week)}
            key = f"aftercare:{case.user_id}:{to_db(case.status_since)}:{week}:help"
            await notify(db, staff, HELP_NEEDED, params, key, now)
    carrier = await accounts.get_carrier(context.db, case.carrier_id)
    assert carrier is not None
    t, name = context.t, context.i18n.isolate(html.escape(carrier.name))
    if answer == "help":
        thanks = t("Thank you for telling us. {carrier} knows now and will contact you soon.")
        # The route without the bot too; it holds staff-written text, so it is not formatted.
        text = "\n\n".join((thanks.format(carrier=name), await texts.offline_route(context)))
    else:
        text = t("Good to hear! If you ever need help, you can contact {carrier}.").format(
            carrier=name
        )
    await show(update, context, text, [menu_row(context)])


SEEKERS = frozenset({Role.SEEKER})


def register(app: BotApp) -> None:
    add_case_section(app, status_section)
    for route, callback in (
        (SET_STATUS, on_status),
        (STATUS_CHOICES, on_status_list),
        (MY_CASE, on_my_case),
        (CHECK_IN, on_checkin),
    ):
        app.add_handler(route.handler(callback))
    add_menu_entry(app, MenuEntry(N_("My case"), "📋", MY_CASE.data("show"), SEEKERS, order=15))
    register_renderer(app, STATUS_NOTICE, render_status_notice, essential=True)
    register_renderer(app, CHECKIN, render_checkin)
    register_renderer(app, HELP_NEEDED, render_help_needed, essential=True)
