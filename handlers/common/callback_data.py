"""callback_data is `prefix:arg[:arg…]`, built and parsed only here.

Anything this module did not make (stale, forged or foreign data) parses to None and gets
"This button has expired." Ids inside are claims: load the row and check its owner.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Update

from bot.limits import MAX_CALLBACK_DATA
from domain.accompaniment import Kind
from domain.case_status import CaseStatus
from domain.cases import CASE_NUMBER_PATTERN
from domain.locales import SUPPORTED_LOCALES
from domain.outbox import Topic
from domain.viewings import ViewingOutcome

# [0-9], not \d: \d matches Arabic-Indic digits too.
_ID = r"[0-9]{1,12}"
_LOCALE = "|".join(SUPPORTED_LOCALES)  # only these: a saved locale is shown on every screen
_ROLE = r"seeker|volunteer"
_STAFF_ROLE = r"caseworker|coordinator"
_TOPIC = "|".join(Topic)
_KIND = r"sprechstunde|beratung"
_DAY = r"[0-9]{8}"  # a local date as YYYYMMDD
_STATUS = "|".join(CaseStatus)
_COMPANION_KIND = "|".join(Kind)
_OUTCOME = "|".join(ViewingOutcome)

_PATTERNS: dict[str, re.Pattern[str]] = {
    "lg": re.compile(rf"lg:({_LOCALE})"),  # choose this language
    "ll": re.compile(r"ll:(start|menu|none)"),  # show the language list; where it came from
    "rl": re.compile(rf"rl:({_ROLE}):({_LOCALE})"),  # role chosen, before consent
    "cs": re.compile(rf"cs:(yes|no):({_ROLE}):({_LOCALE})"),  # consent answer
    "mn": re.compile(
        r"mn:(home|help|settings|language|privacy|mydata|delete|mysearch|words)"
    ),  # main menu
    "dl": re.compile(r"dl:(yes|no)"),  # confirm deleting all my data
    "md": re.compile(r"md:(json)"),  # send my data as a file
    "sl": re.compile(rf"sl:(yes|no):({_ID})"),  # still looking with this search? (search id)
    # Staff buttons: every id is a claim, checked against the presser's carrier on each use.
    "st": re.compile(r"st:(invite|team|audit|languages)"),  # staff menu items
    "ic": re.compile(rf"ic:({_ID})"),  # invitation: carrier chosen, now pick the role
    "iv": re.compile(rf"iv:({_ID}):({_STAFF_ROLE})"),  # create the invitation
    "tm": re.compile(rf"tm:({_ID})"),  # staff list from this offset
    "sr": re.compile(rf"sr:(ask|yes):({_ID})"),  # remove this staff member (users.id)
    "au": re.compile(rf"au:({_ID})"),  # audit log from this offset
    "cv": re.compile(rf"cv:({_ID})"),  # show this case (users.id)
    "cq": re.compile(rf"cq:({CASE_NUMBER_PATTERN})"),  # ask the case with this number to consent
    # Seeker buttons.
    "ca": re.compile(rf"ca:(yes|no):({_ID})"),  # answer to this consent request
    "cw": re.compile(rf"cw:(ask|yes):({_ID})"),  # withdraw consent from this carrier
    # housing search: search id, the step the button belongs to, the answer or action
    "hs": re.compile(rf"hs:({_ID}):([a-z_]{{1,16}}):([a-z0-9_-]{{1,16}})"),
    "nt": re.compile(r"nt:(show)"),  # show the notification settings
    "ns": re.compile(rf"ns:({_TOPIC}):(on|off)"),  # turn a topic on or off
    # Flat listings for staff; ids are claims, checked against the presser's carrier.
    "ln": re.compile(r"ln:(new)"),  # type a new listing, or continue the draft
    "ld": re.compile(rf"ld:({_ID}):(publish|form|photos|nophotos|discard|drop)"),  # the draft
    "lw": re.compile(rf"lw:({_ID}):({_LOCALE})"),  # preview the draft in this language
    "lo": re.compile(rf"lo:({_ID})"),  # the carrier's listings from this offset
    "ls": re.compile(rf"ls:({_ID}):(show|release|withdraw|withdrawyes)"),
    # let: ask to whom; to this household (users.id, from the shortlist); to someone else
    "lt": re.compile(rf"lt:({_ID}):(ask|other|{_ID})"),
    "lq": re.compile(rf"lq:({_ID}):({_ID})"),  # a listing's shortlist from this offset
    "pn": re.compile(rf"pn:({_ID}):({_ID})"),  # propose this household (users.id) to the landlord
    # Flat offers for households; valid only for the households the listing was sent to.
    "li": re.compile(rf"li:({_ID}):(yes|no)"),  # interested or not
    "lp": re.compile(rf"lp:({_ID})"),  # the photos
    "lv": re.compile(rf"lv:({_ID})"),  # the offer again
    "lm": re.compile(rf"lm:({_ID})"),  # the flats I am interested in, from this offset
    "ps": re.compile(rf"ps:({_ID})"),  # share my search with the carrier of this listing
    # Announcements: start one; then announcement id, action, value.
    "po": re.compile(r"po:(new)"),
    "pa": re.compile(
        rf"pa:({_ID}):(audience|district|language|back|text|send|yes|drop):([a-z0-9]{{1,12}})"
    ),
    # Appointments, for seekers and volunteers. Slot and booking ids are claims.
    "bk": re.compile(rf"bk:(start|{_KIND})"),  # what to book; then this kind
    "bc": re.compile(rf"bc:({_KIND}):({_ID})"),  # carrier chosen (0: any): the days
    "bd": re.compile(rf"bd:({_KIND}):({_ID}):({_DAY})"),  # day chosen: the times
    "bb": re.compile(rf"bb:(ask|yes):({_ID}):({_ID})"),  # a slot: details, book; carrier filter
    "wj": re.compile(rf"wj:({_ID}):({_ID})"),  # join the waitlist of this slot
    "wo": re.compile(rf"wo:(take|no):({_ID})"),  # answer to the offer of a place (booking id)
    "bl": re.compile(r"bl:(mine)"),  # my appointments
    # a booking: details, its calendar file, "I'll come", other times to move it to
    "bv": re.compile(rf"bv:(show|ics|come|move):({_ID})"),
    "bx": re.compile(rf"bx:(ask|yes):({_ID})"),  # cancel a booking or leave a waitlist
    "bm": re.compile(rf"bm:(ask|yes):({_ID}):({_ID})"),  # move this booking to this slot
    # Appointments, for staff: each slot and booking is checked against their carrier.
    "bg": re.compile(rf"bg:({_ID})"),  # the carrier's slots from this offset
    "bn": re.compile(rf"bn:({_KIND})"),  # a new slot of this kind
    "bq": re.compile(r"bq:(aud|wk|lg|save|stop):([a-z0-9]{1,12})"),  # the draft's choices
    "bo": re.compile(rf"bo:(show|edit):({_ID})"),  # a slot with its bookings; change it
    "bz": re.compile(rf"bz:(ask|yes):({_ID})"),  # cancel a slot
    "bt": re.compile(rf"bt:(attended|no_show):({_ID})"),  # mark attendance of a booking
    "bu": re.compile(rf"bu:({_DAY})"),  # the day's list as a CSV file
    # Workshops: ids are workshops.id, checked against the presser's role or carrier.
    "ol": re.compile(r"ol:(all)"),  # the list of workshops (staff: their carrier's)
    "ow": re.compile(rf"ow:({_ID})"),  # show this workshop
    "or": re.compile(rf"or:({_ID})"),  # register, or join the waitlist
    "on": re.compile(rf"on:({_ID})"),  # "Not this time" under an announcement
    "ox": re.compile(rf"ox:(ask|yes):({_ID})"),  # give up my place or leave the waitlist
    "oi": re.compile(rf"oi:({_ID})"),  # send me the calendar file
    # staff: a new workshop (id 0) or what to do with this one
    "os": re.compile(rf"os:(new|stop|edit|announce|participants|export|cancel|cancelyes):({_ID})"),
    # Questions to caseworkers: ids are tickets.id, checked against the presser.
    "qa": re.compile(r"qa:(start)"),  # ask a question
    "qc": re.compile(rf"qc:({_ID}):([a-z]{{2,12}})"),  # draft: carrier code, or "any"
    "qd": re.compile(rf"qd:({_ID}):(nohousehold|back|send|cancel)"),  # draft: a step
    "ql": re.compile(rf"ql:({_ID})"),  # staff: open questions from this offset
    "qs": re.compile(rf"qs:(view|take|answer|book):({_ID})"),  # staff: this question
    "qv": re.compile(rf"qv:(show|reply|solved):({_ID})"),  # volunteer: one of their questions
    "qm": re.compile(rf"qm:({_ID})"),  # volunteer: my questions from this offset
    # The volunteer profile.
    "fp": re.compile(r"fp:(show|name|clearname|districts|languages|topics)"),
    "fd": re.compile(r"fd:([0-9]{1,2})"),  # choose or unchoose this district (its number)
    "fl": re.compile(r"fl:([a-z]{2,3})"),  # … this language
    "ft": re.compile(r"ft:([a-z]{1,16})"),  # … this workshop topic
    # The move-out case. Staff buttons name a case (users.id) or a viewing: claims, checked
    # against the presser's carrier and the household's consent on every press.
    "xs": re.compile(rf"xs:({_ID}):({_STATUS}):(go|yes)"),  # set the status; yes: confirmed
    "xl": re.compile(rf"xl:({_ID})"),  # every status this case may move to
    "xt": re.compile(r"xt:(stats|export)"),  # figures, CSV export
    "vn": re.compile(rf"vn:({_ID})"),  # schedule a viewing for this case
    "vl": re.compile(rf"vl:({_ID}):({_ID})"),  # a viewing of this listing for this household
    "vw": re.compile(rf"vw:({_ID})"),  # show this viewing
    "vr": re.compile(rf"vr:({_ID})"),  # a new time or place for this viewing
    "vx": re.compile(rf"vx:(ask|yes):({_ID})"),  # cancel this viewing
    "vo": re.compile(rf"vo:({_ID}):({_OUTCOME})"),  # record this viewing's outcome
    "vq": re.compile(r"vq:(stop)"),  # stop the typed question
    "kr": re.compile(rf"kr:({_ID})"),  # ask for a companion for this case: which kind?
    "kk": re.compile(rf"kk:({_ID}):({_COMPANION_KIND})"),  # … of this kind
    # Household buttons: the viewing or check-in must be the presser's own.
    "xm": re.compile(r"xm:(show)"),  # my case
    "xc": re.compile(r"xc:([0-9]{1,2}):(ok|help)"),  # answer to the check-in of this week
    "va": re.compile(rf"va:({_ID}):(yes|no)"),  # I'll come / I can't come
    "kv": re.compile(rf"kv:({_ID})"),  # a companion for this viewing (household or staff)
    # Volunteer buttons.
    "ka": re.compile(rf"ka:({_ID})"),  # accept this request (only who was asked)
    "ko": re.compile(r"ko:(show|districts|languages|kinds)"),  # accompaniment offer screens
    "kt": re.compile(r"kt:(d|l|k|a):([a-z0-9_]{1,16})"),  # toggle district, language, kind, on
}


@dataclass(frozen=True, slots=True)
class Cb:
    prefix: str
    args: tuple[str, ...]

    @property
    def arg(self) -> str:
        return self.args[0]


def parse_cb(data: str | None) -> Cb | None:
    """Never raises: unknown prefixes, wrong shapes and oversize data give None."""
    if not data or len(data.encode()) > MAX_CALLBACK_DATA:
        return None
    pattern = _PATTERNS.get(data.split(":", 1)[0])
    match = pattern.fullmatch(data) if pattern else None
    return Cb(data.split(":", 1)[0], match.groups()) if match else None


def build_cb(prefix: str, *args: str | int) -> str:
    """The only way to make callback_data; refuses what parse_cb would not accept."""
    data = ":".join((prefix, *map(str, args)))
    if parse_cb(data) != Cb(prefix, tuple(map(str, args))):
        raise ValueError(f"callback data {data!r} does not fit its pattern or the byte limit")
    return data


def matches(prefix: str) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern that accepts only well-formed data of one prefix."""

    def check(data: object) -> bool:
        cb = parse_cb(data) if isinstance(data, str) else None
        return cb is not None and cb.prefix == prefix

    return check


def parsed(update: Update) -> Cb:
    """The data of a button press whose handler pattern (`matches`) already accepted it."""
    query = update.callback_query
    cb = parse_cb(query.data) if query else None
    if cb is None:
        raise ValueError("parsed() used outside a handler registered with matches()")
    return cb
