"""Volunteers who accompany households to viewings and offices (Behördengänge).

A volunteer offers districts, languages and kinds of accompaniment. A request goes to every
active volunteer who fits; the first to accept gets it, everyone else is told it is taken.
If nobody accepts before the request expires, staff are told.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Kind(StrEnum):
    VIEWING = "viewing"
    JOBCENTER = "jobcenter"
    SOZIALAMT = "sozialamt"
    BUERGERAMT = "buergeramt"  # registration (Anmeldung)


class RequestStatus(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Offer:
    user_id: int
    first_name: str  # the only thing a household learns about its companion
    districts: frozenset[str]  # German district names
    languages: frozenset[str]  # locale codes
    kinds: frozenset[Kind]
    active: bool

    @property
    def is_complete(self) -> bool:
        return bool(self.districts and self.languages and self.kinds)


@dataclass(frozen=True, slots=True)
class Request:
    id: int
    user_id: int  # the household
    carrier_id: int
    requested_by: int | None  # users.id of the staff member; None: the household asked
    viewing_id: int | None
    kind: Kind
    starts_at: datetime
    place: str
    meeting_point: str | None
    district: str | None  # None: not known from the address, every district fits
    language: str  # the household's language
    status: RequestStatus
    volunteer_id: int | None
    created_at: datetime
    expires_at: datetime

    def is_open(self, now: datetime) -> bool:
        return self.status is RequestStatus.OPEN and now < self.expires_at


def fits(offer: Offer, kind: Kind, district: str | None, language: str) -> bool:
    return (
        offer.active
        and kind in offer.kinds
        and language in offer.languages
        and (district is None or district in offer.districts)
    )


def fitting(offers: Iterable[Offer], kind: Kind, district: str | None, language: str) -> list[int]:
    """users.id of the volunteers to ask."""
    return [o.user_id for o in offers if fits(o, kind, district, language)]


def expires_at(now: datetime, starts_at: datetime, wait: timedelta, lead: timedelta) -> datetime:
    """Volunteers have `wait` to answer, but staff hear at least `lead` before the start."""
    return max(now, min(now + wait, starts_at - lead))


class Acceptance(StrEnum):
    ACCEPTED = "accepted"
    YOURS_ALREADY = "yours"  # the same volunteer pressed twice
    TAKEN = "taken"  # another volunteer was quicker
    CLOSED = "closed"  # expired or cancelled
    NOT_ASKED = "not_asked"  # a forged or foreign button


def acceptance(
    request: Request | None, volunteer_id: int, asked: bool, now: datetime
) -> Acceptance:
    if request is None or not asked:
        return Acceptance.NOT_ASKED
    if request.status is RequestStatus.TAKEN:
        if request.volunteer_id == volunteer_id:
            return Acceptance.YOURS_ALREADY
        return Acceptance.TAKEN
    if not request.is_open(now):
        return Acceptance.CLOSED
    return Acceptance.ACCEPTED


def toggled(values: frozenset[str], value: str) -> frozenset[str]:
    return values - {value} if value in values else values | {value}
