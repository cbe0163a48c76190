"""Demo data, so every journey can be tried in the sandbox at once.

The sandbox's database survives restarts and every step runs at every start, so each step must
be idempotent. A feature with demo data (consultation slots, a workshop, a listing) adds its step
to SEED_STEPS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.context import BotApp
from domain.accompaniment import Kind, Offer
from domain.accounts import Audience, Role
from domain.appointments import Slot, SlotKind, SlotPlan, expand
from domain.listings import read_form
from domain.workshops import Translation, WorkshopDetails, WorkshopTopic
from sandbox.personas import ADMIN, CARITAS_STAFF, PERSONAS
from storage import accompaniment, accounts, listings, slots, workshops
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


# A flat as a landlord might offer it, in the staff's form (see domain/listings.py).
DEMO_LISTING = """Stadtteil: Kalk
Adresse: Kalker Hauptstraße 112
Zimmer: 3
Wohnfläche: 74
Kaltmiete: 890
Heizkosten: 95
Kaution: 1.780
Frei ab: sofort
WBS: nein
Stufenlos: ja
Vermieter: Wohnungsbau Rechtsrhein GmbH, Frau Berger, 0221 4711
Notiz: 2. OG mit Aufzug, Balkon, Einbauküche. Besichtigung nach Absprache."""


async def demo_listing(db: Db, now: datetime) -> None:
    """A complete draft for the Caritas persona: /listing shows its preview at once, and
    publishing sends it to the sandbox households whose search it fits. Only while that
    persona has no listing at all, so a published or discarded demo is not made again."""
    staff = await accounts.get_account(db, CARITAS_STAFF.user_id)
    assert staff is not None and staff.carrier_id is not None  # made by the step before
    if await listings.list_listings(db, staff.carrier_id, staff.id, 0, 1):
        return
    draft = await listings.create_draft(db, staff.carrier_id, staff.id, now)
    reading = read_form(draft, DEMO_LISTING, load_city(), now.date())
    await listings.save_listing(db, replace(reading.listing, asking_since=None), now)


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


SEED_STEPS: tuple[SeedStep, ...] = (
    make_staff_personas,
    demo_listing,
    add_consultation_hours,
    plan_demo_workshop,
    make_volunteer_companion,
)


async def seed(app: BotApp) -> None:
    async with app.bot_data.db.transaction() as db:
        now = app.bot_data.clock()
        for step in SEED_STEPS:
            await step(db, now)
