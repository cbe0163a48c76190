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
            retention_periods(context),
            t("Your rights: /mydata shows what is stored. /delete deletes everything at once."),
            t(
                "What stays after /delete: nothing that names you. The carriers keep their "
                "record of what their staff did and when, without you in it, and we keep a "
                "coded fingerprint of your Telegram number, only so that restoring a backup "
                "cannot bring your data back."
            ),
        )
    )


def retention_periods(context: BotContext) -> str:
    """How long data is kept, from the configured periods (bot/settings.py)."""
    t, kept, duration = context.t, context.settings.retention, context.i18n.duration
    # TRANSLATORS: each {period} is a length of time such as "6 months" or "3 years".
    lines = (
        t(
            "A housing search nobody used for {period}: we ask whether you still look. "
            "Without an answer within {answer} we delete your data."
        ).format(
            period=duration(kept.inactive_search), answer=duration(kept.still_looking_answer)
        ),
        t("If you block the bot, your data is deleted after {period}.").format(
            period=duration(kept.blocked_user)
        ),
        t(
            "Appointments, viewings, workshop places and answers to flat offers: deleted "
            "{period} after they took place."
        ).format(period=duration(kept.finished_appointment)),
        t("Questions to caseworkers: the text is deleted {period} after the answer.").format(
            period=duration(kept.answered_question)
        ),
        t(
            "Landlord contact and address of a flat that was let or withdrawn: deleted after "
            "{period}. Staff invitations: deleted {invite} after use."
        ).format(period=duration(kept.closed_listing), invite=duration(kept.invite)),
        t(
            "The log of who worked with a case (audit log): kept {period}. Refused attempts "
            "of people who are not staff: kept {refused}."
        ).format(period=duration(kept.audit), refused=duration(kept.refused_attempt)),
    )
    return "\n".join((t("How long we keep data:"), *("• " + line for line in lines)))


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
