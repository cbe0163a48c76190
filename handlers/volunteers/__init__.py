"""For volunteers: workshops, questions to caseworkers (advice), the volunteer profile."""

from __future__ import annotations

from bot.context import BotApp
from handlers.volunteers import advice, advice_staff, profile, workshop_admin, workshops

# What other features may use (tests/test_architecture.py keeps them to these names).
from handlers.volunteers.profile import summary as profile_summary

__all__ = ["profile_summary", "register"]


def register(app: BotApp) -> None:
    workshops.register(
        app
    )  # /workshops: list, register, waitlist; the workshop messages of the outbox
    workshop_admin.register(
        app
    )  # staff: the workshop form, announce, cancel, participants and CSV
    advice.register(app)  # /ask: volunteers' questions to caseworkers, replies, "solved"
    advice_staff.register(app)  # /questions: staff take and answer questions
    profile.register(app)  # /profile: the volunteer's first name, Veedel, languages, topics
