"""For volunteers: workshops, questions to caseworkers (advice), the volunteer profile."""

from __future__ import annotations

from bot.context import BotApp
from handlers.volunteers import advice, advice_staff, mydata, profile, workshop_admin, workshops


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
    mydata.register(app)  # its part of /mydata
