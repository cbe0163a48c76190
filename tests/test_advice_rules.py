"""The pure rules of questions to caseworkers: who may take and answer, quotes that fit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import Catalogs
from bot.limits import MAX_ANSWER_LENGTH, MAX_QUESTION_LENGTH, MAX_TEXT_LENGTH
from domain.advice import (
    ELLIPSIS,
    Take,
    Ticket,
    TicketStatus,
    after_reply,
    escaped,
    excerpt,
    is_overdue,
    may_answer,
    measured_length,
    take,
)
from domain.locales import SUPPORTED_LOCALES
from handlers.volunteers.advice import render_answer
from sandbox.refusals import html_errors

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
OPEN = Ticket(1, 301, 1, "Amina", "How?", TicketStatus.OPEN, None, NOW)
STAFF, OTHER = 7, 8


def test_the_first_taker_keeps_it_and_the_second_is_refused():
    taken, result = take(OPEN, STAFF)
    assert result is Take.TAKEN and taken.taken_by == STAFF and may_answer(taken, STAFF)
    assert take(taken, STAFF)[1] is Take.ALREADY_YOURS
    assert take(taken, OTHER) == (taken, Take.SOMEONE_ELSE)
    assert not may_answer(taken, OTHER) and not may_answer(OPEN, STAFF)


def test_a_question_whose_taker_left_is_open_again():
    left = replace(OPEN, status=TicketStatus.ANSWERED, taken_by=None)
    assert left.needs_taker and take(left, OTHER)[1] is Take.TAKEN
    assert after_reply(left).status is TicketStatus.OPEN
    answered = replace(OPEN, status=TicketStatus.ANSWERED, taken_by=STAFF)
    assert after_reply(answered) == replace(answered, status=TicketStatus.TAKEN)


@pytest.mark.parametrize("status", [TicketStatus.DRAFT, TicketStatus.SOLVED])
def test_drafts_and_solved_questions_cannot_be_taken(status):
    assert take(replace(OPEN, status=status), STAFF)[1] is Take.CLOSED


def test_a_question_is_overdue_while_nobody_takes_it():
    day = timedelta(hours=24)
    assert not is_overdue(OPEN, NOW + day, day) and is_overdue(OPEN, NOW + day * 2, day)
    assert not is_overdue(take(OPEN, STAFF)[0], NOW + day * 2, day)


@given(st.text(), st.integers(0, 3000))
def test_an_excerpt_fits_is_valid_html_and_keeps_the_start(text, limit):
    cut = excerpt(text, limit)
    assert len(cut) <= limit and html_errors(cut) == []
    if measured_length(text) <= limit:
        assert cut == escaped(text)
    elif cut:
        assert cut.endswith(ELLIPSIS) and escaped(text).startswith(cut[: -len(ELLIPSIS)])


def test_a_long_quote_is_cut_at_a_word():
    assert excerpt("Wo finde ich eine Wohnung in Köln?", 20) == "Wo finde ich eine…"


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs("de", ZoneInfo("Europe/Berlin"))


@given(
    quote=st.text(min_size=1, max_size=MAX_QUESTION_LENGTH),
    answer=st.text(max_size=MAX_ANSWER_LENGTH),
    booking=st.booleans(),
    locale=st.sampled_from(SUPPORTED_LOCALES),
)
def test_an_answer_with_its_quote_always_fits_one_message(
    catalogs, quote, answer, booking, locale
):
    if measured_length(answer) > MAX_ANSWER_LENGTH:
        answer = answer[: MAX_ANSWER_LENGTH // 5]
    params = {
        "ticket": 1,
        "carrier": "Kölner Flüchtlingsrat",
        "carrier_id": 3,
        "quote": quote,
        "answer": "" if booking else answer,
        "booking": booking,
    }
    rendered = render_answer(params, catalogs.get(locale))
    assert len(rendered.text) <= MAX_TEXT_LENGTH and html_errors(rendered.text) == []
