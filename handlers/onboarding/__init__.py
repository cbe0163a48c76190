"""Getting in and managing oneself: /start, language, the main menu, help, privacy, my data,
/delete, notifications, data expiry.
"""

from __future__ import annotations

from bot.context import BotApp
from handlers.onboarding import consents, menu, mydata, notifications, retention, start


def register(app: BotApp) -> None:
    start.register(app)  # /start: language, role, consent
    menu.register(app)  # main menu items, /help, /privacy, /language, /mydata, /delete
    consents.register(app)  # withdrawing a carrier's consent, from the privacy screen
    mydata.register(app)  # /mydata's "Download my data" file
    retention.register(app)  # the daily retention job; "still looking?" and its answers
    notifications.register(app)  # /notifications: topics on and off
