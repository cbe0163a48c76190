"""Demo data, so every journey can be tried in the sandbox at once.

The sandbox's database survives restarts and every step runs at every start, so each step must
be idempotent. A feature with demo data (consultation slots, a workshop, a listing) adds its step
to SEED_STEPS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.context import BotApp
from domain.appointments import Audience, Slot, SlotKind, SlotPlan, expand
from sandbox.personas import ADMIN, PERSONAS
from storage import accounts, slots
from storage.db import Db

SeedStep = Callable[[Db, datetime], Awaitable[None]]


async def make_staff_personas(db: Db, now: datetime) -> None:
    for persona in PERSONAS:
        carrier = await accounts.find_carrier(db, persona.carrier) if persona.carrier else None
        if carrier is not None:
            await accounts.make_staff(
                db,
                persona.user_id,
                carrier.id,
                persona.language_code,
                ADMIN.user_id,
                now,
                role=persona.staff_role,
            )


# Köln's demo consultation hours, placed in its local time (the bot shows them in TZ).
DEMO_TZ = ZoneInfo("Europe/Berlin")
DEMO_HOURS = (
    # carrier, kind, weekday (Monday 0), start, end, places or minutes, weeks, address, languages
    ("caritas", SlotKind.SPRECHSTUNDE, 1, time(10), time(12), 8, 6,
     "Kalker Hauptstr. 247, 51103 Köln", ("uk", "ar", "ru")),
    ("drk", SlotKind.BERATUNG, 3, time(14), time(16), 30, 4,
     "Oskar-Jäger-Str. 101, 50825 Köln", ("fa", "tr")),
    ("kfr", SlotKind.SPRECHSTUNDE, 4, time(16), time(17), 2, 2,
     "Herwarthstr. 5, 50672 Köln", ("ar", "fa")),  # two places: the waitlist can be tried
)  # fmt: skip


async def add_consultation_hours(db: Db, now: datetime) -> None:
    """Weekly hours from next week on, for every carrier that has none yet."""
    today = now.astimezone(DEMO_TZ).date()
    for code, kind, weekday, start, end, number, weeks, address, languages in DEMO_HOURS:
        carrier = await accounts.find_carrier(db, code)
        assert carrier is not None
        if await slots.list_carrier_slots(db, carrier.id, now, now - timedelta(days=365), 0, 1):
            continue
        first = today + timedelta(days=7 + (weekday - today.weekday()) % 7)
        plan = SlotPlan(kind, first, start, end, number, weeks)
        await slots.add_slots(
            db,
            [
                Slot(0, carrier.id, kind, Audience.BOTH, t.starts_at, t.ends_at, t.capacity,
                     address, languages)
                for t in expand(plan, DEMO_TZ)
            ],
            now,
        )  # fmt: skip


SEED_STEPS: tuple[SeedStep, ...] = (make_staff_personas, add_consultation_hours)


async def seed(app: BotApp) -> None:
    async with app.bot_data.db.transaction() as db:
        now = app.bot_data.clock()
        for step in SEED_STEPS:
            await step(db, now)
