"""The conversation below a question, as the staff member and as the volunteer read it."""

from __future__ import annotations

from bot.i18n import Translator
from domain.advice import Author, TicketMessage, excerpt

THREAD_ENTRY_LENGTH = 400  # each earlier answer or reply shown below a question, at most


def _entry(tr: Translator, message: TicketMessage, volunteer_head: str) -> str:
    when = tr.datetime(message.sent_at, "short")
    if message.author is Author.VOLUNTEER:
        head = volunteer_head.format(date=when)
    elif message.booking and not message.body:
        return tr.gettext("📅 On {date}, a Beratungsgespräch was suggested.").format(date=when)
    else:
        head = tr.gettext("💬 Answered on {date}:").format(date=when)
    return f"{head}\n<blockquote>{excerpt(message.body, THREAD_ENTRY_LENGTH)}</blockquote>"


def thread(
    tr: Translator, messages: list[TicketMessage], room: int, volunteer_head: str
) -> list[str]:
    """The latest entries that fit in `room` characters (with a blank line each), oldest
    first; `volunteer_head` (translated, with {date}) introduces the volunteer's replies."""
    kept: list[str] = []
    for message in reversed(messages):
        entry = _entry(tr, message, volunteer_head)
        room -= len(entry) + 2
        if room < 0:
            break
        kept.insert(0, entry)
    return kept
