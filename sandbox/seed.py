"""Demo data, so every journey can be tried in the sandbox at once.

The sandbox's database survives restarts and every step runs at every start, so each step must
be idempotent. A feature with demo data (consultation slots, a workshop, a listing) adds its step
to SEED_STEPS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.context import BotApp
from sandbox.personas import ADMIN, PERSONAS
from storage import accounts
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


SEED_STEPS: tuple[SeedStep, ...] = (make_staff_personas,)


async def seed(app: BotApp) -> None:
    async with app.bot_data.db.transaction() as db:
        now = app.bot_data.clock()
        for step in SEED_STEPS:
            await step(db, now)
