"""Consultation hours' buttons. Slot and booking ids are claims; staff's are checked
against their carrier.
"""

from __future__ import annotations

from domain.appointments import SlotKind
from handlers.common.routes import ASK_YES, DAY, ID, KIND, Route, chars, one_of

# Seekers and volunteers (the days at one carrier: common BOOK_AT_CARRIER)
BOOK = Route("bk", one_of("start", *SlotKind))  # what to book; this kind
BOOK_DAY = Route("bd", KIND, ID, DAY)  # day chosen (carrier 0: any): the times
BOOK_SLOT = Route("bb", ASK_YES, ID, ID)  # a slot: details, book; the carrier filter
JOIN_WAITLIST = Route("wj", ID, ID)  # join the waitlist of this slot
WAITLIST_OFFER = Route("wo", one_of("take", "no"), ID)  # a place offered (booking id)
MY_APPOINTMENTS = Route("bl", one_of("mine"))
# a booking: details, its calendar file, "I'll come", other times to move it to
BOOKING = Route("bv", one_of("show", "ics", "come", "move"), ID)
CANCEL_BOOKING = Route("bx", ASK_YES, ID)  # cancel a booking or leave a waitlist
MOVE_BOOKING = Route("bm", ASK_YES, ID, ID)  # move this booking to this slot
# Staff
SLOTS_PAGE = Route("bg", ID)  # the carrier's slots from this offset
NEW_SLOT = Route("bn", KIND)  # a new slot of this kind
SLOT_DRAFT = Route(  # the draft's choices
    "bq", one_of("aud", "wk", "lg", "save", "stop"), chars("a-z0-9", 12)
)
SLOT = Route("bo", one_of("show", "edit"), ID)  # a slot with its bookings; change it
CANCEL_SLOT = Route("bz", ASK_YES, ID)
MARK_ATTENDANCE = Route("bt", one_of("attended", "no_show"), ID)  # of a booking
DAY_LIST_CSV = Route("bu", DAY)  # the day's list as a CSV file
