"""The move-out case through the real Application: status buttons, the household's next step,
aftercare check-ins, rights of other carriers."""

from __future__ import annotations

from datetime import date, timedelta

from domain.accounts import Account
from storage import consents
from tests.conftest import Harness
from tests.staffing import (
    CASEWORKER,
    COORDINATOR,
    OTHER_CASEWORKER,
    SEEKER,
    audit,
    expired_alert,
    last_audit,
    make_team,
    register_seeker,
    share_with,
    texts_to,
)


async def _case(harness: Harness, lang: str = "en", carrier: str = "caritas") -> Account:
    await make_team(harness)
    seeker = await register_seeker(harness, lang=lang)
    await share_with(harness, seeker, carrier)
    return seeker


async def _status(harness: Harness) -> tuple:
    [row] = await harness.rows("SELECT carrier_id, status, resume_status FROM cases")
    return row


async def _move(harness: Harness, seeker: Account, *statuses: str, who: int = CASEWORKER) -> None:
    for status in statuses:
        await harness.press(f"xs:{seeker.id}:{status}:go", user_id=who)


async def test_consent_opens_the_case_and_the_card_shows_its_status(harness: Harness):
    seeker = await _case(harness)
    assert await _status(harness) == (1, "searching", None)
    assert await harness.rows(
        "SELECT from_status, to_status, actor_telegram_id FROM case_events"
    ) == [(None, "searching", None)]
    await harness.send(f"/find {seeker.case_number}", user_id=CASEWORKER)
    card = harness.rec.last()
    today = harness.tr("en").date(date(2026, 11, 25), "medium")
    assert f"Status: <b>Searching</b> since {today}" in card.text
    assert card.callback_data[:2] == [f"xs:{seeker.id}:viewing:go", f"xl:{seeker.id}"]


async def test_staff_move_the_case_on_and_the_household_learns_its_next_step(harness: Harness):
    seeker = await _case(harness, lang="uk")
    await _move(harness, seeker, "viewing", "offer")
    assert "now has the status “Offer received”" in texts_to(harness, CASEWORKER)[-1]
    assert await _status(harness) == (1, "offer", None)
    assert await harness.rows(
        "SELECT from_status, to_status, actor_telegram_id FROM case_events ORDER BY id"
    ) == [
        (None, "searching", None),
        ("searching", "viewing", CASEWORKER),
        ("viewing", "offer", CASEWORKER),
    ]
    assert [row[2:] for row in (await audit(harness))[-2:]] == [
        ("case.status", seeker.id, f"case={seeker.case_number} status=viewing"),
        ("case.status", seeker.id, f"case={seeker.case_number} status=offer"),
    ]
    harness.rec.clear()
    await harness.deliver()
    notices = texts_to(harness, SEEKER)
    assert len(notices) == 2
    offer = notices[-1]
    # In Ukrainian, with the German terms kept: approve the rent before signing.
    assert "Mietangebot" in offer and "Jobcenter" in offer and "Sozialamt" in offer
    assert harness.t("uk", "My case") in str(harness.rec.sent()[-1].buttons)


async def test_moved_before_the_lease_was_signed_asks_and_then_starts_aftercare(
    harness: Harness,
):
    seeker = await _case(harness)
    await _move(harness, seeker, "viewing", "offer", "approved", "moved")
    question = harness.rec.last()
    assert "“Moved” skips Lease signed. Is that right?" in question.text
    assert question.callback_data == [f"xs:{seeker.id}:moved:yes", f"cv:{seeker.id}"]
    assert (await _status(harness))[1] == "approved"  # nothing changed yet
    await harness.press(f"xs:{seeker.id}:moved:yes", user_id=CASEWORKER)
    assert (await _status(harness))[1] == "moved"
    checkins = await harness.rows(
        "SELECT due_at, params FROM outbox WHERE kind = 'aftercare_checkin' ORDER BY due_at"
    )
    assert [due for due, _ in checkins] == [
        "2026-12-06T09:00:00+00:00",  # 10:00 in Cologne, before the Anmeldung is due
        "2027-01-06T09:00:00+00:00",
        "2027-02-17T09:00:00+00:00",
    ]
    assert '"anmeldung_by": "2026-12-09"' in checkins[0][1]


async def test_a_status_that_makes_no_sense_is_not_offered_and_its_button_expired(
    harness: Harness,
):
    seeker = await _case(harness)
    await harness.press(f"xl:{seeker.id}", user_id=CASEWORKER)
    offered = harness.rec.last().callback_data
    assert f"xs:{seeker.id}:closed:go" not in offered  # never moved: not closed
    assert f"xs:{seeker.id}:moved:go" in offered
    assert "⚠ Moved" in str(harness.rec.last().buttons)
    await harness.press(f"xs:{seeker.id}:closed:go", user_id=CASEWORKER)
    assert expired_alert(harness)
    await harness.press(f"xs:{seeker.id}:searching:go", user_id=CASEWORKER)  # where it is
    assert expired_alert(harness)
    assert (await _status(harness))[1] == "searching"


async def test_pressing_twice_changes_the_status_once(harness: Harness):
    seeker = await _case(harness)
    await _move(harness, seeker, "viewing")
    await _move(harness, seeker, "viewing", who=COORDINATOR)
    assert expired_alert(harness)
    assert len(await harness.rows("SELECT * FROM case_events")) == 2


async def test_another_carrier_can_neither_see_nor_move_the_case(harness: Harness):
    seeker = await _case(harness)
    harness.rec.clear()
    for data in (f"xs:{seeker.id}:viewing:go", f"xs:{seeker.id}:moved:yes", f"xl:{seeker.id}"):
        await harness.press(data, user_id=OTHER_CASEWORKER)  # forged by DRK staff
        assert expired_alert(harness)
    assert harness.rec.sent() == []
    assert (await _status(harness))[1] == "searching"
    assert await last_audit(harness) == (
        OTHER_CASEWORKER, 2, "denied.case.status", None, f"xl:{seeker.id}"
    )  # fmt: skip


async def test_a_second_carrier_with_consent_sees_who_follows_the_case(harness: Harness):
    seeker = await _case(harness)
    await share_with(harness, seeker, "drk")
    await harness.send(f"/find {seeker.case_number}", user_id=OTHER_CASEWORKER)
    card = harness.rec.last()
    assert "This case is followed by Caritas." in card.text
    assert not [data for data in card.callback_data if data.startswith(("xs", "xl", "vn", "kr"))]
    await _move(harness, seeker, "viewing", who=OTHER_CASEWORKER)
    assert expired_alert(harness)


async def test_a_household_that_changes_carrier_hands_its_case_over(harness: Harness):
    seeker = await _case(harness)
    await _move(harness, seeker, "viewing")
    async with harness.db.transaction() as db:
        await consents.withdraw_consent(db, seeker.id, 1)
    await _move(harness, seeker, "offer")  # Caritas lost the consent
    assert expired_alert(harness)
    await share_with(harness, seeker, "drk")
    assert await _status(harness) == (2, "viewing", None)  # DRK follows it where it stood
    await _move(harness, seeker, "offer", who=OTHER_CASEWORKER)
    assert await _status(harness) == (2, "offer", None)


async def test_pausing_remembers_where_to_resume(harness: Harness):
    seeker = await _case(harness)
    await _move(harness, seeker, "viewing", "paused")
    assert await _status(harness) == (1, "paused", "viewing")
    await harness.send(f"/find {seeker.case_number}", user_id=CASEWORKER)
    assert f"xs:{seeker.id}:viewing:go" in harness.rec.last().callback_data
    await _move(harness, seeker, "viewing")
    assert await _status(harness) == (1, "viewing", None)
    await harness.send("/mydata")  # what is stored includes the case's status
    today = harness.tr("en").date(date(2026, 11, 25), "medium")
    assert f"Status of your case: Viewing, since {today}." in harness.rec.last().text


async def test_the_household_sees_its_case_and_next_step_from_the_menu(harness: Harness):
    await make_team(harness)
    seeker = await register_seeker(harness, lang="ar")
    await harness.press("xm:show", lang="ar")
    assert harness.rec.last().callback_data == ["mn:mysearch", "mn:home"]  # no carrier yet
    await share_with(harness, seeker)
    await _move(harness, seeker, "viewing", "offer")
    await harness.press("xm:show", lang="ar")
    screen = harness.rec.last().text
    assert "\u2068Caritas\u2069" in screen and "Mietangebot" in screen


async def test_aftercare_checkins_arrive_and_i_need_help_reaches_the_carriers_staff(
    harness: Harness,
):
    seeker = await _case(harness, lang="tr")
    await _move(harness, seeker, "viewing", "offer", "approved", "signed", "moved")
    await harness.deliver()  # the notices of each step
    harness.rec.clear()
    harness.clock.advance(timedelta(days=10))
    await harness.deliver()
    assert texts_to(harness, SEEKER) == []
    harness.clock.advance(timedelta(days=1))
    await harness.deliver()
    [checkin] = [c for c in harness.rec.sent() if c.params["chat_id"] == SEEKER]
    assert "Anmeldung" in checkin.text and "Wohnungsgeberbestätigung" in checkin.text
    assert checkin.callback_data[:2] == ["xc:2:ok", "xc:2:help"]
    harness.rec.clear()
    await harness.press("xc:2:help", lang="tr")
    await harness.press("xc:2:help", lang="tr")  # twice: staff hear once
    await harness.deliver()
    to_staff = [c for c in harness.rec.sent() if c.params["chat_id"] in (CASEWORKER, COORDINATOR)]
    assert len(to_staff) == 2  # both Caritas staff, nobody at DRK
    assert all(seeker.case_number in c.text and "asks for help" in c.text for c in to_staff)
    assert to_staff[0].callback_data[0] == f"cv:{seeker.id}"


async def test_closing_the_case_stops_the_checkins_and_old_answers_expire(harness: Harness):
    seeker = await _case(harness)
    await _move(harness, seeker, "viewing", "offer", "approved", "signed", "moved", "aftercare")
    await _move(harness, seeker, "closed")
    assert await harness.rows(
        "SELECT DISTINCT state FROM outbox WHERE kind = 'aftercare_checkin'"
    ) == [("cancelled",)]
    await harness.press("xc:6:help")
    assert expired_alert(harness)
    await harness.press("xc:6:ok", user_id=OTHER_CASEWORKER)
    assert expired_alert(harness)
