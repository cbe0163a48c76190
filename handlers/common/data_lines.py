"""How the parts of /mydata read stored values, whichever feature adds them
(bot/features.py, add_mydata_part): dates, text someone typed, a list under its header."""

from __future__ import annotations

import html

from bot.i18n import Translator
from storage.db import from_db


def at(tr: Translator, value: str) -> str:
    moment = from_db(value)
    assert moment is not None
    return tr.datetime(moment)


def typed(tr: Translator, value: str | None) -> str:
    """Text someone typed (a name, an address), escaped and kept readable in RTL."""
    return tr.isolate(html.escape(value)) if value else "—"


def block(header: str, lines: list[str]) -> list[str]:
    """One paragraph: the header and the lines below it; nothing without lines."""
    return ["\n".join((header, *lines))] if lines else []
