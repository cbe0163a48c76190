"""Consultation hours (Sprechstunden, Beratung): booking for seekers and volunteers, slots for
staff.
"""

from __future__ import annotations

from bot.context import BotApp
from handlers.appointments import bookings, mydata, slots


def register(app: BotApp) -> None:
    bookings.register(app)  # /book, /appointments: consultation hours for seekers and volunteers
    slots.register(app)  # /slots: staff create consultation hours and see who booked
    mydata.register(app)  # its part of /mydata
