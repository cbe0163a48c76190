"""People who use the bot, their roles, and the carriers staff belong to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    SEEKER = "seeker"
    VOLUNTEER = "volunteer"
    STAFF = "staff"


class Audience(StrEnum):
    """Who consultation hours, workshops and announcements are for."""

    SEEKERS = "seekers"
    VOLUNTEERS = "volunteers"
    BOTH = "both"

    @property
    def roles(self) -> frozenset[Role]:
        if self is Audience.BOTH:
            return frozenset({Role.SEEKER, Role.VOLUNTEER})
        return frozenset({Role.SEEKER if self is Audience.SEEKERS else Role.VOLUNTEER})

    def admits(self, role: Role) -> bool:
        return role in self.roles

    @classmethod
    def only(cls, role: Role) -> Audience:
        """The audience of this role alone (BOTH admits it too)."""
        return cls.VOLUNTEERS if role is Role.VOLUNTEER else cls.SEEKERS


# Roles a person can choose for themselves; staff is granted by an admin.
SELF_SERVICE_ROLES = (Role.SEEKER, Role.VOLUNTEER)


class StaffRole(StrEnum):
    """Within a carrier: caseworkers follow cases, coordinators also administer the staff."""

    CASEWORKER = "caseworker"
    COORDINATOR = "coordinator"


@dataclass(frozen=True, slots=True)
class Carrier:
    id: int
    code: str
    name: str
    contact: str | None


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    telegram_id: int
    role: Role
    locale: str
    consent_at: datetime | None
    created_at: datetime
    last_seen_at: datetime
    blocked_at: datetime | None
    carrier_id: int | None  # set for staff only
    staff_role: StaffRole | None = None  # set for staff only
    case_number: str | None = None  # set for seekers only

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF and self.carrier_id is not None

    @property
    def is_household(self) -> bool:
        """A seeker or volunteer: such an account never becomes staff, staff use a work one."""
        return self.role in SELF_SERVICE_ROLES


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One staff read or write of a case: who, what, which case, when."""

    at: datetime
    actor_telegram_id: int | None  # None: someone without an account, or since deleted
    carrier_id: int | None
    action: str
    subject_user_id: int | None
    detail: str | None
    subject_case_number: str | None = None  # None also once the seeker deleted their data


def is_due_for_last_seen(account: Account, now: datetime, resolution: timedelta) -> bool:
    """last_seen is written at most once per `resolution`, so reads stay read-only."""
    return account.blocked_at is not None or now - account.last_seen_at >= resolution


def may_use_staff_commands(account: Account | None, *, is_admin: bool) -> bool:
    return is_admin or (account is not None and account.is_staff)
