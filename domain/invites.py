"""Single-use invitations that make someone staff of a carrier, sent as a /start deep link."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.accounts import StaffRole

TOKEN_BYTES = 24  # 192 random bits: unguessable, so a fast hash suffices to store it
PAYLOAD_PREFIX = "inv_"
# secrets.token_urlsafe(24) gives 32 characters of [A-Za-z0-9_-], what a deep link allows.
_PAYLOAD = re.compile(PAYLOAD_PREFIX + r"([A-Za-z0-9_-]{32})")


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    carrier_id: int
    role: StaffRole
    created_by: int  # telegram id
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_by: int | None  # telegram id


class InviteStatus(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    ALREADY_JOINED = "already_joined"  # the same person opened their link again
    HOUSEHOLD = "household"  # a seeker's or volunteer's account: staff use a work account


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_payload(token: str) -> str:
    return PAYLOAD_PREFIX + token


def token_from_payload(payload: str) -> str | None:
    match = _PAYLOAD.fullmatch(payload)
    return match[1] if match else None


def invite_status(
    invite: Invite | None,
    *,
    telegram_id: int,
    carrier_id_now: int | None,
    now: datetime,
    household: bool = False,
) -> InviteStatus:
    """`carrier_id_now` is the carrier the person is staff of right now, if any; `household`
    says the account is a seeker's or volunteer's. A refused household leaves the link valid."""
    if invite is None:
        return InviteStatus.UNKNOWN
    if invite.used_at is not None:
        joined = invite.used_by == telegram_id and carrier_id_now == invite.carrier_id
        return InviteStatus.ALREADY_JOINED if joined else InviteStatus.USED
    if now >= invite.expires_at:
        return InviteStatus.EXPIRED
    return InviteStatus.HOUSEHOLD if household else InviteStatus.VALID
