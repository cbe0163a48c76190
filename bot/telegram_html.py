"""Telegram's HTML (parse_mode=HTML): the text a user reads of it, and cutting it to a limit."""

from __future__ import annotations

import html
import re

ELLIPSIS = "…"
# A cut goes back to the last space if that loses no more than this many characters.
_WORD_SLACK = 40
# A tag, a character reference, or one character: the places a cut may fall between.
_TOKEN = re.compile(r"<[^>]*>|&#?[0-9A-Za-z]{1,10};|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z-]+)")


def plain_text(text: str) -> str:
    """What a user reads of `text`, as Telegram hands it back in a message."""
    return html.unescape(re.sub(r"<[^>]*>", "", text)).strip()


def fit_html(text: str, limit: int) -> str:
    """`text` if it has at most `limit` characters; else cut at a word with "…" and every tag
    that is open there closed, so Telegram still parses it and it has at most `limit`."""
    if len(text) <= limit:
        return text
    open_tags: list[str] = []
    cut, word_cut = (0, ""), (-_WORD_SLACK - 1, "")  # (position, closing tags) of the
    # longest cut that fits, and of the longest before a space
    for token in _TOKEN.finditer(text):
        if token.group().isspace():
            word_cut = cut
        _track(token.group(), open_tags)
        closing = "".join(f"</{tag}>" for tag in reversed(open_tags))
        if token.end() + len(ELLIPSIS) + len(closing) > limit:
            break
        if not _TAG_NAME.match(token.group()) or token.group().startswith("</"):
            cut = (token.end(), closing)  # not right after an opening tag
    position, closing = word_cut if word_cut[0] >= cut[0] - _WORD_SLACK else cut
    return text[:position].rstrip() + ELLIPSIS + closing


def _track(token: str, open_tags: list[str]) -> None:
    name = _TAG_NAME.match(token) if token.startswith("<") else None
    if name is None:
        return
    if token.startswith("</"):
        if open_tags:
            open_tags.pop()
    else:
        open_tags.append(name.group(1).lower())
