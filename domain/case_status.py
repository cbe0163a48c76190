"""A household's move-out case: its status, which changes make sense, and aftercare.

    searching → viewing → offer → approved → signed → moved → aftercare → closed
    (and paused / withdrawn before the move)

Staff of the case's carrier move it with buttons. One step forward is normal; anything that
skips steps (moved before the lease was signed) or undoes progress needs a confirmation; a
change that cannot be right (withdrawing after the move, pausing a closed case) is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo


class CaseStatus(StrEnum):
    SEARCHING = "searching"
    VIEWING = "viewing"  # a viewing is scheduled
    OFFER = "offer"  # a rental offer (Mietangebot) was received
    RENT_APPROVED = "approved"  # Jobcenter or Sozialamt approved the rent as "angemessen"
    LEASE_SIGNED = "signed"
    MOVED = "moved"
    AFTERCARE = "aftercare"
    CLOSED = "closed"
    PAUSED = "paused"
    WITHDRAWN = "withdrawn"


PATH: tuple[CaseStatus, ...] = (
    CaseStatus.SEARCHING,
    CaseStatus.VIEWING,
    CaseStatus.OFFER,
    CaseStatus.RENT_APPROVED,
    CaseStatus.LEASE_SIGNED,
    CaseStatus.MOVED,
    CaseStatus.AFTERCARE,
    CaseStatus.CLOSED,
)
BEFORE_MOVE = PATH[: PATH.index(CaseStatus.MOVED)]
# An offer can fall through at any of these; the household then simply searches again.
FALLS_THROUGH = (CaseStatus.VIEWING, CaseStatus.OFFER, CaseStatus.RENT_APPROVED)


class Verdict(StrEnum):
    ALLOWED = "allowed"
    CONFIRM = "confirm"  # makes sense only in unusual cases: staff confirm it
    REFUSED = "refused"


class Concern(StrEnum):
    """Why a change needs a confirmation; staff read it before they confirm."""

    SKIPS = "skips"  # jumps over steps, e.g. moved before the lease was signed
    GOES_BACK = "back"  # undoes progress
    REOPENS = "reopens"  # a closed or withdrawn case starts again


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    concern: Concern | None = None
    skipped: tuple[CaseStatus, ...] = ()  # the steps a SKIPS change jumps over


ALLOWED = Judgement(Verdict.ALLOWED)
REFUSED = Judgement(Verdict.REFUSED)


@dataclass(frozen=True, slots=True)
class Case:
    user_id: int  # users.id of the household's contact person
    carrier_id: int  # the carrier whose staff follow the case
    status: CaseStatus
    opened_at: datetime
    status_since: datetime
    resume_status: CaseStatus | None = None  # while paused: the status to go back to
    case_number: str | None = None


def judge(current: CaseStatus, target: CaseStatus, resume: CaseStatus | None = None) -> Judgement:
    """May a case in `current` move to `target`? `resume` is the status before a pause."""
    if target is current:
        return REFUSED
    if current is CaseStatus.PAUSED:
        before = resume or CaseStatus.SEARCHING
        return ALLOWED if target is before else judge(before, target)
    if current in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN):
        return _reopening(current, target)
    if target in (CaseStatus.PAUSED, CaseStatus.WITHDRAWN):
        return ALLOWED if current in BEFORE_MOVE else REFUSED
    if target is CaseStatus.CLOSED and current in BEFORE_MOVE:
        return REFUSED  # a case that never moved is withdrawn, not closed
    here, there = PATH.index(current), PATH.index(target)
    if there == here + 1:
        return ALLOWED
    if there > here:
        return Judgement(Verdict.CONFIRM, Concern.SKIPS, PATH[here + 1 : there])
    return _going_back(current, target)


def _reopening(current: CaseStatus, target: CaseStatus) -> Judgement:
    if target is CaseStatus.SEARCHING or (
        current is CaseStatus.CLOSED and target is CaseStatus.AFTERCARE
    ):
        return Judgement(Verdict.CONFIRM, Concern.REOPENS)
    return REFUSED


def _going_back(current: CaseStatus, target: CaseStatus) -> Judgement:
    if target is CaseStatus.SEARCHING and current in FALLS_THROUGH:
        return ALLOWED
    if current in BEFORE_MOVE or (
        current is CaseStatus.MOVED and target is CaseStatus.LEASE_SIGNED
    ):  # the last one undoes a "moved" pressed by mistake
        return Judgement(Verdict.CONFIRM, Concern.GOES_BACK)
    return REFUSED  # aftercare has started: the move cannot be undone


def after_let(current: CaseStatus, resume: CaseStatus | None = None) -> CaseStatus | None:
    """A flat was let to the household: its case moves to "offer received", unless the
    case is there or beyond already (or closed)."""
    if current is CaseStatus.PAUSED:
        current = resume or CaseStatus.SEARCHING
    return CaseStatus.OFFER if current in (CaseStatus.SEARCHING, CaseStatus.VIEWING) else None


def next_status(current: CaseStatus, resume: CaseStatus | None = None) -> CaseStatus | None:
    """The usual next step, offered as the main button; None for a finished case."""
    if current is CaseStatus.PAUSED:
        return resume or CaseStatus.SEARCHING
    if current not in PATH or current is CaseStatus.CLOSED:
        return None
    return PATH[PATH.index(current) + 1]


def choices(current: CaseStatus, resume: CaseStatus | None = None) -> list[CaseStatus]:
    """Every status the case may move to, with or without a confirmation."""
    return [s for s in CaseStatus if judge(current, s, resume).verdict is not Verdict.REFUSED]


def resume_status_after(case: Case, target: CaseStatus) -> CaseStatus | None:
    """What a pause remembers: the status it interrupted."""
    if target is not CaseStatus.PAUSED:
        return None
    return case.status if case.status is not CaseStatus.PAUSED else case.resume_status


def is_open(status: CaseStatus) -> bool:
    return status not in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN)


# Aftercare: check-ins after the move, keyed by the week they stand for. The first comes a
# few days before two weeks are up, so its reminder of the registration (Anmeldung, due
# within two weeks of moving in) still helps.
AFTERCARE_CHECKINS: Mapping[int, timedelta] = MappingProxyType(
    {2: timedelta(days=11), 6: timedelta(weeks=6), 12: timedelta(weeks=12)}
)
ANMELDUNG_WITHIN = timedelta(weeks=2)
CHECKIN_HOUR = time(10, 0)  # local time: not at night, not too early


def checkin_times(moved_at: datetime, tz: ZoneInfo) -> list[tuple[int, datetime]]:
    """(week, when) of each aftercare check-in for a household that moved at `moved_at`."""
    moved_on = moved_at.astimezone(tz).date()
    return [
        (week, datetime.combine(moved_on + delay, CHECKIN_HOUR, tzinfo=tz))
        for week, delay in AFTERCARE_CHECKINS.items()
    ]


def anmeldung_deadline(moved_at: datetime, tz: ZoneInfo) -> date:
    return moved_at.astimezone(tz).date() + ANMELDUNG_WITHIN


def takes_checkins(status: CaseStatus) -> bool:
    """Check-in answers count while the case is in aftercare (or just moved)."""
    return status in (CaseStatus.MOVED, CaseStatus.AFTERCARE)
