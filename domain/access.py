"""Who may do what to which carrier's data. Pure: handlers load the facts and ask here.

Admins (settings.ADMIN_IDS) administer every carrier; a coordinator administers their own;
a caseworker administers nothing. Cases are different: only staff of a carrier see a case,
only of their own carrier and only while the seeker consents to it, whether admin or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from domain.accounts import Account, StaffRole


class Action(StrEnum):
    """Also the audit log's action codes; a refusal is logged as `denied.<code>`."""

    USE_STAFF_MENU = "staff.menu"
    FIND_CASE = "case.find"
    VIEW_CASE = "case.view"
    ASK_CONSENT = "consent.request"
    INVITE_STAFF = "staff.invite"
    JOIN_STAFF = "staff.join"
    LIST_STAFF = "staff.list"
    ADD_STAFF = "staff.add"
    REMOVE_STAFF = "staff.remove"
    SET_CONTACT = "carrier.contact"
    VIEW_AUDIT = "audit.view"
    WRITE_LISTING = "listing.write"  # type, change or discard a draft; list the listings
    PUBLISH_LISTING = "listing.publish"
    RELEASE_ADDRESS = "listing.address"  # show households the house number
    CLOSE_LISTING = "listing.close"  # let or withdrawn
    VIEW_SHORTLIST = "shortlist.view"
    PROPOSE_HOUSEHOLD = "shortlist.propose"  # to the landlord
    ANNOUNCE = "announce.send"
    # Consultation hours: only for staff of the carrier that holds them.
    CREATE_SLOTS = "slots.create"
    CHANGE_SLOT = "slots.change"
    CANCEL_SLOT = "slots.cancel"
    VIEW_BOOKINGS = "bookings.view"
    MARK_ATTENDANCE = "bookings.attendance"
    EXPORT_BOOKINGS = "bookings.export"
    EDIT_WORKSHOP = "workshop.edit"  # create or change
    ANNOUNCE_WORKSHOP = "workshop.announce"
    CANCEL_WORKSHOP = "workshop.cancel"
    VIEW_PARTICIPANTS = "workshop.participants"  # the list and its CSV export
    VIEW_QUESTION = "question.view"
    TAKE_QUESTION = "question.take"
    ANSWER_QUESTION = "question.answer"
    MOVE_CASE = "case.status"
    SCHEDULE_VIEWING = "viewing.schedule"
    CHANGE_VIEWING = "viewing.change"  # reschedule, cancel, record the outcome
    REQUEST_COMPANION = "companion.request"
    VIEW_STATS = "stats.view"
    EXPORT_CASES = "case.export"


DENIED_PREFIX = "denied."


def denied(action: Action) -> str:
    return DENIED_PREFIX + action.value


@dataclass(frozen=True, slots=True)
class Actor:
    """Whoever sent the update, as known right now (never from an old message)."""

    telegram_id: int
    is_admin: bool
    carrier_id: int | None = None
    staff_role: StaffRole | None = None

    @classmethod
    def of(cls, telegram_id: int, account: Account | None, *, is_admin: bool) -> Actor:
        if account is None or not account.is_staff:
            return cls(telegram_id, is_admin)
        return cls(telegram_id, is_admin, account.carrier_id, account.staff_role)

    @property
    def is_staff(self) -> bool:
        return self.carrier_id is not None

    @property
    def is_coordinator(self) -> bool:
        return self.is_staff and self.staff_role is StaffRole.COORDINATOR


def administers(actor: Actor, carrier_id: int | None) -> bool:
    """May manage the staff and read the audit log of `carrier_id` (None: of all carriers)."""
    if actor.is_admin:
        return True
    return actor.is_coordinator and carrier_id is not None and carrier_id == actor.carrier_id


def may(
    actor: Actor, action: Action, carrier_id: int | None = None, *, consented: bool = False
) -> bool:
    """`carrier_id` is the carrier whose data or staff the action touches (for work on a case:
    the carrier that follows it); `consented` says whether the case's seeker currently
    consents to the actor's own carrier. Figures and exports cover the actor's own carrier."""
    match action:
        case Action.USE_STAFF_MENU:
            return actor.is_admin or actor.is_staff
        case Action.VIEW_CASE:
            return actor.is_staff and consented
        case Action.FIND_CASE | Action.ASK_CONSENT | Action.VIEW_STATS | Action.EXPORT_CASES:
            return actor.is_staff
        case (
            Action.MOVE_CASE
            | Action.SCHEDULE_VIEWING
            | Action.CHANGE_VIEWING
            | Action.REQUEST_COMPANION
        ):
            # Only the staff of the carrier that follows the case, and only with consent.
            return actor.is_staff and consented and carrier_id == actor.carrier_id
        case Action.JOIN_STAFF:
            return True  # the invitation itself is the permission; see domain.invites
        case Action.ADD_STAFF | Action.SET_CONTACT:
            return actor.is_admin
        case Action.INVITE_STAFF | Action.LIST_STAFF | Action.REMOVE_STAFF | Action.VIEW_AUDIT:
            return administers(actor, carrier_id)
        case (
            Action.WRITE_LISTING
            | Action.PUBLISH_LISTING
            | Action.RELEASE_ADDRESS
            | Action.CLOSE_LISTING
            | Action.VIEW_SHORTLIST
        ):
            # A carrier's listings are its own staff's business, admins' included.
            return actor.is_staff and carrier_id == actor.carrier_id
        case Action.PROPOSE_HOUSEHOLD:
            return actor.is_staff and carrier_id == actor.carrier_id and consented
        case Action.ANNOUNCE:
            return actor.is_admin or actor.is_staff
        case (
            Action.CREATE_SLOTS
            | Action.CHANGE_SLOT
            | Action.CANCEL_SLOT
            | Action.VIEW_BOOKINGS
            | Action.MARK_ATTENDANCE
            | Action.EXPORT_BOOKINGS
        ):
            return actor.is_staff and carrier_id == actor.carrier_id
        case (
            Action.EDIT_WORKSHOP
            | Action.ANNOUNCE_WORKSHOP
            | Action.CANCEL_WORKSHOP
            | Action.VIEW_PARTICIPANTS
        ):
            return actor.is_staff and carrier_id == actor.carrier_id
        case Action.VIEW_QUESTION | Action.TAKE_QUESTION | Action.ANSWER_QUESTION:
            # None: a question to every carrier, which any carrier's staff may answer.
            return actor.is_staff and carrier_id in (None, actor.carrier_id)
    assert_never(action)
