"""The move-out case: the staff's case card and consent, status, viewings, accompaniment,
figures.
"""

from __future__ import annotations

from bot.context import BotApp
from handlers.cases import accompaniment, card, progress, stats, viewings

# What other features may use (tests/test_architecture.py keeps them to these names).
from handlers.cases.actions import audit, authorized_case, move_case
from handlers.cases.card import case_data, consent_overview
from handlers.cases.texts import answer_label, kind_label, outcome_label, status_label
from handlers.cases.viewings import cancel_viewing, refresh_documents

__all__ = [
    "answer_label",
    "audit",
    "authorized_case",
    "cancel_viewing",
    "case_data",
    "consent_overview",
    "kind_label",
    "move_case",
    "outcome_label",
    "refresh_documents",
    "register",
    "status_label",
]


def register(app: BotApp) -> None:
    card.register(app)  # /find, the case card, consent requests and answers, withdrawing consent
    progress.register(app)  # a case's status on the case card, the household's case, aftercare
    # viewings: scheduled by staff (typed), answered by the household, reminders
    viewings.register(app)
    accompaniment.register(app)  # volunteers' offers to go along, requests for a companion
    stats.register(app)  # /stats and /export for staff
