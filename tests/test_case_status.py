"""The case's status machine and the aftercare schedule: pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.case_status import (
    BEFORE_MOVE,
    PATH,
    CaseStatus,
    Concern,
    Verdict,
    after_let,
    anmeldung_deadline,
    checkin_times,
    choices,
    judge,
    next_status,
)

S = CaseStatus
BERLIN = ZoneInfo("Europe/Berlin")
statuses = st.sampled_from(CaseStatus)
resumes = st.one_of(st.none(), st.sampled_from(BEFORE_MOVE))


@pytest.mark.parametrize(("current", "target"), list(pairwise(PATH)))
def test_one_step_forward_is_normal(current, target):
    assert judge(current, target).verdict is Verdict.ALLOWED


def test_moved_before_the_lease_was_signed_asks_for_a_confirmation():
    judgement = judge(S.RENT_APPROVED, S.MOVED)
    assert judgement.verdict is Verdict.CONFIRM
    assert judgement.concern is Concern.SKIPS
    assert judgement.skipped == (S.LEASE_SIGNED,)
    assert judge(S.SEARCHING, S.MOVED).skipped == (
        S.VIEWING, S.OFFER, S.RENT_APPROVED, S.LEASE_SIGNED
    )  # fmt: skip


@pytest.mark.parametrize("current", [S.VIEWING, S.OFFER, S.RENT_APPROVED])
def test_a_flat_that_falls_through_goes_back_to_searching_without_a_question(current):
    assert judge(current, S.SEARCHING).verdict is Verdict.ALLOWED


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.LEASE_SIGNED, S.OFFER),
        (S.LEASE_SIGNED, S.SEARCHING),
        (S.MOVED, S.LEASE_SIGNED),  # undoing a "moved" pressed by mistake
    ],
)
def test_going_back_needs_a_confirmation(current, target):
    judgement = judge(current, target)
    assert (judgement.verdict, judgement.concern) == (Verdict.CONFIRM, Concern.GOES_BACK)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.MOVED, S.WITHDRAWN),  # after the move a case is closed, not withdrawn
        (S.AFTERCARE, S.PAUSED),
        (S.AFTERCARE, S.LEASE_SIGNED),  # aftercare has started: the move stays
        (S.SEARCHING, S.CLOSED),  # never moved: withdrawn, not closed
        (S.CLOSED, S.MOVED),
        (S.WITHDRAWN, S.OFFER),
        (S.OFFER, S.OFFER),
    ],
)
def test_changes_that_cannot_be_right_are_refused(current, target):
    assert judge(current, target).verdict is Verdict.REFUSED


def test_closed_and_withdrawn_cases_reopen_only_with_a_confirmation():
    for current, target in (
        (S.CLOSED, S.SEARCHING),
        (S.CLOSED, S.AFTERCARE),
        (S.WITHDRAWN, S.SEARCHING),
    ):
        judgement = judge(current, target)
        assert (judgement.verdict, judgement.concern) == (Verdict.CONFIRM, Concern.REOPENS)


def test_a_paused_case_resumes_where_it_stopped():
    assert judge(S.PAUSED, S.OFFER, resume=S.OFFER).verdict is Verdict.ALLOWED
    assert next_status(S.PAUSED, S.OFFER) is S.OFFER
    # From the pause on, the rules are those of the interrupted status.
    assert judge(S.PAUSED, S.MOVED, resume=S.OFFER).skipped == (S.RENT_APPROVED, S.LEASE_SIGNED)
    assert judge(S.PAUSED, S.WITHDRAWN, resume=S.OFFER).verdict is Verdict.ALLOWED


@given(statuses, resumes)
def test_the_usual_next_step_never_needs_a_confirmation(current, resume):
    following = next_status(current, resume)
    if following is not None:
        assert judge(current, following, resume).verdict is Verdict.ALLOWED


@given(statuses, statuses, resumes)
def test_judging_is_total_and_staying_is_never_a_change(current, target, resume):
    judgement = judge(current, target, resume)
    assert (judgement.concern is None) == (judgement.verdict is not Verdict.CONFIRM)
    assert current not in choices(current, resume)


@given(statuses, resumes)
def test_every_open_case_can_end(current, resume):
    """Before the move it can be withdrawn, after it closed; nothing is a dead end."""
    if current in (S.CLOSED, S.WITHDRAWN):
        assert choices(current, resume) != []
    else:
        assert {S.WITHDRAWN, S.CLOSED, S.AFTERCARE} & set(choices(current, resume))


def test_checkins_come_before_the_anmeldung_deadline_then_at_6_and_12_weeks():
    moved = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # 21:00 in Cologne
    times = checkin_times(moved, BERLIN)
    assert [week for week, _ in times] == [2, 6, 12]
    assert [t.astimezone(BERLIN) for _, t in times] == [
        datetime(2026, 12, 6, 10, 0, tzinfo=BERLIN),
        datetime(2027, 1, 6, 10, 0, tzinfo=BERLIN),
        datetime(2027, 2, 17, 10, 0, tzinfo=BERLIN),
    ]
    deadline = anmeldung_deadline(moved, BERLIN)
    assert deadline == date(2026, 12, 9) and times[0][1].date() < deadline


def test_a_flat_let_to_the_household_moves_its_case_to_offer_received_once():
    assert after_let(CaseStatus.SEARCHING) is CaseStatus.OFFER
    assert after_let(CaseStatus.VIEWING) is CaseStatus.OFFER
    assert after_let(CaseStatus.PAUSED, CaseStatus.VIEWING) is CaseStatus.OFFER
    for later in (CaseStatus.OFFER, CaseStatus.RENT_APPROVED, CaseStatus.MOVED):
        assert after_let(later) is None
    assert after_let(CaseStatus.WITHDRAWN) is None
    assert after_let(CaseStatus.PAUSED, CaseStatus.LEASE_SIGNED) is None
