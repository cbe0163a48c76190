"""The move-out case's buttons. Staff buttons name a case (users.id) or a viewing: claims,
checked against the presser's carrier and the household's consent on every press. A
household's viewing or check-in must be the presser's own.
"""

from __future__ import annotations

from domain.accompaniment import Kind
from domain.case_status import CaseStatus
from domain.cases import CASE_NUMBER_ALPHABET, CASE_NUMBER_LENGTH
from domain.viewings import ViewingOutcome
from handlers.common.routes import ASK_YES, ID, YES_NO, Route, chars, one_of

CASE_NUMBER = chars(CASE_NUMBER_ALPHABET, CASE_NUMBER_LENGTH, shortest=CASE_NUMBER_LENGTH)

# Staff: the case card and consent
CASE_CARD = Route("cv", ID)  # show this case (users.id)
ASK_CONSENT = Route("cq", CASE_NUMBER)  # ask the case with this number to consent
SET_STATUS = Route("xs", ID, one_of(*CaseStatus), one_of("go", "yes"))  # yes: confirmed
STATUS_CHOICES = Route("xl", ID)  # every status this case may move to
FIGURES = Route("xt", one_of("stats", "export"))  # figures, CSV export
NEW_VIEWING = Route("vn", ID)  # schedule a viewing for this case
VIEWING = Route("vw", ID)  # show this viewing
RESCHEDULE_VIEWING = Route("vr", ID)  # a new time or place for this viewing
CANCEL_VIEWING = Route("vx", ASK_YES, ID)
VIEWING_OUTCOME = Route("vo", ID, one_of(*ViewingOutcome))
STOP_VIEWING_QUESTION = Route("vq", one_of("stop"))  # stop the typed question
ASK_COMPANION = Route("kr", ID)  # ask for a companion for this case: which kind?
COMPANION_KIND = Route("kk", ID, one_of(*Kind))  # … of this kind
# Households
CONSENT_ANSWER = Route("ca", YES_NO, ID)  # answer to this carrier's consent request
MY_CASE = Route("xm", one_of("show"))
CHECK_IN = Route("xc", chars("0-9", 2), one_of("ok", "help"))  # the check-in of this week
VIEWING_ANSWER = Route("va", ID, YES_NO)  # I'll come / I can't come
VIEWING_COMPANION = Route("kv", ID)  # a companion for this viewing (household or staff)
# Volunteers
ACCEPT_COMPANION = Route("ka", ID)  # accept this request (only who was asked)
COMPANION_OFFER = Route("ko", one_of("show", "districts", "languages", "kinds"))  # screens
COMPANION_TOGGLE = Route("kt", one_of("d", "l", "k", "a"), chars("a-z0-9_", 16))  # d, l, k, on
