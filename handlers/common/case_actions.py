"""What the features share about a case (the case card, letting a flat): the access check,
moving its status (and what follows from it: the household's next step, aftercare
check-ins), and which staff to tell.

Every staff action on a case runs in one transaction with its check and its audit entry:

    async with context.db.transaction() as db:
        case = await authorized_case(db, context, actor, user_id, Action.MOVE_CASE, tried)
        if case is not None:
            ...  # the change
            await audit(db, context, Action.MOVE_CASE, case, "status=offer")
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.context import BotContext
from domain.access import Action, Actor, may
from domain.accounts import Account
from domain.case_status import (
    Case,
    CaseStatus,
    anmeldung_deadline,
    checkin_times,
    resume_status_after,
    takes_checkins,
)
from domain.outbox import Topic
from domain.viewings import Viewing
from handlers.common.guards import record_action, record_refusal
from storage import accounts, cases, consents, outbox
from storage.db import Db, to_db

# Outbox kinds; their renderers are registered in handlers/cases/progress.py.
STATUS_NOTICE = "case_status"
CHECKIN = "aftercare_checkin"


async def authorized_case(
    db: Db, context: BotContext, actor: Actor, user_id: int, action: Action, tried: str
) -> Case | None:
    """Inside a transaction: the case, if the actor's carrier follows it and the household
    still consents to it; otherwise None, with the refusal in the audit log."""
    case = await cases.get_case(db, user_id)
    consented = actor.carrier_id is not None and await consents.has_consent(
        db, user_id, actor.carrier_id
    )
    if case is None or not may(actor, action, case.carrier_id, consented=consented):
        await record_refusal(db, context, actor, action, tried)
        return None
    return case


async def households_viewing(
    db: Db, account: Account | None, viewing: Viewing | None, now: datetime
) -> bool:
    """The presser's own viewing, still ahead, with a carrier that may still see the case."""
    return (
        account is not None
        and viewing is not None
        and viewing.user_id == account.id
        and viewing.is_upcoming(now)
        and await consents.has_consent(db, account.id, viewing.carrier_id)
    )


async def audit(db: Db, context: BotContext, action: Action, case: Case, detail: str) -> None:
    """Inside the transaction of a staff read or write of a case."""
    await record_action(db, context, action, f"case={case.case_number} {detail}", case.user_id)


async def move_case(
    db: Db,
    context: BotContext,
    case: Case,
    target: CaseStatus,
    actor: Actor,
    *,
    tell_household: bool = True,
) -> Case:
    """Stores the new status with its history row and queues what follows from it. The
    caller has judged the change (domain.case_status.judge) and audits it."""
    now = context.now()
    moved = replace(
        case, status=target, status_since=now, resume_status=resume_status_after(case, target)
    )
    await cases.save_status(db, moved, case.status, actor.telegram_id, now)
    if tell_household:
        carrier = await accounts.get_carrier(db, case.carrier_id)
        assert carrier is not None
        await outbox.enqueue_message(
            db,
            user_id=case.user_id,
            kind=STATUS_NOTICE,
            topic=Topic.APPOINTMENTS,
            params={"status": target.value, "carrier": carrier.name},
            due_at=now,
            dedupe_key=f"case:{case.user_id}:{target.value}:{to_db(now)}",
            ref=f"case:{case.user_id}",
            now=now,
        )
    await _plan_aftercare(db, context, moved, now)
    return moved


async def _plan_aftercare(db: Db, context: BotContext, case: Case, now: datetime) -> None:
    """Check-ins start with "moved" and end with the case; a new "moved" starts them anew."""
    ref = f"aftercare:{case.user_id}"
    if case.status is CaseStatus.MOVED:
        await outbox.cancel_by_ref(db, ref, now)
        tz = context.settings.tz
        deadline = anmeldung_deadline(now, tz).isoformat()
        for position, (week, due) in enumerate(checkin_times(now, tz)):
            params: dict[str, Any] = {"week": week}
            if position == 0:
                params["anmeldung_by"] = deadline
            await outbox.enqueue_message(
                db,
                user_id=case.user_id,
                kind=CHECKIN,
                topic=Topic.APPOINTMENTS,
                params=params,
                due_at=due,
                dedupe_key=f"{ref}:{to_db(now)}:{week}",
                ref=ref,
                now=now,
            )
    elif not takes_checkins(case.status):
        await outbox.cancel_by_ref(db, ref, now)


async def staff_to_tell(db: Db, carrier_id: int, preferred: int | None) -> list[int]:
    """The staff member who handles it, if still with the carrier; else all its staff."""
    staff = await cases.carrier_staff(db, carrier_id)
    return [preferred] if preferred in staff else staff


async def notify(
    db: Db,
    recipients: list[int],
    kind: str,
    params: dict[str, Any],
    key: str,
    now: datetime,
    *,
    topic: Topic = Topic.APPOINTMENTS,
    ref: str | None = None,
    due_at: datetime | None = None,
) -> None:
    """One outbox message to each recipient (users.id), each with its own dedupe key."""
    for user_id in recipients:
        await outbox.enqueue_message(
            db,
            user_id=user_id,
            kind=kind,
            topic=topic,
            params=params,
            due_at=due_at or now,
            dedupe_key=f"{key}:{user_id}",
            ref=ref,
            now=now,
        )
