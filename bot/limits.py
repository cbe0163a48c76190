"""Every limit the bot respects, in one place: Telegram's own and ours."""

from __future__ import annotations

from datetime import timedelta

from telegram.constants import (
    BotCommandLimit,
    BotDescriptionLimit,
    CallbackQueryLimit,
    FileSizeLimit,
    InlineKeyboardButtonLimit,
    InlineKeyboardMarkupLimit,
    MediaGroupLimit,
    MessageLimit,
    PollingLimit,
)

from domain.outbox import RetryPolicy

MAX_TEXT_LENGTH = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096 characters
MIN_TEXT_LENGTH = int(MessageLimit.MIN_TEXT_LENGTH)  # 1 character
MAX_CAPTION_LENGTH = int(MessageLimit.CAPTION_LENGTH)  # 1024 characters
MAX_CALLBACK_DATA = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)  # 64 bytes
MAX_BUTTONS = int(InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER)  # 100 per message (undocumented)
MAX_CALLBACK_ANSWER = int(CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH)  # 200 chars
MAX_COMMAND_DESCRIPTION = int(BotCommandLimit.MAX_DESCRIPTION)  # 256 characters
MAX_BOT_DESCRIPTION_LENGTH = int(BotDescriptionLimit.MAX_DESCRIPTION_LENGTH)  # 512 characters
MAX_BOT_SHORT_DESCRIPTION_LENGTH = int(BotDescriptionLimit.MAX_SHORT_DESCRIPTION_LENGTH)  # 120
MAX_FILE_UPLOAD = int(FileSizeLimit.FILESIZE_UPLOAD)  # 50 MB a bot may send
MAX_UPDATES_PER_POLL = int(PollingLimit.MAX_LIMIT)  # 100 updates per getUpdates
MAX_DEEP_LINK_PAYLOAD = int(MessageLimit.DEEP_LINK_LENGTH)  # 64 characters of [A-Za-z0-9_-]
MAX_ALBUM = int(MediaGroupLimit.MAX_MEDIA_LENGTH)  # 10 photos in one message

# Not in telegram.constants: documented in the Bot API FAQ and PTB's "Avoiding flood limits".
MESSAGES_PER_SECOND = 30  # across all chats
MESSAGES_PER_CHAT_PER_SECOND = 1

# Ours.
LAST_SEEN_RESOLUTION = timedelta(hours=1)  # how often a user's last_seen is written
RECENT_SCREENS = 1000  # edits remembered, so a fast second tap of a button changes nothing
SANDBOX_LONG_POLL_SECONDS = 30  # the sandbox holds a getUpdates or a page's poll at most so long
INVITE_VALIDITY = timedelta(hours=72)  # a staff invitation link works once, this long
CONSENT_REQUEST_INTERVAL = timedelta(days=7)  # a carrier asks the same seeker at most this often
AUDIT_PAGE_SIZE = 20  # audit entries per /audit message (fewer if they would not fit)
TEAM_PAGE_SIZE = 10  # staff per /team message, each with a remove button
MYDATA_ACCESS_ENTRIES = 20  # the latest staff accesses listed in a seeker's /mydata
MAX_LISTING_PHOTOS = MAX_ALBUM  # a household sees them all in one album
LISTINGS_PAGE_SIZE = 10  # listings per "My listings" message, for staff and households
LET_CANDIDATES = 20  # shortlisted households offered as the tenant when a flat is let
SHORTLIST_PAGE_SIZE = 8  # households per shortlist message (fewer if they would not fit)
WORKSHOP_LIST_SIZE = 10  # workshops listed by /workshops, the soonest first
QUESTIONS_PAGE_SIZE = 10  # open questions per staff message
# Questions to caseworkers, counted as sent (HTML-escaped): a question and an answer fit in
# one message each, and an answer with its question quoted fits one too.
MAX_QUESTION_LENGTH = 2000
MAX_ANSWER_LENGTH = 3000
MAX_QUOTE_LENGTH = 500  # the question quoted above an answer is cut to this, at a word
MAX_CARRIER_CONTACT = 200  # a carrier's office hours and phone (/setcontact), as sent
MAX_ECHO_LENGTH = 60  # typed text the bot repeats in a message ("I do not know “…”")

# The outbox sender (bot/delivery.py).
# A request reaches Telegram a little after the sender starts it, and a busy machine can
# stall the process in between; this slack on top of Telegram's second keeps such delays
# (up to 80 ms) from squeezing 31 sends into one of its seconds. Costs 7 % of the rate.
PACING_WINDOW = timedelta(seconds=1.08)
# Direct answers (bot/limiter.py): a 5xx, a time-out or a 429 is tried again, 3 times at most,
# after 0.25 s, 0.5 s, 1 s (a 429 after its retry_after): with 20 % of requests failing, about
# 1 answer in 600 is still lost, and a user waits 2 s more at worst.
ANSWER_ATTEMPTS = 4
ANSWER_BACKOFF = timedelta(seconds=0.25)
MAX_IN_FLIGHT = MESSAGES_PER_SECOND  # concurrent requests; about rate times latency are needed
OUTBOX_BATCH = 60  # rows read per query: a new reminder waits behind at most ~2 s of a broadcast
OUTBOX_POLL = timedelta(seconds=1)  # how often an idle sender looks for due rows
OUTBOX_RETRY = RetryPolicy(
    first_delay=timedelta(seconds=30), max_delay=timedelta(hours=1), max_attempts=5
)  # network errors and 5xx: 30 s, 1 min, 2 min, 4 min, then failed
OUTBOX_KEEP = timedelta(days=30)  # settled rows are deleted after this
OUTBOX_PURGE_EVERY = timedelta(hours=1)
# Telegram keeps an unconfirmed update 24 hours: a handled update's id is kept as long.
UPDATE_IDS_KEPT = timedelta(days=1)
PROGRESS_EVERY = timedelta(seconds=5)  # how often a broadcast status is edited at most

# Consultation hours and bookings (handlers/appointments/: bookings.py, slots.py).
WAITLIST_OFFER_TIME = timedelta(hours=6)  # an offered place is held so long, at most to the start
OFFER_SWEEP_EVERY = timedelta(minutes=1)  # how often lapsed offers are passed on
BOOKING_HORIZON = timedelta(weeks=8)  # how far ahead people can book
BOOKING_DAYS_SHOWN = 12  # day buttons when choosing a date
SLOT_TIMES_SHOWN = 24  # time buttons for one day (a day of 15-minute Beratung)
ALTERNATIVES_OFFERED = 3  # other times offered when staff cancel a slot
SLOTS_PAGE_SIZE = 10  # slots per message in the staff's list
# Cases, viewings and accompaniment.
COMPANION_WAIT = timedelta(hours=24)  # volunteers have this long to accept a request …
COMPANION_LEAD = timedelta(hours=3)  # … but staff hear at least this long before the start
RECENT_VIEWINGS = timedelta(days=14)  # past viewings stay on the case card for an outcome
VIEWINGS_ON_CARD = 5  # viewings listed on a case card at most
STATS_MONTHS = 12  # moves per month: this many months
STATS_WEEKS = 8  # viewings per week: this many weeks back …
STATS_WEEKS_AHEAD = 4  # … and this many ahead
