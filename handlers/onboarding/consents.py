"""Which carriers see a seeker's case, on the privacy screen, and withdrawing that consent.

Consent is given where a carrier asks for it (cases/card.py); it is taken back here, at any
time, without a reason.
"""

from __future__ import annotations

import html

from telegram import Update

from bot.context import BotApp, BotContext
from domain.accounts import Account, Role
from handlers.common.guards import answer_expired
from handlers.common.routes import MAIN_MENU, parsed
from handlers.common.ui import Keyboard, menu_row, show
from handlers.onboarding.routes import WITHDRAW_CONSENT
from storage import accounts, consents


async def consent_overview(context: BotContext, account: Account) -> tuple[str, Keyboard]:
    """Which carriers see the seeker's case now, with a button to withdraw each."""
    carrier_ids = await consents.consented_carriers(context.db, account.id)
    carriers = [c for c in await accounts.list_carriers(context.db) if c.id in carrier_ids]
    if not carriers:
        return context.t("No carrier can see your case now."), []
    names = context.i18n.join([html.escape(c.name) for c in carriers])
    text = context.t("These carriers can see your case now: {carriers}.").format(carriers=names)
    rows = [
        [
            WITHDRAW_CONSENT.button(
                context.t("Withdraw consent for {carrier}").format(carrier=c.name), "ask", c.id
            )
        ]
        for c in carriers
    ]
    return text, rows


async def on_withdraw(update: Update, context: BotContext) -> None:
    step, carrier_id = parsed(update).args
    account = context.account
    carrier = await accounts.get_carrier(context.db, int(carrier_id))
    if account is None or account.role is not Role.SEEKER or carrier is None:
        await answer_expired(update, context)
        return
    t, name = context.t, context.i18n.isolate(html.escape(carrier.name))
    back = [MAIN_MENU.button("« " + t("Back"), "privacy")]
    if step == "ask":
        text = t(
            "Do you want {carrier} to stop seeing your case? Its staff will not see it any "
            "more, from now on. You can agree again later."
        ).format(carrier=name)
        rows = [[WITHDRAW_CONSENT.button(t("Yes, withdraw"), "yes", carrier.id)], back]
        await show(update, context, text, rows)
        return
    async with context.db.transaction() as db:
        await consents.withdraw_consent(db, account.id, carrier.id)
    text = t("Done. {carrier} can no longer see your case.").format(carrier=name)
    await show(update, context, text, [back, menu_row(context)])


def register(app: BotApp) -> None:
    app.add_handler(WITHDRAW_CONSENT.handler(on_withdraw))
