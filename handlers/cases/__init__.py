"""The move-out case: the staff's case card and consent, status, viewings, accompaniment,
figures.
"""

from __future__ import annotations

from bot.context import BotApp
from handlers.cases import accompaniment, card, mydata, progress, stats, viewings


def register(app: BotApp) -> None:
    card.register(app)  # /find, the case card, consent requests and answers, withdrawing consent
    progress.register(app)  # a case's status on the case card, the household's case, aftercare
    # viewings: scheduled by staff (typed), answered by the household, reminders
    viewings.register(app)
    accompaniment.register(app)  # volunteers' offers to go along, requests for a companion
    stats.register(app)  # /stats and /export for staff
    mydata.register(app)  # its part of /mydata
