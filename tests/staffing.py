"""Shared set-up for the staff, case and audit tests: people, roles and the audit log."""

from __future__ import annotations

from typing import Any

from domain.accounts import Account, StaffRole
from storage import accounts, consents
from tests.conftest import ADMIN_ID, Harness

CARRIER_IDS = {"caritas": 1, "drk": 2, "kfr": 3}
SEEKER = 111
CASEWORKER = 501  # Caritas
COORDINATOR = 502  # Caritas
OTHER_CASEWORKER = 601  # DRK
OTHER_COORDINATOR = 602  # DRK
STRANGER = 777  # never started the bot


async def make_staff(
    harness: Harness,
    telegram_id: int,
    carrier: str = "caritas",
    role: StaffRole = StaffRole.CASEWORKER,
    locale: str = "en",
) -> None:
    async with harness.db.transaction() as db:
        await accounts.make_staff(
            db, telegram_id, CARRIER_IDS[carrier], locale, ADMIN_ID, harness.clock(), role=role
        )


async def make_team(harness: Harness) -> None:
    """A caseworker and a coordinator at Caritas, the same at DRK."""
    await make_staff(harness, CASEWORKER)
    await make_staff(harness, COORDINATOR, role=StaffRole.COORDINATOR)
    await make_staff(harness, OTHER_CASEWORKER, "drk")
    await make_staff(harness, OTHER_COORDINATOR, "drk", StaffRole.COORDINATOR)


async def register_seeker(
    harness: Harness, telegram_id: int = SEEKER, lang: str = "en"
) -> Account:
    await harness.send("/start", user_id=telegram_id, lang=lang)
    await harness.press(f"cs:yes:seeker:{lang}", user_id=telegram_id, lang=lang)
    account = await accounts.get_account(harness.db, telegram_id)
    assert account is not None and account.case_number is not None
    return account


async def share_with(harness: Harness, seeker: Account, carrier: str = "caritas") -> None:
    async with harness.db.transaction() as db:
        await consents.grant_consent(db, seeker.id, CARRIER_IDS[carrier], harness.clock())


async def audit(harness: Harness) -> list[tuple[Any, ...]]:
    """(actor, carrier_id, action, subject_user_id, detail), oldest first."""
    return await harness.rows(
        "SELECT actor_telegram_id, carrier_id, action, subject_user_id, detail"
        " FROM audit_log ORDER BY id"
    )


async def last_audit(harness: Harness) -> tuple[Any, ...]:
    return (await audit(harness))[-1]


def texts_to(harness: Harness, chat_id: int) -> list[str]:
    """Every text shown in one chat: new messages and edits, in order."""
    return [c.text for c in harness.rec.sent() if c.params.get("chat_id") == chat_id]


def expired_alert(harness: Harness) -> bool:
    """The last button press got the alert that reveals nothing: "This button has expired." """
    answer = harness.rec.answers()[-1].params
    return answer.get("text") == "This button has expired." and answer.get("show_alert") is True
