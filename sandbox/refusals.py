"""What Telegram refuses with 400 Bad Request, in Telegram's own words.

The one definition shared by the sandbox's stand-in of the Bot API and the tests' recording fake,
so a request the tests accept is one the sandbox (and Telegram) accepts too.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from bot.limits import (
    MAX_CALLBACK_ANSWER,
    MAX_CALLBACK_DATA,
    MAX_CAPTION_LENGTH,
    MAX_COMMAND_DESCRIPTION,
    MAX_TEXT_LENGTH,
    MIN_TEXT_LENGTH,
)

# Tags Telegram accepts in parse_mode=HTML.
HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "span", "tg-spoiler", "blockquote", "tg-emoji",
}  # fmt: skip
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a content and reply markup of the current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


class _HtmlReader(HTMLParser):
    """Reads Telegram HTML: the plain text it shows and the first reasons it refuses it."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def _byte_offset(self) -> int:
        # Telegram counts UTF-8 bytes; HTMLParser knows the line and the column in characters.
        line, column = self.getpos()
        index = sum(len(part) + 1 for part in self.source.split("\n")[: line - 1]) + column
        return len(self.source[:index].encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            self.errors.append(
                f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
            )
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            self.errors.append(f"Unexpected end tag at byte offset {self._byte_offset()}")
            return
        expected = self.stack.pop()
        if expected != tag:
            self.errors.append(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{expected}>", found "</{tag}>"'
            )

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read_html(text: str) -> _HtmlReader:
    reader = _HtmlReader(text)
    reader.feed(text)
    reader.close()
    if reader.stack:
        tag = reader.stack[-1]
        reader.errors.append(f'Can\'t find end tag corresponding to start tag "{tag}"')
    return reader


def html_errors(text: str) -> list[str]:
    return [f"can't parse entities: {error}" for error in _read_html(text).errors]


def html_to_text(text: str) -> str:
    """What a user reads of a message sent with parse_mode=HTML."""
    return "".join(_read_html(text).text)


def inline_buttons(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline keyboard's buttons; reply_markup may still be the JSON the wire carried."""
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def validate(endpoint: str, params: dict[str, Any]) -> list[str]:
    """What Telegram itself would refuse with 400 Bad Request, as its descriptions say it."""
    problems = []
    if endpoint in ("sendMessage", "editMessageText"):
        text = str(params.get("text", ""))
        if len(text) < MIN_TEXT_LENGTH:
            problems.append("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            problems.append("message is too long")
    captions = [params, *(item for item in params.get("media") or [] if isinstance(item, dict))]
    if any(len(str(item.get("caption") or "")) > MAX_CAPTION_LENGTH for item in captions):
        problems.append("message caption is too long")
    if params.get("parse_mode") == "HTML":
        problems += html_errors(str(params.get("text") or params.get("caption") or ""))
    for button in inline_buttons(params):
        data = button.get("callback_data")
        if not button.get("text"):
            problems.append("text buttons must have a non-empty text")
        if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
            problems.append("BUTTON_DATA_INVALID")
    if (
        endpoint == "answerCallbackQuery"
        and len(str(params.get("text", ""))) > MAX_CALLBACK_ANSWER
    ):
        problems.append("MESSAGE_TOO_LONG")
    if endpoint == "setMyCommands":
        for command in params.get("commands", []):
            if not COMMAND_NAME.fullmatch(command["command"]):
                problems.append("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= MAX_COMMAND_DESCRIPTION:
                problems.append("BOT_COMMAND_DESCRIPTION_INVALID")
    return problems


def edit_problems(endpoint: str, *, has_file: bool, unchanged: bool) -> list[str]:
    """What Telegram refuses about an edit of a message it holds: the text of a document or
    photo (it has a caption), the caption of a text, or content that stays the same."""
    if endpoint == "editMessageText" and has_file:
        return ["there is no text in the message to edit"]
    if endpoint == "editMessageCaption" and not has_file:
        return ["there is no caption in the message to edit"]
    return [NOT_MODIFIED] if unchanged else []
