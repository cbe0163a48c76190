"""Demo data, so every journey can be tried in the sandbox at once.

The sandbox's database survives restarts and every step runs at every start, so each step must
be idempotent. A feature with demo data (consultation slots, a workshop, a listing) adds its step
to SEED_STEPS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.context import BotApp
from domain.accompaniment import Kind, Offer
from domain.accounts import Role
from sandbox.personas import ADMIN, PERSONAS
from storage import accompaniment, accounts
from storage.db import Db
from storage.places import load_city

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


async def make_volunteer_companion(db: Db, now: datetime) -> None:
    """The volunteer persona goes along anywhere in Köln, in the seekers' languages, so a
    companion asked for from a viewing reaches someone at once."""
    persona = next(p for p in PERSONAS if p.role == "volunteer")
    account = await accounts.create_account(
        db, persona.user_id, Role.VOLUNTEER, persona.language_code, now
    )
    if account.role is not Role.VOLUNTEER or await accompaniment.get_offer(db, account.id):
        return  # chose another role in the sandbox, or has an offer of their own already
    city = load_city()
    languages = frozenset(p.language_code for p in PERSONAS)
    offer = Offer(
        account.id,
        persona.first_name,
        frozenset(d.name for d in city.districts),
        languages,
        frozenset(Kind),
        active=True,
    )
    await accompaniment.save_offer(db, offer, now)


SEED_STEPS: tuple[SeedStep, ...] = (make_staff_personas, make_volunteer_companion)


async def seed(app: BotApp) -> None:
    async with app.bot_data.db.transaction() as db:
        now = app.bot_data.clock()
        for step in SEED_STEPS:
            await step(db, now)
