"""Flat listings: the staff form, a carrier's listing cards and shortlists, letting a flat, offers
to households.
"""

from __future__ import annotations

from bot.context import BotApp
from handlers.listings import cards, form, let, mydata, offers


def register(app: BotApp) -> None:
    form.register(app)  # /listing: staff type a flat listing and publish it
    cards.register(app)  # /listings: a carrier's listings, shortlists, let or withdrawn
    let.register(app)  # a flat let to one of its shortlist: the case moves, other viewings end
    offers.register(app)  # flat offers for households: interest, photos, their flats
    mydata.register(app)  # its part of /mydata
