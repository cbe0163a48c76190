"""Buttons and the handlers they reach: callback_data is `prefix:arg[:arg…]`, made and read only
through a `Route`.

Each feature declares its routes in its own `routes.py`, a readable name for a short prefix and
the shape of its arguments:

    BOOK_SLOT = Route("bb", one_of("ask", "yes"), ID, ID)  # a slot: details, book; carrier

and uses them where the button is made and where it is handled:

    BOOK_SLOT.button(label, "ask", slot.id, carrier)
    app.add_handler(BOOK_SLOT.handler(on_slot))

Anything no route made (stale, forged or foreign data) parses to None and gets "This button
has expired." Ids inside are claims: load the row and check its owner. Two routes with one
prefix, or a route whose data could exceed Telegram's 64 bytes, fail at import: at start-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler

from bot.context import BotContext
from bot.features import Handler
from bot.limits import MAX_CALLBACK_DATA
from domain.appointments import SlotKind
from domain.locales import SUPPORTED_LOCALES


@dataclass(frozen=True, slots=True)
class Part:
    """The shape of one argument: a pattern of ASCII characters, at most `longest` of them."""

    pattern: str
    longest: int


def one_of(*words: str) -> Part:
    return Part("|".join(map(re.escape, words)), max(map(len, words)))


def chars(allowed: str, longest: int, *, shortest: int = 1) -> Part:
    """`allowed` as inside [] of a pattern; ASCII only ([0-9], not \\d: no Arabic-Indic digits)."""
    return Part(f"[{allowed}]{{{shortest},{longest}}}", longest)


def either(*parts: Part) -> Part:
    return Part("|".join(part.pattern for part in parts), max(part.longest for part in parts))


ID = chars("0-9", 12)  # a row id or an offset into a list
DAY = chars("0-9", 8, shortest=8)  # a local date as YYYYMMDD
LOCALE = one_of(*SUPPORTED_LOCALES)  # only these: a saved locale is shown on every screen
YES_NO = one_of("yes", "no")
ASK_YES = one_of("ask", "yes")  # ask: show the question; yes: it was confirmed
KIND = one_of(*SlotKind)  # of consultation hours

_ROUTES: dict[str, Route] = {}


@dataclass(frozen=True, slots=True)
class Cb:
    """A pressed button's data, parsed: its route's prefix and the arguments."""

    prefix: str
    args: tuple[str, ...]

    @property
    def arg(self) -> str:
        return self.args[0]


class Route:
    """A kind of button: its prefix and the shape of its arguments (see the module's doc)."""

    __slots__ = ("_pattern", "parts", "prefix")

    def __init__(self, prefix: str, *parts: Part) -> None:
        self.prefix, self.parts = prefix, parts
        self._pattern = re.compile(re.escape(prefix) + "".join(f":({p.pattern})" for p in parts))
        if not re.fullmatch("[a-z]{2}", prefix):
            raise ValueError(f"route prefix {prefix!r}: two letters a-z")
        if self.longest > MAX_CALLBACK_DATA:
            raise ValueError(f"route {prefix!r} can make {self.longest} bytes of callback data")
        if prefix in _ROUTES:
            raise ValueError(f"two routes share the prefix {prefix!r}")
        _ROUTES[prefix] = self

    def __repr__(self) -> str:
        return f"Route({self.prefix!r})"

    @property
    def longest(self) -> int:
        """The most bytes its data can have: every part is ASCII."""
        return len(self.prefix) + sum(1 + part.longest for part in self.parts)

    def data(self, *args: str | int) -> str:
        """The callback_data; refuses what this route would not accept when pressed."""
        data = ":".join((self.prefix, *map(str, args)))
        if self.parse(data) is None:
            raise ValueError(f"callback data {data!r} does not fit route {self.prefix!r}")
        return data

    def button(self, label: str, *args: str | int) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=self.data(*args))

    def parse(self, data: str) -> Cb | None:
        match = self._pattern.fullmatch(data)
        return Cb(self.prefix, match.groups()) if match else None

    def accepts(self, data: object) -> bool:
        return isinstance(data, str) and self.parse(data) is not None

    def handler(self, callback: Handler) -> CallbackQueryHandler[BotContext, None]:
        """Presses of this route's buttons, with well-formed data only, go to `callback`."""
        return CallbackQueryHandler(callback, pattern=self.accepts)


def parse_cb(data: str | None) -> Cb | None:
    """Never raises: unknown prefixes, wrong shapes and oversize data give None."""
    if not data or len(data.encode()) > MAX_CALLBACK_DATA:
        return None
    route = _ROUTES.get(data.split(":", 1)[0])
    return route.parse(data) if route else None


def parsed(update: Update) -> Cb:
    """The data of a button press whose route's handler already accepted it."""
    query = update.callback_query
    cb = parse_cb(query.data) if query else None
    if cb is None:
        raise ValueError("parsed() used outside a handler registered with Route.handler()")
    return cb


def all_routes() -> tuple[Route, ...]:
    return tuple(_ROUTES.values())


# Routes that several features offer: their handlers live in the feature named.
MAIN_MENU = Route(  # onboarding/menu.py
    "mn",
    one_of(
        "home", "help", "settings", "language", "privacy", "mydata", "delete", "mysearch", "words"
    ),
)
CHOOSE_LANGUAGE = Route("lg", LOCALE)  # onboarding/start.py
LANGUAGE_LIST = Route("ll", one_of("start", "menu", "none"))  # …; where it came from
BOOK_AT_CARRIER = Route("bc", KIND, ID)  # appointments/bookings.py: the days (carrier 0: any)
VIEWING_OF_LISTING = Route("vl", ID, ID)  # cases/viewings.py: schedule one (listing, household)
