"""A few hundred random updates from several people through the real Application: typed text
of any length, files and stickers where text is asked, the buttons the bot sent and forged
ones. Whatever comes, the bot answers each, stays in Telegram's limits (the fake refuses what
Telegram refuses, and the fixture fails on any refusal) and never reaches its error handler."""

from __future__ import annotations

import logging
import random
import re
from datetime import timedelta
from typing import Any

import pytest

from tests.appointments_setup import THURSDAY_TEN, add_slot, register_volunteer
from tests.conftest import ADMIN_ID, Harness
from tests.listing_setup import household
from tests.staffing import CASEWORKER, COORDINATOR, make_team, register_seeker, share_with

UPDATES = 400
SEED = 1  # fixed, so a failure repeats; seeds 2-13 (up to 2,000 updates) passed too
# Who writes: a new person, seekers, a volunteer, staff of Caritas and the admin.
PEOPLE = {777: "fa", 111: "uk", 112: "ar", 300: "de", CASEWORKER: "en", COORDINATOR: "ru",
          ADMIN_ID: "en"}  # fmt: skip
COMMANDS = (
    "/start", "/menu", "/help", "/language", "/privacy", "/mydata", "/delete", "/cancel",
    "/mysearch", "/book", "/appointments", "/workshops", "/profile", "/ask", "/notifications",
    "/questions", "/slots", "/listing", "/listings", "/announce", "/find", "/stats", "/export",
    "/invite", "/team", "/audit", "/staff", "/rentlimits", "/setcontact caritas", "/addstaff",
    "/removestaff", "/nonsense",
)  # fmt: skip
# Letters people type, and those that stress escaping, bidi and counting.
ALPHABET = (
    "abcxyz ÄÖÜß äöü 0123456789 .,:;-+/€%&<>\"' \n\t"
    "абвгдіїє абв عربي فارسی ١٢٣ ۴۵ 😀🏠 \u200f\u2068"
)
PHOTO = {"photo": [{"file_id": "p", "file_unique_id": "p1", "width": 9, "height": 9}]}
OTHER_CONTENT: tuple[dict[str, Any], ...] = (
    PHOTO,
    {"document": {"file_id": "d", "file_unique_id": "d1", "file_name": "pass.pdf"}},
    {"sticker": {"file_id": "s", "file_unique_id": "s1", "type": "regular", "width": 512,
                 "height": 512, "is_animated": False, "is_video": False}},
    {"voice": {"file_id": "v", "file_unique_id": "v1", "duration": 3}},
    {"location": {"latitude": 50.94, "longitude": 6.96}},
)  # fmt: skip
NUMBER = re.compile(r"[0-9]+")


def _typed(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        command = rng.choice(COMMANDS)
        return command if rng.random() < 0.6 else f"{command} {_typed(rng)}"[:4096]
    if roll < 0.45:  # as long as Telegram lets people type
        return (rng.choice(["x", "Kalk ", "<b>&amp;", "عربي ", "😀 ", "Deutz\n"]) * 4096)[:4096]
    text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 300))).strip()
    return text or "?"


def _buttons(harness: Harness, user_id: int) -> list[tuple[int, str]]:
    """(message id, callback data) of every button in the person's chat, as Telegram has it."""
    return [
        (message_id, button["callback_data"])
        for (chat, message_id), held in harness.rec.held.items()
        if chat == user_id
        for row in (held.markup or {}).get("inline_keyboard", [])
        for button in row
        if "callback_data" in button
    ]


def _forged(rng: random.Random, data: str) -> str:
    """Real callback data with other arguments: foreign ids, huge numbers, unknown words."""
    prefix, _, args = data.partition(":")
    if rng.random() < 0.2:
        return rng.choice(["", "x", prefix, f"{prefix}:", "lg:xx", "hs:1:area:d999", "ß:1"])
    forged = NUMBER.sub(lambda m: str(rng.choice([0, 1, 2, 3, 999999999999])), args)
    if rng.random() < 0.5:
        parts = forged.split(":")
        parts[rng.randrange(len(parts))] = rng.choice(["zz", "yes", "ask", "de", "-1", "ع"])
        forged = ":".join(parts)
    return f"{prefix}:{forged}"


async def _cast(harness: Harness) -> None:
    """The people, and messages with buttons under files: a viewing invitation, a cancelled
    appointment with other times."""
    await make_team(harness)
    seeker = await register_seeker(harness, 111, "uk")
    await share_with(harness, seeker)
    await household(harness, 112, "ar")
    await register_volunteer(harness, 300, "de")
    cancelled = await add_slot(harness, capacity=1)
    await add_slot(harness, THURSDAY_TEN + timedelta(days=1))
    await harness.press(f"bb:yes:{cancelled.id}:0", user_id=112, lang="ar")
    await harness.press(f"bz:yes:{cancelled.id}", user_id=CASEWORKER)
    await harness.press(f"vn:{seeker.id}", user_id=CASEWORKER)
    await harness.send("28.11. 14:30\nVenloer Str. 12\nvor der Haustür", user_id=CASEWORKER)
    await harness.send("/start", user_id=ADMIN_ID)
    await harness.deliver()
    assert any(held.has_file and held.markup for held in harness.rec.held.values())


def _sent_to(harness: Harness, user_id: int) -> int:
    return sum(
        1
        for c in harness.rec.calls
        if c.params.get("chat_id") == user_id and c.endpoint.startswith(("send", "edit"))
    )


async def test_random_updates_are_all_answered_within_telegrams_limits(
    harness: Harness, caplog: pytest.LogCaptureFixture
):
    rng = random.Random(SEED)
    await _cast(harness)
    caplog.set_level(logging.ERROR)
    unanswered: list[str] = []
    for step in range(UPDATES):
        user_id = rng.choice(list(PEOPLE))
        lang = PEOPLE[user_id]
        buttons = _buttons(harness, user_id)
        roll = rng.random()
        if roll < 0.5 and buttons:
            # Mostly the buttons of the latest message, as people do.
            latest = max(message_id for message_id, _ in buttons)
            on_latest = [b for b in buttons if b[0] == latest]
            message_id, data = rng.choice(on_latest if rng.random() < 0.6 else buttons)
            if rng.random() < 0.3:
                data = _forged(rng, data)
            answers = len(harness.rec.answers())
            taps = 2 if rng.random() < 0.1 else 1
            press = harness.double_tap if taps == 2 else harness.press
            await press(data, user_id=user_id, lang=lang, message_id=message_id)
            if len(harness.rec.answers()) != answers + taps:
                unanswered.append(f"{step}: {taps}x {data!r} by {user_id}")
            continue
        before = _sent_to(harness, user_id)
        if roll < 0.85:
            what = _typed(rng)
            await harness.send(what, user_id=user_id, lang=lang)
        else:
            content = rng.choice(OTHER_CONTENT)
            what = next(iter(content))
            await harness.send(None, user_id=user_id, lang=lang, **content)
        if _sent_to(harness, user_id) == before:
            unanswered.append(f"{step}: {what[:40]!r} by {user_id}")
        if rng.random() < 0.05:  # time passes: reminders and notices go out
            harness.clock.advance(timedelta(minutes=rng.randint(1, 600)))
            await harness.deliver()
    assert unanswered == []
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.name, r.getMessage(), repr(r.exc_info and r.exc_info[1])) for r in errors] == []
