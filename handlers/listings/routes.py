"""Flat listings' buttons. Staff: ids are claims, checked against the presser's carrier.
Households: valid only for the households the listing was sent to.
"""

from __future__ import annotations

from handlers.common.routes import ID, LOCALE, YES_NO, Route, either, one_of

# Staff
NEW_LISTING = Route("ln", one_of("new"))  # type a new listing, or continue the draft
LISTING_DRAFT = Route("ld", ID, one_of("publish", "form", "photos", "nophotos", "discard", "drop"))
LISTING_PREVIEW = Route("lw", ID, LOCALE)  # preview the draft in this language
LISTINGS_PAGE = Route("lo", ID)  # the carrier's listings from this offset
LISTING_CARD = Route("ls", ID, one_of("show", "release", "withdraw", "withdrawyes"))
# let: ask to whom; to this household (users.id, from the shortlist); to someone else
LET_LISTING = Route("lt", ID, either(one_of("ask", "other"), ID))
SHORTLIST_PAGE = Route("lq", ID, ID)  # a listing's shortlist from this offset
PROPOSE_HOUSEHOLD = Route("pn", ID, ID)  # propose this household (users.id) to the landlord
# Households
OFFER_ANSWER = Route("li", ID, YES_NO)  # interested or not
OFFER_PHOTOS = Route("lp", ID)  # the photos
SHOW_OFFER = Route("lv", ID)  # the offer again
MY_OFFERS_PAGE = Route("lm", ID)  # the flats I am interested in, from this offset
SHARE_SEARCH = Route("ps", ID)  # share my search with the carrier of this listing
