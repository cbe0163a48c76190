"""Consultation hours (Sprechstunden, Beratung): booking for seekers and volunteers, slots for
staff.
"""

from __future__ import annotations

from bot.context import BotApp
from handlers.appointments import bookings, slots

# What other features may use (tests/test_architecture.py keeps them to these names).
from handlers.appointments.texts import kind_name, when_short

__all__ = ["kind_name", "register", "when_short"]


def register(app: BotApp) -> None:
    bookings.register(app)  # /book, /appointments: consultation hours for seekers and volunteers
    slots.register(app)  # /slots: staff create consultation hours and see who booked
