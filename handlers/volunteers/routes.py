"""Buttons of workshops, questions to caseworkers and the volunteer profile; ids are checked
against the presser's role or carrier.
"""

from __future__ import annotations

from handlers.common.routes import ASK_YES, ID, Route, chars, one_of

# Workshops
WORKSHOPS = Route("ol", one_of("all"))  # the list (staff: their carrier's)
WORKSHOP = Route("ow", ID)
REGISTER_WORKSHOP = Route("or", ID)  # register, or join the waitlist
NOT_THIS_TIME = Route("on", ID)  # "Not this time" under an announcement
LEAVE_WORKSHOP = Route("ox", ASK_YES, ID)  # give up my place or leave the waitlist
WORKSHOP_CALENDAR = Route("oi", ID)  # send me the calendar file
WORKSHOP_ADMIN = Route(  # staff: a new workshop (id 0) or what to do with this one
    "os",
    one_of("new", "stop", "edit", "announce", "participants", "export", "cancel", "cancelyes"),
    ID,
)
# Questions to caseworkers (tickets.id)
ASK_QUESTION = Route("qa", one_of("start"))
QUESTION_CARRIER = Route("qc", ID, chars("a-z", 12, shortest=2))  # carrier code, or "any"
QUESTION_DRAFT = Route("qd", ID, one_of("nohousehold", "back", "send", "cancel"))
OPEN_QUESTIONS_PAGE = Route("ql", ID)  # staff: open questions from this offset
STAFF_QUESTION = Route("qs", one_of("view", "take", "answer", "book"), ID)
MY_QUESTION = Route("qv", one_of("show", "reply", "solved"), ID)  # volunteer
MY_QUESTIONS_PAGE = Route("qm", ID)  # volunteer: my questions from this offset
# The volunteer profile
PROFILE = Route("fp", one_of("show", "name", "clearname", "districts", "languages", "topics"))
PROFILE_DISTRICT = Route("fd", chars("0-9", 2))  # choose or unchoose this district (number)
PROFILE_LANGUAGE = Route("fl", chars("a-z", 3, shortest=2))  # … this language
PROFILE_TOPIC = Route("ft", chars("a-z", 16))  # … this workshop topic
