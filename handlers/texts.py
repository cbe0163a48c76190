"""Longer texts that several handlers show: the privacy notice and the route without the bot."""

from __future__ import annotations

import html

from bot.context import BotContext
from bot.i18n import Translator
from domain.accounts import Role, StaffRole
from storage import accounts


def staff_role_label(tr: Translator, role: StaffRole | None) -> str:
    if role is StaffRole.COORDINATOR:
        return tr.pgettext("staff role", "coordinator")
    return tr.pgettext("staff role", "caseworker")


def privacy_notice(context: BotContext) -> str:
    t = context.t
    return "\n\n".join(
        (
            "🔒 <b>" + t("Privacy") + "</b>",
            t(
                "What we store: your Telegram number (id), your language, whether you look for "
                "a flat or volunteer, and the date you agreed. Later only what you enter "
                "yourself, for example your housing search or appointments."
            ),
            t(
                "What we never store: your health, your religion, your asylum story or copies "
                "of your documents."
            ),
            t(
                "Why: so that the move-out programme (Auszugsmanagement) can help you find a "
                "flat and remind you of appointments."
            ),
            t(
                "Who sees it: only the staff of the carrier you choose (Caritas, DRK or Kölner "
                "Flüchtlingsrat), and only after you agree. Nobody else."
            ),
            t("Your rights: /mydata shows what is stored. /delete deletes everything at once."),
        )
    )


async def offline_route(context: BotContext) -> str:
    """How to get help without the bot; always shown beside the bot's own way."""
    volunteer = context.account is not None and context.account.role is Role.VOLUNTEER
    lines = [
        context.t("Without the bot: contact a carrier directly.")
        if volunteer  # volunteers do not live in the shelters
        else context.t(
            "Without the bot: talk to the social workers in your shelter, or contact a "
            "carrier directly."
        )
    ]
    for carrier in await accounts.list_carriers(context.db):
        if carrier.contact:
            # TRANSLATORS: {carrier} is a name such as Caritas; {contact} is German text
            # with office hours and a phone number, written by staff.
            lines.append(
                context.t("{carrier}: {contact}").format(
                    carrier=context.i18n.isolate(html.escape(carrier.name)),
                    contact=context.i18n.isolate(html.escape(carrier.contact)),
                )
            )
    return "\n".join(lines)
