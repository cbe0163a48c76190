"""How long personal data is kept: one period per rule, configured by the operator.

The daily job (handlers/onboarding/retention.py) applies every rule; storage/retention.py
does the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.case_status import BEFORE_MOVE, CaseStatus


@dataclass(frozen=True, slots=True)
class Retention:
    # A search nobody used this long: the household is asked whether it still looks …
    inactive_search: timedelta = timedelta(days=182)
    # … and without an answer within this period its data is deleted, as by /delete.
    still_looking_answer: timedelta = timedelta(days=30)
    # A user who blocked the bot this long ago: their data is deleted, as by /delete.
    blocked_user: timedelta = timedelta(days=90)
    # Bookings, viewings, workshop places, accompaniments and flat offers this long over.
    finished_appointment: timedelta = timedelta(days=365)
    # A let or withdrawn listing: the landlord's contact and the address, after this.
    closed_listing: timedelta = timedelta(days=90)
    # The text of an answered question to caseworkers, this long after its last message.
    answered_question: timedelta = timedelta(days=182)
    # Staff invitations, this long after they were used or expired.
    invite: timedelta = timedelta(days=30)
    # The audit log: what carriers keep case files for.
    audit: timedelta = timedelta(days=3 * 365)
    # Refused attempts (a staff command, a dead invite) of people who are not staff.
    refused_attempt: timedelta = timedelta(days=90)


# The environment variable of each period, in whole days (README lists them).
RETENTION_VARIABLES: dict[str, str] = {
    "inactive_search": "RETAIN_INACTIVE_SEARCH_DAYS",
    "still_looking_answer": "RETAIN_SEARCH_ANSWER_DAYS",
    "blocked_user": "RETAIN_BLOCKED_USER_DAYS",
    "finished_appointment": "RETAIN_APPOINTMENT_DAYS",
    "closed_listing": "RETAIN_CLOSED_LISTING_DAYS",
    "answered_question": "RETAIN_ANSWERED_QUESTION_DAYS",
    "invite": "RETAIN_INVITE_DAYS",
    "audit": "RETAIN_AUDIT_DAYS",
    "refused_attempt": "RETAIN_REFUSED_ATTEMPT_DAYS",
}


def status_when_abandoned(status: CaseStatus) -> CaseStatus:
    """A household stopped answering: its case ends as staff would end it (a case that never
    moved is withdrawn, not closed)."""
    return (
        CaseStatus.WITHDRAWN if status in (*BEFORE_MOVE, CaseStatus.PAUSED) else CaseStatus.CLOSED
    )
