"""callback_data: only what we built parses; forged or stale buttons expire politely."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.limits import MAX_CALLBACK_DATA
from domain.locales import SUPPORTED_LOCALES
from handlers.common.callback_data import Cb, build_cb, parse_cb
from tests.conftest import Harness


@given(st.one_of(st.none(), st.text(max_size=80), st.binary(max_size=80).map(repr)))
def test_parse_never_raises(data):
    cb = parse_cb(data)
    assert cb is None or build_cb(cb.prefix, *cb.args) == data


@given(
    st.sampled_from(["seeker", "volunteer"]),
    st.sampled_from(SUPPORTED_LOCALES),
)
def test_built_data_round_trips(role, locale):
    data = build_cb("rl", role, locale)
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
        build_cb("rl", "staff", "de")


async def test_a_forged_button_gets_an_expired_notice_and_changes_nothing(harness: Harness):
    await harness.press("rl:staff:de", lang="en")
    await harness.press("cs:yes:staff:de", lang="en")
    answers = harness.rec.answers()
    assert [a.params.get("text") for a in answers] == ["This button has expired."] * 2
    assert await harness.rows("SELECT * FROM users") == []


@pytest.mark.parametrize(
    ("prefix", "args"),
    [
        ("st", ("audit",)),
        ("ic", ("3",)),
        ("iv", ("1", "coordinator")),
        ("tm", ("10",)),
        ("sr", ("yes", "42")),
        ("au", ("20",)),
        ("cv", ("123456789012",)),
        ("cq", ("K7M2QX",)),
        ("ca", ("no", "7")),
        ("cw", ("ask", "2")),
    ],
)
def test_staff_and_consent_buttons_round_trip(prefix, args):
    assert parse_cb(build_cb(prefix, *args)) == Cb(prefix, args)


@pytest.mark.parametrize(
    "data",
    ["iv:1:admin", "cq:K0M2QX", "cv:-1", "cv:١٢", "sr:no:1", "au:", "ca:yes:1:2", "cw:yes:x"],
)
def test_forged_staff_and_consent_data_is_rejected(data):
    assert parse_cb(data) is None
