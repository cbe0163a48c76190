"""The rules of a housing search: which answers are missing, where the chat goes next."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.places import Area
from domain.searches import (
    NO_CARRIER,
    Document,
    Field,
    Search,
    SearchStatus,
    Step,
    Wbs,
    change_status,
    first_open_step,
    is_complete,
    missing_fields,
    step_after,
    step_before,
    with_document,
)

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
EMPTY = Search(1, 7, SearchStatus.DRAFT, NOW)
COMPLETE = Search(
    1,
    7,
    SearchStatus.DRAFT,
    NOW,
    adults=2,
    children=1,
    area=Area(anywhere=True),
    max_rent=Decimal(900),
    wbs=Wbs.APPLIED,
    move_in=date(2027, 3, 1),
    step_free=False,
    carrier="caritas",
    documents=dict.fromkeys(Document, True),
    step=Step.SUMMARY,
)


def test_a_new_search_misses_everything_and_starts_with_the_adults():
    assert missing_fields(EMPTY) == list(Field)
    assert first_open_step(EMPTY) is Step.ADULTS
    assert step_before(EMPTY, Step.ADULTS) is None


def test_registering_walks_the_questions_in_order():
    search = replace(EMPTY, adults=2)
    assert step_after(search, Step.ADULTS) is Step.CHILDREN
    search = replace(search, children=0)
    assert step_after(search, Step.CHILDREN) is Step.AREA
    search = replace(search, area=Area(False, frozenset({"Kalk"})))
    assert step_after(search, Step.QUARTERS) is Step.RENT
    assert step_before(search, Step.RENT) is Step.AREA
    assert step_before(search, Step.QUARTERS) is Step.AREA


def test_a_chosen_carrier_is_asked_about_sharing_an_unknown_one_is_not():
    with_carrier = replace(COMPLETE, documents={}, carrier="drk")
    assert step_after(with_carrier, Step.CARRIER) is Step.SHARE
    assert step_after(with_carrier, Step.SHARE) is Step.DOC_RESIDENCE
    assert step_before(with_carrier, Step.DOC_RESIDENCE) is Step.SHARE
    unknown = replace(with_carrier, carrier=NO_CARRIER)
    assert step_after(unknown, Step.CARRIER) is Step.DOC_RESIDENCE
    assert step_before(unknown, Step.DOC_RESIDENCE) is Step.CARRIER


def test_documents_are_asked_one_after_the_other_and_missing_ones_count():
    search = with_document(replace(COMPLETE, documents={}), Document.RESIDENCE, True)
    assert missing_fields(search) == [Field.DOCUMENTS]
    assert first_open_step(search) is Step.DOC_WOHNSITZAUFLAGE
    assert not search.has_document(Document.SCHUFA)


def test_changing_a_complete_search_returns_to_the_summary():
    assert is_complete(COMPLETE)
    assert step_before(COMPLETE, Step.RENT) is Step.SUMMARY
    assert step_after(COMPLETE, Step.RENT) is Step.SUMMARY
    # Both household numbers and every document are asked again, then the summary.
    assert step_after(COMPLETE, Step.ADULTS) is Step.CHILDREN
    assert step_before(COMPLETE, Step.CHILDREN) is Step.ADULTS
    assert step_after(COMPLETE, Step.DOC_SCHUFA) is Step.DOC_RENT_DEBT
    assert step_after(COMPLETE, Step.DOC_DEPOSIT) is Step.SUMMARY


def test_an_area_without_districts_is_not_an_answer():
    search = replace(COMPLETE, area=Area(False, frozenset()))
    assert missing_fields(search) == [Field.AREA]
    assert first_open_step(search) is Step.AREA


def test_only_a_complete_draft_can_be_confirmed():
    assert change_status(replace(COMPLETE, max_rent=None), SearchStatus.ACTIVE, NOW) is None
    active = change_status(COMPLETE, SearchStatus.ACTIVE, NOW)
    assert active is not None and active.confirmed_at == NOW and active.step is Step.SUMMARY


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (SearchStatus.DRAFT, SearchStatus.PAUSED, False),
        (SearchStatus.ACTIVE, SearchStatus.PAUSED, True),
        (SearchStatus.ACTIVE, SearchStatus.ACTIVE, False),
        (SearchStatus.PAUSED, SearchStatus.ACTIVE, True),
        (SearchStatus.PAUSED, SearchStatus.WITHDRAWN, True),
        (SearchStatus.WITHDRAWN, SearchStatus.ACTIVE, False),
        (SearchStatus.WITHDRAWN, SearchStatus.DRAFT, True),
        (SearchStatus.ACTIVE, SearchStatus.DRAFT, False),
    ],
)
def test_status_changes(start, to, allowed):
    assert (change_status(replace(COMPLETE, status=start), to, NOW) is not None) is allowed


def test_registering_anew_after_withdrawing_forgets_every_answer():
    withdrawn = replace(COMPLETE, status=SearchStatus.WITHDRAWN)
    later = datetime(2027, 1, 1, tzinfo=UTC)
    fresh = change_status(withdrawn, SearchStatus.DRAFT, later)
    assert fresh == Search(1, 7, SearchStatus.DRAFT, later, asking=True)


@given(st.lists(st.sampled_from(SearchStatus), max_size=12), st.booleans())
def test_no_sequence_of_changes_makes_an_incomplete_search_active(wanted, complete):
    search = COMPLETE if complete else replace(COMPLETE, wbs=None)
    for to in wanted:
        search = change_status(search, to, NOW) or search
        if search.status in (SearchStatus.ACTIVE, SearchStatus.PAUSED):
            assert is_complete(search) and search.confirmed_at is not None
