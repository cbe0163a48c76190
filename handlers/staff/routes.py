"""The staff's buttons; every id is a claim, checked against the presser's carrier on each
use.
"""

from __future__ import annotations

from handlers.common.routes import ASK_YES, ID, Route, chars, one_of

STAFF_MENU = Route("st", one_of("invite", "team", "audit", "languages"))  # staff menu items
INVITE_CARRIER = Route("ic", ID)  # invitation: carrier chosen, now pick the role
INVITE_ROLE = Route("iv", ID, one_of("caseworker", "coordinator"))  # create the invitation
TEAM_PAGE = Route("tm", ID)  # the staff list from this offset
REMOVE_STAFF = Route("sr", ASK_YES, ID)  # remove this staff member (users.id)
AUDIT_PAGE = Route("au", ID)  # the audit log from this offset
NEW_ANNOUNCEMENT = Route("po", one_of("new"))
ANNOUNCEMENT = Route(  # an announcement's draft: its id, the step, the value
    "pa",
    ID,
    one_of("audience", "district", "language", "back", "text", "send", "yes", "drop"),
    chars("a-z0-9", 12),
)
