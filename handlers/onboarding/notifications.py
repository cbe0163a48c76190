"""/notifications: which topics of the outbox a user gets; every topic is on until turned off.

The buttons carry the wanted state (`ns:listings:off`), so pressing an old one twice changes
nothing. The sender checks the setting when a message's turn comes (bot/delivery.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from bot.i18n import N_
from domain.outbox import Topic
from handlers.common.main_menu import is_registered, show_main_menu
from handlers.common.routes import parsed
from handlers.common.ui import Keyboard, menu_row, show
from handlers.onboarding.routes import NOTIFICATION_TOPIC, NOTIFICATIONS
from storage import outbox

TOPIC_LABELS = {
    Topic.APPOINTMENTS: N_("Reminders of my appointments"),
    Topic.VIEWINGS: N_("Reminders of flat viewings"),
    Topic.LISTINGS: N_("Offers of flats"),
    Topic.WORKSHOPS: N_("Workshops"),
    Topic.ANNOUNCEMENTS: N_("News from the carriers"),
}


def _rows(context: BotContext, off: frozenset[Topic]) -> Keyboard:
    rows = []
    for topic, label in TOPIC_LABELS.items():
        on = topic not in off
        mark = "✅" if on else "🔕"
        rows.append(
            [NOTIFICATION_TOPIC.button(f"{mark} {context.t(label)}", topic, "off" if on else "on")]
        )
    rows.append(menu_row(context))
    return rows


async def _show_settings(update: Update, context: BotContext) -> None:
    account = context.account
    if account is None or not is_registered(account):
        await show_main_menu(update, context)
        return
    t = context.t
    text = "\n\n".join(
        (
            t("Which messages do you want to get? ✅ means on, 🔕 means off. Tap one to switch."),
            t(
                "Reminders of appointments you booked (Sprechstunde: open consultation hours, "
                "Beratung: advice) stay on unless you turn them off. At night we send only "
                "reminders; everything else waits until the morning."
            ),
        )
    )
    off = await outbox.disabled_topics(context.db, account.id)
    await show(update, context, text, _rows(context, off))


async def on_topic(update: Update, context: BotContext) -> None:
    account = context.account
    if account is not None and is_registered(account):
        topic, wanted = parsed(update).args
        async with context.db.transaction() as db:
            await outbox.set_topic_enabled(db, account.id, Topic(topic), wanted == "on")
    await _show_settings(update, context)


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("notifications", _show_settings))
    app.add_handler(NOTIFICATIONS.handler(_show_settings))
    app.add_handler(NOTIFICATION_TOPIC.handler(on_topic))
