"""Cases for staff and the consent hand-off between a seeker and a carrier.

Staff find a case by the short case number the seeker tells them; they see it only while the
seeker consents to their carrier, and every look is in the audit log. A staff member can ask
a seeker through the bot; the seeker answers with a button and can withdraw at any time
(onboarding/consents.py).
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from bot.features import CaseView
from bot.limits import CONSENT_REQUEST_INTERVAL
from domain.access import Action, Actor, may
from domain.accounts import Account, Carrier
from domain.cases import ConsentAnswer, may_ask_consent, parse_case_number
from domain.locales import language_name
from handlers.cases.routes import ASK_CONSENT, CASE_CARD, CONSENT_ANSWER
from handlers.common.guards import (
    actor_of,
    answer_expired,
    record_refusal,
    requires,
    what_was_tried,
)
from handlers.common.routes import parsed
from handlers.common.ui import Keyboard, menu_row, menu_row_in, show
from storage import accounts, consents
from storage.db import Db


async def read_case(
    context: BotContext,
    actor: Actor,
    load: Callable[[Db], Awaitable[Account | None]],
    tried: str,
) -> CaseView | None:
    """Loads a case for the actor's carrier and writes the read, or the refusal, to the
    audit log in the same transaction: nothing is shown that was not logged, and a consent
    withdrawn a moment ago already hides it."""
    async with context.db.transaction() as db:
        case = await load(db)
        shared_since = (
            await consents.consent_granted_at(db, case.id, actor.carrier_id)
            if case is not None and actor.carrier_id is not None
            else None
        )
        consented = shared_since is not None
        if case is None or not may(actor, Action.VIEW_CASE, actor.carrier_id, consented=consented):
            await record_refusal(db, context, actor, Action.VIEW_CASE, tried)
            return None
        assert actor.carrier_id is not None and shared_since is not None
        await consents.record_audit(
            db,
            actor_telegram_id=actor.telegram_id,
            action=Action.VIEW_CASE,
            now=context.now(),
            carrier_id=actor.carrier_id,
            subject_user_id=case.id,
            detail=f"case={case.case_number}",
        )
        carrier = await accounts.get_carrier(db, actor.carrier_id)
    assert carrier is not None
    return CaseView(case, carrier, shared_since)


async def show_case(update: Update, context: BotContext, view: CaseView) -> None:
    i18n, case = context.i18n, view.case

    def day(moment: datetime) -> str:
        return i18n.date(moment.astimezone(i18n.tz).date(), "medium")

    # TRANSLATORS: the basic data of a case as staff see it; each value is filled in.
    text = context.t(
        "📁 <b>Case {number}</b>\n"
        "Language: {language}\n"
        "Registered on: {registered}\n"
        "Shared with {carrier} since: {shared}\n"
        "Last active: {last_active}"
    ).format(
        number=i18n.isolate(str(case.case_number)),
        language=language_name(case.locale, i18n.locale),
        registered=day(case.created_at),
        carrier=html.escape(view.carrier.name),
        shared=i18n.datetime(view.shared_since, "short"),
        last_active=day(case.last_seen_at),
    )
    rows: Keyboard = []
    for section in context.bot_data.case_sections:
        part = await section(context, view)
        if part is not None:
            text = f"{text}\n\n{part[0]}" if part[0] else text
            rows += part[1]
    await show(update, context, text, [*rows, menu_row(context)])


@requires(Action.FIND_CASE)
async def on_find(update: Update, context: BotContext) -> None:
    number = parse_case_number("".join(context.args or []))
    if number is None:
        # TRANSLATORS: keep the command and the example case number as they are.
        text = context.t(
            "Please write it like this: /find K7M2QX\n"
            "The case number has 6 letters and digits. The person finds it in /mydata."
        )
        await show(update, context, text, [menu_row(context)])
        return
    actor = actor_of(update, context)
    view = await read_case(
        context, actor, lambda db: accounts.find_case(db, number), f"case={number}"
    )
    if view is not None:
        await show_case(update, context, view)
        return
    # The same answer whether the number does not exist or its seeker did not consent.
    assert actor.carrier_id is not None  # requires(FIND_CASE): staff of a carrier
    carrier = await accounts.get_carrier(context.db, actor.carrier_id)
    assert carrier is not None
    text = context.t(
        "No case {number} shares its data with {carrier}. If the person gave you this "
        "number, you can ask them through the bot to share it."
    ).format(number=number, carrier=html.escape(carrier.name))
    rows = [[ASK_CONSENT.button("✉ " + context.t("Ask for consent"), number)], menu_row(context)]
    await show(update, context, text, rows)


@requires(Action.FIND_CASE)
async def on_case_button(update: Update, context: BotContext) -> None:
    user_id = int(parsed(update).arg)
    actor = actor_of(update, context)
    view = await read_case(
        context, actor, lambda db: accounts.get_case(db, user_id), what_was_tried(update)
    )
    if view is None:
        await answer_expired(update, context)
        return
    await show_case(update, context, view)


@requires(Action.ASK_CONSENT)
async def on_ask_consent(update: Update, context: BotContext) -> None:
    number = parsed(update).arg
    actor = actor_of(update, context)
    assert actor.carrier_id is not None
    now = context.now()
    async with context.db.transaction() as db:
        case = await accounts.find_case(db, number)
        request_id = None
        if case is not None:
            consented = await consents.has_consent(db, case.id, actor.carrier_id)
            last = await consents.latest_consent_request(db, case.id, actor.carrier_id)
            if may_ask_consent(
                last, consented=consented, now=now, interval=CONSENT_REQUEST_INTERVAL
            ):
                request_id = await consents.open_consent_request(
                    db, case.id, actor.carrier_id, actor.telegram_id, now
                )
                await consents.record_audit(
                    db,
                    actor_telegram_id=actor.telegram_id,
                    action=Action.ASK_CONSENT,
                    now=now,
                    carrier_id=actor.carrier_id,
                    subject_user_id=case.id,
                    detail=f"case={number}",
                )
        carrier = await accounts.get_carrier(db, actor.carrier_id)
    assert carrier is not None
    if case is not None and request_id is not None:
        await _send_consent_question(context, case, carrier, request_id)
    # The same answer whether the number exists, was asked recently or already agreed.
    text = context.t(
        "If {number} is the right case number, the person now gets the question in their "
        "language. You will get a message when they answer. If nothing comes, check the "
        "number with them. {carrier} asks the same person at most once a week."
    ).format(number=number, carrier=html.escape(carrier.name))
    await show(update, context, text, [menu_row(context)])


async def _send_consent_question(
    context: BotContext, case: Account, carrier: Carrier, request_id: int
) -> None:
    tr = context.bot_data.catalogs.get(case.locale)
    name = tr.isolate(html.escape(carrier.name))
    text = tr.gettext(
        "{carrier}, a carrier of the move-out programme (Auszugsmanagement), asks to see your "
        "case so that its staff can help you. They would see your case number, your language "
        "and what you enter in this bot, for example your housing search.\n\n"
        "You can withdraw this at any time with /privacy.\n\n"
        "<b>Do you agree that {carrier} sees your case?</b>"
    ).format(carrier=name)
    rows = [
        [CONSENT_ANSWER.button("✓ " + tr.gettext("Yes, I agree"), "yes", request_id)],
        [CONSENT_ANSWER.button("✗ " + tr.gettext("No, I do not agree"), "no", request_id)],
        menu_row_in(tr),
    ]
    with suppress(BadRequest, Forbidden):  # blocked the bot: staff hear nothing, as for a typo
        await context.bot.send_message(
            case.telegram_id, text, reply_markup=InlineKeyboardMarkup(rows)
        )


async def on_consent_answer(update: Update, context: BotContext) -> None:
    """The seeker's answer. The request id is a claim: it must be theirs and still open."""
    answer, request_id = parsed(update).args
    account, now = context.account, context.now()
    granted = answer == "yes"
    async with context.db.transaction() as db:
        request = await consents.get_consent_request(db, int(request_id))
        if account is None or request is None or request.user_id != account.id:
            request = None
        if request is not None and request.is_open:
            result = ConsentAnswer.GRANTED if granted else ConsentAnswer.DECLINED
            await consents.answer_consent_request(db, request.id, result, now)
            if granted:
                await consents.grant_consent(db, account.id, request.carrier_id, now)
            asker = await accounts.get_account(db, request.requested_by)
            carrier = await accounts.get_carrier(db, request.carrier_id)
    if request is None or not request.is_open:  # someone else's, or answered already
        await answer_expired(update, context)
        return
    assert account is not None and carrier is not None
    name = context.i18n.isolate(html.escape(carrier.name))
    if granted:
        text = context.t(
            "Thank you. {carrier} can now see your case. You can withdraw this at any time "
            "with /privacy."
        )
    else:
        text = context.t("All right. {carrier} cannot see your case.")
    await show(update, context, text.format(carrier=name), [menu_row(context)])
    if asker is not None and asker.carrier_id == request.carrier_id:
        await _tell_asker(context, asker, account, granted=granted)


async def _tell_asker(
    context: BotContext, asker: Account, case: Account, *, granted: bool
) -> None:
    """Only the staff member who asked, and only while still staff of that carrier."""
    tr = context.bot_data.catalogs.get(asker.locale)
    number = tr.isolate(str(case.case_number))
    rows: Keyboard = [menu_row_in(tr)]
    if granted:
        text = tr.gettext("Case {number} agreed to share its data with your carrier.")
        rows.insert(0, [CASE_CARD.button("📁 " + tr.gettext("Open the case"), case.id)])
    else:
        text = tr.gettext("Case {number} did not agree to share its data with your carrier.")
    with suppress(BadRequest, Forbidden):
        await context.bot.send_message(
            asker.telegram_id, text.format(number=number), reply_markup=InlineKeyboardMarkup(rows)
        )


# The seeker's side: what /privacy and /mydata add for them.


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("find", on_find))
    for route, callback in (
        (CASE_CARD, on_case_button),
        (ASK_CONSENT, on_ask_consent),
        (CONSENT_ANSWER, on_consent_answer),
    ):
        app.add_handler(route.handler(callback))
