"""The buttons of /start, the menu's settings, my data, notifications and data expiry."""

from __future__ import annotations

from domain.outbox import Topic
from handlers.common.routes import ASK_YES, ID, LOCALE, YES_NO, Route, one_of

ROLE = one_of("seeker", "volunteer")

CHOOSE_ROLE = Route("rl", ROLE, LOCALE)  # role chosen, before consent: nothing stored yet
CONSENT = Route("cs", YES_NO, ROLE, LOCALE)  # the answer to the privacy notice
DELETE_DATA = Route("dl", YES_NO)  # confirm deleting all my data
DOWNLOAD_DATA = Route("md", one_of("json"))  # send my data as a file
STILL_LOOKING_ANSWER = Route("sl", YES_NO, ID)  # still looking with this search? (search id)
NOTIFICATIONS = Route("nt", one_of("show"))  # show the notification settings
WITHDRAW_CONSENT = Route("cw", ASK_YES, ID)  # a seeker withdraws consent from this carrier
NOTIFICATION_TOPIC = Route("ns", one_of(*Topic), one_of("on", "off"))  # turn a topic on or off
