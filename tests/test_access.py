"""The pure rules: who may do what to which carrier's data, invitations, case numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.limits import MAX_DEEP_LINK_PAYLOAD
from domain.access import Action, Actor, administers, may
from domain.accounts import StaffRole
from domain.cases import (
    CASE_NUMBER_ALPHABET,
    CASE_NUMBER_LENGTH,
    ConsentAnswer,
    ConsentRequest,
    may_ask_consent,
    parse_case_number,
)
from domain.invites import (
    Invite,
    InviteStatus,
    hash_token,
    invite_payload,
    invite_status,
    token_from_payload,
)

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
ADMIN = Actor(900, is_admin=True)
CASEWORKER = Actor(501, False, carrier_id=1, staff_role=StaffRole.CASEWORKER)
COORDINATOR = Actor(502, False, carrier_id=1, staff_role=StaffRole.COORDINATOR)
SEEKER = Actor(111, is_admin=False)
ADMINISTRATION = (
    Action.INVITE_STAFF,
    Action.LIST_STAFF,
    Action.REMOVE_STAFF,
    Action.VIEW_AUDIT,
)

actors = st.builds(
    Actor,
    telegram_id=st.integers(1, 10**10),
    is_admin=st.booleans(),
    carrier_id=st.one_of(st.none(), st.integers(1, 3)),
    staff_role=st.one_of(st.none(), st.sampled_from(StaffRole)),
)


@pytest.mark.parametrize("action", ADMINISTRATION)
def test_coordinators_administer_their_own_carrier_only(action):
    assert may(COORDINATOR, action, 1)
    assert not may(COORDINATOR, action, 2)
    assert not may(COORDINATOR, action, None)  # None means every carrier: admins only


@pytest.mark.parametrize("action", ADMINISTRATION)
def test_admins_administer_every_carrier_and_caseworkers_none(action):
    assert may(ADMIN, action, 2) and may(ADMIN, action, None)
    assert not may(CASEWORKER, action, 1)
    assert not may(SEEKER, action, 1)


def test_cases_need_staff_of_a_carrier_and_consent_even_for_admins():
    assert may(CASEWORKER, Action.VIEW_CASE, 1, consented=True)
    assert not may(CASEWORKER, Action.VIEW_CASE, 1, consented=False)
    assert not may(ADMIN, Action.VIEW_CASE, None, consented=True)
    assert not may(SEEKER, Action.VIEW_CASE, None, consented=True)


def test_only_admins_add_staff_directly_and_set_contacts():
    for action in (Action.ADD_STAFF, Action.SET_CONTACT):
        assert may(ADMIN, action) and not may(COORDINATOR, action, 1)


def test_the_staff_menu_is_for_staff_and_admins():
    assert may(CASEWORKER, Action.USE_STAFF_MENU) and may(ADMIN, Action.USE_STAFF_MENU)
    assert not may(SEEKER, Action.USE_STAFF_MENU)


@given(actors, st.sampled_from(Action), st.one_of(st.none(), st.integers(1, 3)), st.booleans())
def test_nobody_reaches_another_carrier_unless_admin(actor, action, carrier_id, consented):
    allowed = may(actor, action, carrier_id, consented=consented)
    if action in ADMINISTRATION and allowed and not actor.is_admin:
        assert actor.staff_role is StaffRole.COORDINATOR and carrier_id == actor.carrier_id
    if action is Action.VIEW_CASE:
        assert allowed == (actor.carrier_id is not None and consented)


@given(actors)
def test_administering_needs_a_coordinator_or_an_admin(actor):
    if administers(actor, actor.carrier_id):
        assert actor.is_admin or actor.staff_role is StaffRole.COORDINATOR


# Invitations.


def _invite(**changes) -> Invite:
    values = {
        "id": 1,
        "carrier_id": 1,
        "role": StaffRole.CASEWORKER,
        "created_by": 502,
        "created_at": NOW,
        "expires_at": NOW + timedelta(hours=72),
        "used_at": None,
        "used_by": None,
    }
    return Invite(**(values | changes))


def _status(invite: Invite | None, *, who: int = 777, carrier_now: int | None = None, at=NOW):
    return invite_status(invite, telegram_id=who, carrier_id_now=carrier_now, now=at)


def test_an_invitation_works_until_it_expires_or_is_used():
    assert _status(None) is InviteStatus.UNKNOWN
    assert _status(_invite(), at=NOW + timedelta(hours=71, minutes=59)) is InviteStatus.VALID
    assert _status(_invite(), at=NOW + timedelta(hours=72)) is InviteStatus.EXPIRED
    used = _invite(used_at=NOW, used_by=777)
    assert _status(used, who=778) is InviteStatus.USED
    assert _status(used, who=777, carrier_now=1) is InviteStatus.ALREADY_JOINED
    # Removed since: their old link does not make them staff again.
    assert _status(used, who=777, carrier_now=None) is InviteStatus.USED


tokens = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    min_size=32,
    max_size=32,
)


@given(tokens)
def test_invite_payloads_round_trip_and_fit_a_deep_link(token):
    payload = invite_payload(token)
    assert token_from_payload(payload) == token
    assert len(payload) <= MAX_DEEP_LINK_PAYLOAD


@given(st.text(max_size=80))
def test_payload_parsing_never_raises(text):
    token = token_from_payload(text)
    assert token is None or invite_payload(token) == text


def test_tokens_are_stored_as_a_hash():
    assert hash_token("a" * 32) != "a" * 32 and len(hash_token("a" * 32)) == 64


# Case numbers and consent requests.

case_numbers = st.text(
    alphabet=CASE_NUMBER_ALPHABET, min_size=CASE_NUMBER_LENGTH, max_size=CASE_NUMBER_LENGTH
)


@given(case_numbers)
def test_case_numbers_round_trip_however_they_are_typed(number):
    assert parse_case_number(number) == number
    assert parse_case_number(f" {number[:3].lower()}-{number[3:]} ") == number


@given(st.text(max_size=20))
def test_case_number_parsing_never_raises(text):
    number = parse_case_number(text)
    assert number is None or (len(number) == 6 and set(number) <= set(CASE_NUMBER_ALPHABET))


@pytest.mark.parametrize("text", ["K7M2Q", "K7M2QXX", "K0M2QX", "KIM2QX", "K7M2Q٣", ""])
def test_wrong_case_numbers_are_refused(text):
    assert parse_case_number(text) is None


def test_a_carrier_asks_the_same_seeker_at_most_once_a_week():
    week = timedelta(days=7)
    last = ConsentRequest(1, 5, 1, 501, NOW, ConsentAnswer.DECLINED, NOW)
    assert may_ask_consent(None, consented=False, now=NOW, interval=week)
    assert not may_ask_consent(last, consented=False, now=NOW + week / 2, interval=week)
    assert may_ask_consent(last, consented=False, now=NOW + week, interval=week)
    assert not may_ask_consent(None, consented=True, now=NOW, interval=week)


WORKSHOP_ACTIONS = (
    Action.EDIT_WORKSHOP,
    Action.ANNOUNCE_WORKSHOP,
    Action.CANCEL_WORKSHOP,
    Action.VIEW_PARTICIPANTS,
)
QUESTION_ACTIONS = (Action.VIEW_QUESTION, Action.TAKE_QUESTION, Action.ANSWER_QUESTION)


@pytest.mark.parametrize("action", WORKSHOP_ACTIONS)
def test_workshops_are_their_carriers_staffs_business_only(action):
    assert may(CASEWORKER, action, 1) and may(COORDINATOR, action, 1)
    assert not may(CASEWORKER, action, 2) and not may(CASEWORKER, action, None)
    assert not may(ADMIN, action, 1) and not may(SEEKER, action, 1)


@pytest.mark.parametrize("action", QUESTION_ACTIONS)
def test_questions_to_all_carriers_are_open_to_every_carriers_staff(action):
    assert may(CASEWORKER, action, 1) and may(CASEWORKER, action, None)
    assert not may(CASEWORKER, action, 2)
    assert not may(ADMIN, action, None) and not may(SEEKER, action, None)
