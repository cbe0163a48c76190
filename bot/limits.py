"""Every limit the bot respects, in one place: Telegram's own and ours."""

from __future__ import annotations

from datetime import timedelta

from telegram.constants import (
    BotCommandLimit,
    CallbackQueryLimit,
    FileSizeLimit,
    InlineKeyboardButtonLimit,
    MessageLimit,
    PollingLimit,
)

MAX_TEXT_LENGTH = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096 characters
MIN_TEXT_LENGTH = int(MessageLimit.MIN_TEXT_LENGTH)  # 1 character
MAX_CAPTION_LENGTH = int(MessageLimit.CAPTION_LENGTH)  # 1024 characters
MAX_CALLBACK_DATA = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)  # 64 bytes
MAX_CALLBACK_ANSWER = int(CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH)  # 200 chars
MAX_COMMAND_DESCRIPTION = int(BotCommandLimit.MAX_DESCRIPTION)  # 256 characters
MAX_FILE_UPLOAD = int(FileSizeLimit.FILESIZE_UPLOAD)  # 50 MB a bot may send
MAX_UPDATES_PER_POLL = int(PollingLimit.MAX_LIMIT)  # 100 updates per getUpdates
MAX_DEEP_LINK_PAYLOAD = int(MessageLimit.DEEP_LINK_LENGTH)  # 64 characters of [A-Za-z0-9_-]

# Not in telegram.constants: documented in the Bot API FAQ and PTB's "Avoiding flood limits".
MESSAGES_PER_SECOND = 30  # across all chats
MESSAGES_PER_CHAT_PER_SECOND = 1

# Ours.
LAST_SEEN_RESOLUTION = timedelta(hours=1)  # how often a user's last_seen is written
SANDBOX_LONG_POLL_SECONDS = 30  # the sandbox holds a getUpdates or a page's poll at most so long
INVITE_VALIDITY = timedelta(hours=72)  # a staff invitation link works once, this long
CONSENT_REQUEST_INTERVAL = timedelta(days=7)  # a carrier asks the same seeker at most this often
AUDIT_PAGE_SIZE = 20  # audit entries per /audit message (fewer if they would not fit)
TEAM_PAGE_SIZE = 10  # staff per /team message, each with a remove button
MYDATA_ACCESS_ENTRIES = 20  # the latest staff accesses listed in a seeker's /mydata
