"""The pure rules of consultation hours: capacity, the waitlist, offers, recurrence, reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.accounts import Audience, Role
from domain.appointments import (
    Booking,
    BookingStatus,
    Refusal,
    Reminder,
    Slot,
    SlotKind,
    SlotPlan,
    cancel,
    cancel_slot,
    change_slot,
    confirm,
    decline_offer,
    expand,
    mark_attendance,
    may_book,
    may_wait,
    move,
    overview,
    reminders,
    settle,
    take_offer,
    waitlist,
    waitlist_position,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
OFFER = timedelta(hours=6)
SLOT = Slot(
    id=1,
    carrier_id=1,
    kind=SlotKind.SPRECHSTUNDE,
    audience=Audience.BOTH,
    starts_at=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
    ends_at=datetime(2026, 12, 3, 11, 0, tzinfo=UTC),
    capacity=2,
    address="Kalker Hauptstr. 247",
)


def booking(booking_id: int, status: BookingStatus, minutes: int = 0, **kw) -> Booking:
    """User `booking_id` booked `minutes` after NOW."""
    created = NOW + timedelta(minutes=minutes)
    return Booking(booking_id, SLOT.id, booking_id, status, created, **kw)


BOOKED, WAITING, OFFERED = BookingStatus.BOOKED, BookingStatus.WAITING, BookingStatus.OFFERED


# Capacity -----------------------------------------------------------------------------------


def test_a_free_place_can_be_booked_once_per_person():
    assert may_book(SLOT, [], 7, Role.SEEKER, NOW) is None
    assert may_book(SLOT, [booking(7, BOOKED)], 7, Role.SEEKER, NOW) is Refusal.ALREADY
    assert may_book(SLOT, [booking(7, WAITING)], 7, Role.SEEKER, NOW) is Refusal.ALREADY
    cancelled = booking(7, BookingStatus.CANCELLED)
    assert may_book(SLOT, [cancelled], 7, Role.SEEKER, NOW) is None  # booking again is fine


def test_a_full_slot_refuses_and_opens_its_waitlist():
    full = [booking(1, BOOKED), booking(2, BOOKED)]
    assert may_book(SLOT, full, 3, Role.SEEKER, NOW) is Refusal.FULL
    assert may_wait(SLOT, full, 3, Role.SEEKER, NOW) is None
    assert may_wait(SLOT, full[:1], 3, Role.SEEKER, NOW) is Refusal.NOT_FULL
    assert may_wait(SLOT, full, 1, Role.SEEKER, NOW) is Refusal.ALREADY


def test_an_offer_holds_a_place_until_it_runs_out():
    offered = booking(2, OFFERED, offered_until=NOW + timedelta(hours=1))
    bookings = [booking(1, BOOKED), offered]
    assert may_book(SLOT, bookings, 3, Role.SEEKER, NOW) is Refusal.FULL
    later = NOW + timedelta(hours=1)
    assert overview(SLOT, bookings, later).free == 1


def test_newcomers_do_not_overtake_the_waitlist_of_a_place_not_yet_offered():
    bookings = [booking(1, BOOKED), booking(2, WAITING)]  # a place is free, 2 waits for it
    assert overview(SLOT, bookings, NOW).free == 0
    assert may_book(SLOT, bookings, 3, Role.SEEKER, NOW) is Refusal.FULL


@pytest.mark.parametrize(
    ("change", "role", "refusal"),
    [
        ({"cancelled_at": NOW}, Role.SEEKER, Refusal.SLOT_CANCELLED),
        ({"starts_at": NOW}, Role.SEEKER, Refusal.STARTED),
        ({"starts_at": NOW - timedelta(days=1)}, Role.SEEKER, Refusal.STARTED),
        ({"audience": Audience.VOLUNTEERS}, Role.SEEKER, Refusal.NOT_FOR_ROLE),
        ({"audience": Audience.SEEKERS}, Role.VOLUNTEER, Refusal.NOT_FOR_ROLE),
        ({}, Role.STAFF, Refusal.NOT_FOR_ROLE),
    ],
)
def test_past_cancelled_and_foreign_slots_are_refused(change, role, refusal):
    assert may_book(replace(SLOT, **change), [], 7, role, NOW) is refusal


# The waitlist -------------------------------------------------------------------------------


def test_free_places_are_offered_first_come_first_served():
    bookings = [
        booking(1, BOOKED),
        booking(4, WAITING, minutes=3),
        booking(3, WAITING, minutes=1),
        booking(5, WAITING, minutes=2),
    ]
    changed = settle(SLOT, bookings, NOW, OFFER)
    assert [(b.id, b.status, b.offered_until) for b in changed] == [(3, OFFERED, NOW + OFFER)]
    assert [b.id for b in waitlist(bookings)] == [3, 5, 4]
    assert waitlist_position(bookings, 4) == 3


def test_a_lapsed_offer_expires_and_goes_to_the_next():
    lapsed = booking(2, OFFERED, offered_until=NOW)
    changed = settle(SLOT, [booking(1, BOOKED), lapsed, booking(3, WAITING)], NOW, OFFER)
    assert {(b.id, b.status) for b in changed} == {(2, BookingStatus.EXPIRED), (3, OFFERED)}


def test_an_offer_never_runs_past_the_start_and_none_is_made_after_it():
    soon = replace(SLOT, starts_at=NOW + timedelta(hours=1))
    [offer] = settle(soon, [booking(3, WAITING)], NOW, OFFER)
    assert offer.offered_until == soon.starts_at
    started = replace(SLOT, starts_at=NOW)
    assert settle(started, [booking(3, WAITING)], NOW, OFFER) == []


def test_settling_twice_changes_nothing_the_second_time():
    bookings = [booking(1, WAITING), booking(2, WAITING), booking(3, WAITING)]
    changed = settle(SLOT, bookings, NOW, OFFER)
    assert len(changed) == 2
    after = {b.id: b for b in [*bookings, *changed]}
    assert settle(SLOT, list(after.values()), NOW, OFFER) == []


def test_taking_an_offer_in_time_books_the_place():
    offered = booking(2, OFFERED, offered_until=NOW + timedelta(hours=1))
    taken = take_offer(offered, NOW)
    assert isinstance(taken, Booking) and taken.status is BOOKED and taken.offered_until is None
    assert take_offer(offered, NOW + timedelta(hours=1)) is Refusal.OFFER_GONE
    assert take_offer(booking(2, WAITING), NOW) is Refusal.NOT_ACTIVE
    declined = decline_offer(offered)
    assert isinstance(declined, Booking) and declined.status is BookingStatus.DECLINED


def test_cancelling_a_booked_place_raises_the_calendar_sequence():
    cancelled = cancel(booking(1, BOOKED, sequence=2))
    assert isinstance(cancelled, Booking)
    assert (cancelled.status, cancelled.sequence) == (BookingStatus.CANCELLED, 3)
    left = cancel(booking(1, WAITING))
    assert isinstance(left, Booking) and left.sequence == 0  # no calendar entry to cancel
    assert cancel(booking(1, BookingStatus.CANCELLED)) is Refusal.NOT_ACTIVE


def test_i_will_come_needs_a_booked_place():
    confirmed = confirm(booking(1, BOOKED), NOW)
    assert isinstance(confirmed, Booking) and confirmed.confirmed_at == NOW
    assert confirm(booking(1, WAITING), NOW) is Refusal.NOT_ACTIVE


def test_moving_keeps_the_booking_and_raises_its_sequence():
    other = replace(SLOT, id=2, starts_at=SLOT.starts_at + timedelta(days=7))
    moved = move(booking(1, BOOKED), SLOT, other, [], Role.SEEKER, NOW)
    assert isinstance(moved, Booking) and (moved.id, moved.slot_id, moved.sequence) == (1, 2, 1)
    full = [replace(booking(8, BOOKED), slot_id=2), replace(booking(9, BOOKED), slot_id=2)]
    assert move(booking(1, BOOKED), SLOT, other, full, Role.SEEKER, NOW) is Refusal.FULL
    assert move(booking(1, WAITING), SLOT, other, [], Role.SEEKER, NOW) is Refusal.NOT_ACTIVE
    past = replace(SLOT, starts_at=NOW)
    assert move(booking(1, BOOKED), past, other, [], Role.SEEKER, NOW) is Refusal.STARTED


def test_attendance_is_marked_after_the_start_only():
    started = NOW + timedelta(days=9)
    came = mark_attendance(booking(1, BOOKED), SLOT, BookingStatus.ATTENDED, started)
    assert isinstance(came, Booking) and came.status is BookingStatus.ATTENDED
    corrected = mark_attendance(came, SLOT, BookingStatus.NO_SHOW, started)
    assert isinstance(corrected, Booking) and corrected.status is BookingStatus.NO_SHOW
    early = mark_attendance(booking(1, BOOKED), SLOT, BookingStatus.ATTENDED, NOW)
    assert early is Refusal.NOT_STARTED
    waiting = mark_attendance(booking(1, WAITING), SLOT, BookingStatus.ATTENDED, started)
    assert waiting is Refusal.NOT_ACTIVE


def test_staff_cannot_shrink_a_slot_below_its_bookings_or_change_the_past():
    bookings = [booking(1, BOOKED), booking(2, BOOKED)]
    assert change_slot(SLOT, replace(SLOT, capacity=1), bookings, NOW) is Refusal.TOO_SMALL
    grown = change_slot(SLOT, replace(SLOT, capacity=5), bookings, NOW)
    assert isinstance(grown, Slot) and (grown.capacity, grown.sequence) == (5, 1)
    moved_to_past = replace(SLOT, starts_at=NOW - timedelta(hours=1))
    assert change_slot(SLOT, moved_to_past, bookings, NOW) is Refusal.STARTED


def test_cancelling_a_slot_ends_every_active_booking():
    bookings = [booking(1, BOOKED), booking(2, WAITING), booking(3, BookingStatus.DECLINED)]
    assert [(b.id, b.status, b.sequence) for b in cancel_slot(SLOT, bookings, NOW)] == [
        (1, BookingStatus.CANCELLED, 1),
        (2, BookingStatus.CANCELLED, 0),
    ]


# Recurrence ---------------------------------------------------------------------------------


def test_a_weekly_slot_stays_at_ten_local_across_the_end_of_summer_time():
    # 2026-10-25 is the last Sunday of October: clocks go back from 03:00 to 02:00.
    plan = SlotPlan(SlotKind.SPRECHSTUNDE, date(2026, 10, 18), time(10), time(12), 8, weeks=3)
    slots = expand(plan, BERLIN)
    assert [s.starts_at for s in slots] == [
        datetime(2026, 10, 18, 8, 0, tzinfo=UTC),  # CEST, UTC+2
        datetime(2026, 10, 25, 9, 0, tzinfo=UTC),  # CET, UTC+1
        datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
    ]
    assert {s.starts_at.astimezone(BERLIN).time() for s in slots} == {time(10)}
    assert {s.ends_at - s.starts_at for s in slots} == {timedelta(hours=2)}
    assert {s.capacity for s in slots} == {8}


def test_a_weekly_slot_stays_at_ten_local_across_the_start_of_summer_time():
    plan = SlotPlan(SlotKind.SPRECHSTUNDE, date(2026, 3, 22), time(10), time(12), 8, weeks=2)
    assert [s.starts_at.hour for s in expand(plan, BERLIN)] == [9, 8]


def test_a_beratung_window_becomes_conversations_of_one_place_each():
    plan = SlotPlan(SlotKind.BERATUNG, date(2026, 12, 3), time(10), time(11, 45), 30, weeks=2)
    slots = expand(plan, BERLIN)
    local = [(s.starts_at.astimezone(BERLIN).strftime("%d %H:%M"), s.capacity) for s in slots]
    assert local == [
        ("03 10:00", 1), ("03 10:30", 1), ("03 11:00", 1),
        ("10 10:00", 1), ("10 10:30", 1), ("10 11:00", 1),
    ]  # fmt: skip


@given(
    kind=st.sampled_from(SlotKind),
    day=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    start=st.sampled_from([time(h, m) for h in range(6, 20) for m in (0, 15, 30, 45)]),
    number=st.integers(10, 60),
    weeks=st.integers(1, 12),
)
def test_every_expanded_slot_keeps_the_local_wall_clock(kind, day, start, number, weeks):
    plan = SlotPlan(kind, day, start, time(21, 0), number, weeks)
    slots = expand(plan, BERLIN)
    per_week = (
        1
        if kind is SlotKind.SPRECHSTUNDE
        else (21 * 60 - start.hour * 60 - start.minute) // number
    )
    assert len(slots) == weeks * per_week
    for index, slot in enumerate(slots):
        local = slot.starts_at.astimezone(BERLIN)
        week, turn = divmod(index, per_week)
        assert local.date() == day + timedelta(weeks=week)
        offset = 0 if kind is SlotKind.SPRECHSTUNDE else turn * number
        assert local.hour * 60 + local.minute == start.hour * 60 + start.minute + offset
        assert slot.ends_at.astimezone(BERLIN).date() == local.date()


# Reminders ----------------------------------------------------------------------------------


def test_reminders_go_at_six_the_evening_before_and_two_hours_before():
    assert reminders(SLOT.starts_at, NOW, BERLIN) == [
        (Reminder.EVENING, datetime(2026, 12, 2, 17, 0, tzinfo=UTC)),  # 18:00 in Köln
        (Reminder.SHORTLY, datetime(2026, 12, 3, 7, 0, tzinfo=UTC)),
    ]


def test_reminders_already_past_are_left_out():
    late = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
    assert [which for which, _ in reminders(SLOT.starts_at, late, BERLIN)] == [Reminder.SHORTLY]
    assert reminders(SLOT.starts_at, SLOT.starts_at - timedelta(minutes=30), BERLIN) == []


def test_reminders_of_the_sunday_the_clocks_go_back_follow_local_time():
    sunday = datetime(2026, 10, 25, 9, 0, tzinfo=UTC)  # 10:00 CET
    assert reminders(sunday, datetime(2026, 10, 1, tzinfo=UTC), BERLIN) == [
        (Reminder.EVENING, datetime(2026, 10, 24, 16, 0, tzinfo=UTC)),  # 18:00 CEST
        (Reminder.SHORTLY, datetime(2026, 10, 25, 7, 0, tzinfo=UTC)),  # 08:00 CET
    ]


# A state machine: whatever people do, a slot is never overbooked and the waitlist keeps order.


class BookingMachine(RuleBasedStateMachine):
    """Applies the same rules as storage/bookings.py, in memory, in any order."""

    people = st.integers(1, 8)

    @initialize(capacity=st.integers(1, 3))
    def open_slot(self, capacity: int) -> None:
        self.slot = replace(SLOT, capacity=capacity, starts_at=NOW + timedelta(days=3))
        self.now = NOW
        self.bookings: dict[int, Booking] = {}
        self.next_id = 1
        self.joined: list[int] = []  # booking ids in the order people joined the waitlist

    def _settle(self) -> None:
        for changed in settle(self.slot, list(self.bookings.values()), self.now, OFFER):
            self.bookings[changed.id] = changed

    def _active(self, person: int) -> Booking | None:
        found = [b for b in self.bookings.values() if b.user_id == person and b.status.is_active]
        return found[0] if found else None

    def _add(self, person: int, status: BookingStatus) -> None:
        self.bookings[self.next_id] = Booking(self.next_id, 1, person, status, self.now)
        if status is WAITING:
            self.joined.append(self.next_id)
        self.next_id += 1

    @rule(person=people)
    def book(self, person: int) -> None:
        self._settle()
        bookings = list(self.bookings.values())
        if may_book(self.slot, bookings, person, Role.SEEKER, self.now) is None:
            self._add(person, BOOKED)
        elif may_wait(self.slot, bookings, person, Role.SEEKER, self.now) is None:
            self._add(person, WAITING)

    @rule(person=people)
    def cancel(self, person: int) -> None:
        active = self._active(person)
        if active is not None:
            cancelled = cancel(active)
            assert isinstance(cancelled, Booking)
            self.bookings[active.id] = cancelled
            self._settle()

    @rule(person=people, take=st.booleans())
    def answer_offer(self, person: int, take: bool) -> None:
        active = self._active(person)
        if active is not None and active.status is OFFERED:
            result = take_offer(active, self.now) if take else decline_offer(active)
            if isinstance(result, Booking):
                self.bookings[active.id] = result
            self._settle()

    @rule(hours=st.integers(1, 8))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)
        self._settle()

    @invariant()
    def never_overbooked(self) -> None:
        assert overview(self.slot, self.bookings.values(), self.now).taken <= self.slot.capacity

    @invariant()
    def offers_go_in_the_order_people_joined(self) -> None:
        # Everyone offered a place (or past that) joined before everyone still waiting.
        waiting = {b.id for b in waitlist(self.bookings.values())}
        moved_on = [i for i in self.joined if i not in waiting]
        still = [i for i in self.joined if i in waiting]
        if still and moved_on:
            promoted = [
                i
                for i in moved_on
                if self.bookings[i].status
                in (OFFERED, BOOKED, BookingStatus.EXPIRED, BookingStatus.DECLINED)
            ]
            assert all(i < still[0] for i in promoted)

    @invariant()
    def at_most_one_active_booking_per_person(self) -> None:
        active = [b.user_id for b in self.bookings.values() if b.status.is_active]
        assert len(active) == len(set(active))

    @invariant()
    def nobody_waits_while_a_place_is_free_and_unoffered(self) -> None:
        if self.slot.has_started(self.now):
            return
        view = overview(self.slot, self.bookings.values(), self.now)
        assert view.waiting == 0 or view.taken == self.slot.capacity


BookingMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40)
TestBookings = BookingMachine.TestCase
