"""Buttons: only what a route made parses; forged or stale buttons expire politely; routes
cannot collide or outgrow Telegram's 64 bytes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.limits import MAX_CALLBACK_DATA
from domain.locales import SUPPORTED_LOCALES
from handlers.cases.routes import ASK_CONSENT, CASE_CARD, CONSENT_ANSWER
from handlers.common.routes import Cb, Part, Route, all_routes, chars, parse_cb
from handlers.onboarding.routes import CHOOSE_ROLE, WITHDRAW_CONSENT
from handlers.staff.routes import (
    AUDIT_PAGE,
    INVITE_CARRIER,
    INVITE_ROLE,
    REMOVE_STAFF,
    STAFF_MENU,
    TEAM_PAGE,
)
from tests.conftest import Harness

ROUTE_OF = {route.prefix: route for route in all_routes()}


@given(st.one_of(st.none(), st.text(max_size=80), st.binary(max_size=80).map(repr)))
def test_parse_never_raises(data):
    cb = parse_cb(data)
    assert cb is None or ROUTE_OF[cb.prefix].data(*cb.args) == data


@given(
    st.sampled_from(["seeker", "volunteer"]),
    st.sampled_from(SUPPORTED_LOCALES),
)
def test_built_data_round_trips(role, locale):
    data = CHOOSE_ROLE.data(role, locale)
    assert parse_cb(data) == Cb("rl", (role, locale))
    assert len(data.encode()) <= MAX_CALLBACK_DATA


@pytest.mark.parametrize(
    "data",
    [
        "rl:admin:de",
        "lg:../../etc",
        "mn:home:extra",
        "xx:1",
        "lg:",
        "lg:١٢",
        "",
        "lg:xx",
        "lg:pt_BR",
        "rl:seeker:zz",
    ],
)
def test_foreign_or_malformed_data_is_rejected(data):
    assert parse_cb(data) is None


def test_building_data_that_would_not_parse_raises():
    with pytest.raises(ValueError):
        CHOOSE_ROLE.data("staff", "de")


async def test_a_forged_button_gets_an_expired_notice_and_changes_nothing(harness: Harness):
    await harness.press("rl:staff:de", lang="en")
    await harness.press("cs:yes:staff:de", lang="en")
    answers = harness.rec.answers()
    assert [a.params.get("text") for a in answers] == ["This button has expired."] * 2
    assert await harness.rows("SELECT * FROM users") == []


@pytest.mark.parametrize(
    ("route", "args"),
    [
        (STAFF_MENU, ("audit",)),
        (INVITE_CARRIER, ("3",)),
        (INVITE_ROLE, ("1", "coordinator")),
        (TEAM_PAGE, ("10",)),
        (REMOVE_STAFF, ("yes", "42")),
        (AUDIT_PAGE, ("20",)),
        (CASE_CARD, ("123456789012",)),
        (ASK_CONSENT, ("K7M2QX",)),
        (CONSENT_ANSWER, ("no", "7")),
        (WITHDRAW_CONSENT, ("ask", "2")),
    ],
)
def test_staff_and_consent_buttons_round_trip(route, args):
    assert parse_cb(route.data(*args)) == Cb(route.prefix, args)


@pytest.mark.parametrize(
    "data",
    ["iv:1:admin", "cq:K0M2QX", "cv:-1", "cv:١٢", "sr:no:1", "au:", "ca:yes:1:2", "cw:yes:x"],
)
def test_forged_staff_and_consent_data_is_rejected(data):
    assert parse_cb(data) is None


def test_a_second_route_with_a_taken_prefix_fails_when_declared():
    with pytest.raises(ValueError, match="share the prefix"):
        Route(CHOOSE_ROLE.prefix, chars("a-z", 4))
    assert ROUTE_OF[CHOOSE_ROLE.prefix] is CHOOSE_ROLE


def test_a_route_whose_data_could_exceed_64_bytes_fails_when_declared():
    with pytest.raises(ValueError, match="bytes"):
        Route("zz", chars("0-9", 31), chars("0-9", 31))  # 2 + 1 + 31 + 1 + 31
    assert "zz" not in {route.prefix for route in all_routes()}


def test_every_route_fits_telegram_with_its_longest_arguments():
    for route in all_routes():
        assert route.longest <= MAX_CALLBACK_DATA
        data = route.data(*(_longest_value(part) for part in route.parts))
        assert len(data.encode()) == route.longest, route


def _longest_value(part: Part) -> str:
    """The longest value a part allows: a run of one character, or its longest word."""
    candidates = [c * part.longest for c in "9aA"] + part.pattern.split("|")
    return next(c for c in candidates if len(c) == part.longest and re.fullmatch(part.pattern, c))


async def test_every_route_reaches_exactly_one_handler(harness: Harness):
    handled = [
        handler.pattern.__self__
        for group in harness.app.handlers.values()
        for handler in group
        if getattr(getattr(handler, "pattern", None), "__self__", None) is not None
    ]
    assert sorted(r.prefix for r in handled) == sorted(r.prefix for r in all_routes())
