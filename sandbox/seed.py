"""Demo data, so every journey can be tried in the sandbox at once.

The sandbox's database survives restarts and every step runs at every start, so each step must
be idempotent. A feature with demo data (consultation slots, a workshop, a listing) adds its step
to SEED_STEPS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.context import BotApp
from domain.workshops import Audience, Translation, WorkshopDetails, WorkshopTopic
from sandbox.personas import ADMIN, PERSONAS
from storage import accounts, workshops
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


DEMO_WORKSHOP_TITLE = "Wohnungssuche in Köln: so begleiten Sie Haushalte"


async def plan_demo_workshop(db: Db, now: datetime) -> None:
    """A Caritas workshop a week ahead with three places, so the waitlist can be tried too.
    Marked announced, so it is listed in /workshops, but not broadcast: the personas have
    not started the bot when this runs. Once it is over, the next start plans a new one."""
    caritas = await accounts.find_carrier(db, "caritas")
    assert caritas is not None
    planned = await workshops.list_for_carrier(db, caritas.id, now)
    if any(w.details.title == DEMO_WORKSHOP_TITLE for w in planned):
        return
    day = (now + timedelta(days=7)).astimezone(UTC)
    start = day.replace(hour=17, minute=0, second=0, microsecond=0)
    details = WorkshopDetails(
        title=DEMO_WORKSHOP_TITLE,
        description="Wo Wohnungen inseriert werden, wie eine Bewerbung aussieht und welche "
        "Unterlagen (WBS, SCHUFA, Mietschuldenfreiheitsbescheinigung) bereitliegen sollten.",
        topic=WorkshopTopic.SEARCH,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Caritas, Bartholomäus-Schink-Straße 6, 50825 Köln",
        capacity=3,
        audience=Audience.BOTH,
        language="de",
        translations={
            "uk": Translation("Пошук житла в Кельні: як супроводжувати сім'ї"),
            "ar": Translation("البحث عن سكن في كولونيا: كيف ترافق العائلات"),
        },
    )
    workshop = await workshops.create_workshop(db, caritas.id, details, None, now)
    await workshops.mark_announced(db, workshop.id, now)


SEED_STEPS: tuple[SeedStep, ...] = (make_staff_personas, plan_demo_workshop)


async def seed(app: BotApp) -> None:
    async with app.bot_data.db.transaction() as db:
        now = app.bot_data.clock()
        for step in SEED_STEPS:
            await step(db, now)
