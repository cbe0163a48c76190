"""The pure workshop rules: the typed form, places and the waitlist, reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.accounts import Audience, Role
from domain.workshops import (
    MAX_TITLE,
    FormField,
    FormProblem,
    Issue,
    Refusal,
    Seat,
    Translation,
    Workshop,
    WorkshopDetails,
    WorkshopStatus,
    WorkshopTopic,
    capacity_fits,
    form_text,
    from_params,
    parse_form,
    promotions,
    reminder_times,
    seat_for,
    to_params,
)

TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # 12:00 in Köln
FORM = """Titel: Wohnungsbesichtigung gut vorbereiten
Beschreibung: Was Vermieter fragen.
Bitte bringen Sie Fragen mit.
Thema: Bewerbung
Wann: 12.12.2026 18:00-20:00
Ort: Caritas, Bartholomäus-Schink-Straße 6, 50825 Köln
Plätze: 15
Für: Ehrenamtliche
Sprache: de
Titel uk: Як підготуватися до огляду квартири
Beschreibung ar: ما يسأله المؤجرون
"""


def details(**changes) -> WorkshopDetails:
    start = datetime(2026, 12, 12, 17, 0, tzinfo=UTC)
    base = WorkshopDetails(
        title="Bewerbung",
        description="Wie es geht.",
        topic=WorkshopTopic.APPLICATION,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Köln",
        capacity=2,
        audience=Audience.VOLUNTEERS,
        language="de",
    )
    return replace(base, **changes)


def workshop(**changes) -> Workshop:
    return Workshop(1, 1, "Caritas", details(**changes), WorkshopStatus.PLANNED, 0, NOW)


def test_the_form_is_read_with_translations_and_a_description_over_two_lines():
    read = parse_form(FORM, now=NOW, tz=TZ)
    assert isinstance(read, WorkshopDetails)
    assert read.description == "Was Vermieter fragen.\nBitte bringen Sie Fragen mit."
    assert read.topic is WorkshopTopic.APPLICATION and read.audience is Audience.VOLUNTEERS
    assert read.starts_at == datetime(2026, 12, 12, 17, 0, tzinfo=UTC)  # 18:00 in winter
    assert read.ends_at == datetime(2026, 12, 12, 19, 0, tzinfo=UTC)
    assert read.capacity == 15 and read.language == "de" and not read.is_online
    assert read.translations == {
        "ar": Translation("", "ما يسأله المؤجرون"),
        "uk": Translation("Як підготуватися до огляду квартири", ""),
    }
    assert read.title_in("uk").startswith("Як") and read.title_in("ar") == read.title
    assert read.description_in("ar") == "ما يسأله المؤجرون"


def test_english_keys_and_words_work_too_and_the_end_is_optional():
    text = (
        "Title: Flats\nDescription: How\nTopic: search\nWhen: 1.12.2026 10:00\n"
        "Link: https://meet.example.org/abc\nCapacity: 5\nAudience: both\nLanguage: EN"
    )
    read = parse_form(text, now=NOW, tz=TZ)
    assert isinstance(read, WorkshopDetails)
    assert read.is_online and read.audience is Audience.BOTH and read.language == "en"
    assert read.ends_at - read.starts_at == timedelta(hours=2)


def problems(text: str) -> set[tuple[FormField, Issue]]:
    read = parse_form(text, now=NOW, tz=TZ)
    assert isinstance(read, list)
    return {(p.field, p.issue) for p in read}


def test_every_problem_is_named_at_once():
    assert problems("") == {(f, Issue.MISSING) for f in FormField}
    bad = (
        FORM.replace("Bewerbung", "Kochen")
        .replace("12.12.2026 18:00-20:00", "gestern")
        .replace("15", "0")
        .replace("Ehrenamtliche", "Kinder")
        .replace("Sprache: de", "Sprache: xx")
        .replace("Ort: Caritas, Bartholomäus-Schink-Straße 6, 50825 Köln", "Ort: http://x.org")
    )
    assert problems(bad) == {
        (FormField.TOPIC, Issue.INVALID),
        (FormField.WHEN, Issue.INVALID),
        (FormField.CAPACITY, Issue.INVALID),
        (FormField.AUDIENCE, Issue.INVALID),
        (FormField.LANGUAGE, Issue.INVALID),
        (FormField.PLACE, Issue.INVALID),
    }


@pytest.mark.parametrize(
    "when",
    ["25.11.2026 11:00", "1.1.2020 10:00", "12.12.2026 18:00-17:00", "12.12.2026 25:00"],
)
def test_times_in_the_past_or_impossible_are_refused(when):
    found = problems(FORM.replace("12.12.2026 18:00-20:00", when))
    assert found in ({(FormField.WHEN, Issue.IN_THE_PAST)}, {(FormField.WHEN, Issue.INVALID)})
    if when.startswith(("25.11", "1.1.")):
        assert found == {(FormField.WHEN, Issue.IN_THE_PAST)}


def test_too_long_texts_and_unknown_translation_languages_are_refused():
    text = FORM.replace("Wohnungsbesichtigung gut vorbereiten", "x" * (MAX_TITLE + 1))
    text += "Titel xx: Quatsch\nBeschreibung uk: " + "я" * 700 + "\n"
    read = parse_form(text, now=NOW, tz=TZ)
    assert isinstance(read, list)
    assert set(read) == {
        FormProblem(FormField.TITLE, Issue.TOO_LONG),
        FormProblem(FormField.TITLE, Issue.INVALID, "xx"),
        FormProblem(FormField.DESCRIPTION, Issue.TOO_LONG, "uk"),
    }


def test_limits_count_the_text_as_sent():
    # "&" is sent as "&amp;": a title of ampersands fits only a fifth as often.
    assert problems(FORM.replace("gut vorbereiten", "&" * (MAX_TITLE // 5 + 1))) == {
        (FormField.TITLE, Issue.TOO_LONG)
    }


titles = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1)
    .map(str.strip)
    .filter(lambda s: 0 < len(s) <= 20 and ":" not in s)
)
details_strategy = st.builds(
    details,
    title=titles,
    description=titles,
    topic=st.sampled_from(WorkshopTopic),
    starts_at=st.datetimes(  # hypothesis takes naive bounds and adds the zone itself
        min_value=datetime(2026, 12, 1),  # noqa: DTZ001
        max_value=datetime(2028, 1, 1),  # noqa: DTZ001
        timezones=st.just(TZ),
    ).map(lambda d: d.replace(second=0, microsecond=0, fold=0).astimezone(UTC)),
    capacity=st.integers(1, 500),
    audience=st.sampled_from(Audience),
    language=st.sampled_from(["de", "en", "uk", "ar"]),
    translations=st.dictionaries(
        st.sampled_from(["uk", "ar", "fa"]), st.builds(Translation, titles, titles), max_size=2
    ).map(lambda d: dict(sorted(d.items()))),
)


def ambiguous(local: datetime) -> bool:
    """The night the clocks go back has 02:30 twice; a typed time cannot tell which."""
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()


@given(details_strategy)
def test_a_filled_in_form_reads_back_as_the_same_workshop(original):
    original = replace(original, ends_at=original.starts_at + timedelta(minutes=90))
    start, end = original.starts_at.astimezone(TZ), original.ends_at.astimezone(TZ)
    assume(end.date() == start.date())  # the form has one date: workshops end that day
    assume(not ambiguous(start) and not ambiguous(end))
    assert parse_form(form_text(original, TZ), now=NOW, tz=TZ) == original


@given(st.text())
def test_reading_any_text_never_raises(text):
    result = parse_form(text, now=NOW, tz=TZ)
    assert isinstance(result, WorkshopDetails | list)


def test_a_workshop_survives_the_outbox_params():
    original = workshop(translations={"uk": Translation("Назва", "")})
    assert from_params(to_params(original)) == replace(original, announced_at=None)


# Places and the waitlist.


def test_places_first_then_the_waitlist_then_refusals():
    w = workshop(capacity=2)
    assert seat_for(w, 1, None, Role.VOLUNTEER, NOW) is Seat.REGISTERED
    assert seat_for(w, 2, None, Role.VOLUNTEER, NOW) is Seat.WAITLISTED
    assert seat_for(w, 0, Seat.REGISTERED, Role.VOLUNTEER, NOW) is Refusal.ALREADY_REGISTERED
    assert seat_for(w, 2, Seat.WAITLISTED, Role.VOLUNTEER, NOW) is Refusal.ALREADY_WAITLISTED
    assert seat_for(w, 0, None, Role.SEEKER, NOW) is Refusal.NOT_FOR_YOU
    assert seat_for(w, 0, None, Role.STAFF, NOW) is Refusal.NOT_FOR_YOU
    started = w.details.starts_at
    assert seat_for(w, 0, None, Role.VOLUNTEER, started) is Refusal.STARTED
    cancelled = replace(w, status=WorkshopStatus.CANCELLED)
    assert seat_for(cancelled, 0, None, Role.VOLUNTEER, NOW) is Refusal.CANCELLED


def test_free_places_go_to_the_waitlist_in_order():
    assert promotions(3, 1, [7, 8, 9]) == (7, 8)
    assert promotions(3, 3, [7]) == ()
    assert promotions(2, 3, [7]) == ()  # over capacity (lowered meanwhile): nobody moves up
    assert capacity_fits(3, 3) and not capacity_fits(2, 3)


def test_reminders_still_ahead_only():
    start = datetime(2026, 12, 12, 17, 0, tzinfo=UTC)
    assert [name for name, _ in reminder_times(start, NOW)] == ["1d", "2h"]
    assert reminder_times(start, start - timedelta(hours=3)) == (
        ("2h", start - timedelta(hours=2)),
    )
    assert reminder_times(start, start - timedelta(hours=1)) == ()


class Places(RuleBasedStateMachine):
    """Register, leave and change the capacity in any order: never more places than there
    are, and nobody waits while a place is free."""

    def __init__(self) -> None:
        super().__init__()
        self.workshop = workshop(capacity=3)
        self.seats: dict[int, Seat] = {}
        self.queue: list[int] = []  # the order people came in

    def registered(self) -> int:
        return sum(1 for seat in self.seats.values() if seat is Seat.REGISTERED)

    def promote(self) -> None:
        waiting = [u for u in self.queue if self.seats.get(u) is Seat.WAITLISTED]
        for user in promotions(self.workshop.details.capacity, self.registered(), waiting):
            self.seats[user] = Seat.REGISTERED

    @rule(user=st.integers(1, 8))
    def register(self, user: int) -> None:
        decision = seat_for(
            self.workshop, self.registered(), self.seats.get(user), Role.VOLUNTEER, NOW
        )
        if isinstance(decision, Seat):
            self.seats[user] = decision
            self.queue.append(user)
        else:
            assert user in self.seats

    @precondition(lambda self: self.seats)
    @rule(data=st.data())
    def leave(self, data: st.DataObject) -> None:
        user = data.draw(st.sampled_from(sorted(self.seats)))
        del self.seats[user]
        self.queue.remove(user)
        self.promote()

    @rule(capacity=st.integers(1, 6))
    def change_capacity(self, capacity: int) -> None:
        if capacity_fits(capacity, self.registered()):
            self.workshop = workshop(capacity=capacity)
            self.promote()

    @invariant()
    def never_overbooked(self) -> None:
        assert self.registered() <= self.workshop.details.capacity

    @invariant()
    def nobody_waits_for_a_free_place(self) -> None:
        if any(seat is Seat.WAITLISTED for seat in self.seats.values()):
            assert self.registered() == self.workshop.details.capacity


Places.TestCase.settings = settings(max_examples=200, stateful_step_count=30)
TestPlaces = Places.TestCase
