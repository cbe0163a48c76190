"""Cases for staff: found by case number, visible only with consent, every look audited."""

from __future__ import annotations

import re
from datetime import timedelta

from domain.cases import CASE_NUMBER_PATTERN
from tests.conftest import Harness
from tests.listing_setup import team_and_households
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


async def test_a_seeker_gets_a_case_number_and_sees_it_in_mydata(harness: Harness):
    seeker = await register_seeker(harness)
    assert re.fullmatch(CASE_NUMBER_PATTERN, seeker.case_number)
    await harness.send("/mydata")
    text = harness.rec.last().text
    assert seeker.case_number in text and "No carrier has looked at your case yet" in text


async def test_seekers_registered_before_case_numbers_get_one_in_mydata(harness: Harness):
    await register_seeker(harness)
    async with harness.db.transaction() as db:
        await db.conn.execute("UPDATE users SET case_number = NULL")
    await harness.send("/mydata")
    [(number,)] = await harness.rows("SELECT case_number FROM users")
    assert number and number in harness.rec.last().text


async def test_staff_of_a_consented_carrier_find_the_case_and_the_look_is_logged(
    harness: Harness,
):
    await make_team(harness)
    seeker = await register_seeker(harness, lang="uk")
    await share_with(harness, seeker)
    number = seeker.case_number
    await harness.send(f"/find {number[:3].lower()} {number[3:].lower()}", user_id=CASEWORKER)
    card = harness.rec.last().text
    assert number in card and "Ukrainian" in card and "Caritas" in card
    assert str(SEEKER) not in card  # no Telegram id, no name
    assert await last_audit(harness) == (
        CASEWORKER, 1, "case.view", seeker.id, f"case={number}"
    )  # fmt: skip


async def test_without_consent_the_answer_is_the_same_as_for_a_number_that_does_not_exist(
    harness: Harness,
):
    await make_team(harness)
    seeker = await register_seeker(harness)
    await share_with(harness, seeker, "drk")
    await harness.send(f"/find {seeker.case_number}", user_id=CASEWORKER)
    real = harness.rec.last()
    unused = "ZZZZZZ" if seeker.case_number != "ZZZZZZ" else "YYYYYY"
    await harness.send(f"/find {unused}", user_id=CASEWORKER)
    ghost = harness.rec.last()
    assert real.text.replace(seeker.case_number, unused) == ghost.text
    assert real.callback_data == [f"cq:{seeker.case_number}", "mn:home"]
    assert "English" not in real.text
    assert (await audit(harness))[-2:] == [
        (CASEWORKER, 1, "denied.case.view", None, f"case={seeker.case_number}"),
        (CASEWORKER, 1, "denied.case.view", None, f"case={unused}"),
    ]


async def test_find_needs_a_well_formed_number(harness: Harness):
    await make_team(harness)
    for text in ("/find", "/find 12", "/find K0M2QX"):
        await harness.send(text, user_id=CASEWORKER)
        assert "Please write it like this: /find K7M2QX" in harness.rec.last().text
    assert await audit(harness) == []


async def test_a_non_staff_user_is_refused_and_logged(harness: Harness):
    seeker = await register_seeker(harness)
    await harness.send(f"/find {seeker.case_number}")
    assert "only for staff" in harness.rec.last().text
    await harness.press(f"cv:{seeker.id}")
    assert expired_alert(harness)
    assert [row[:3] for row in (await audit(harness))] == [
        (SEEKER, None, "denied.case.find"),
        (SEEKER, None, "denied.case.find"),
    ]


async def test_a_forged_button_with_another_carriers_case_reveals_nothing(harness: Harness):
    await make_team(harness)
    seeker = await register_seeker(harness)
    await share_with(harness, seeker, "caritas")
    harness.rec.clear()
    await harness.press(f"cv:{seeker.id}", user_id=OTHER_CASEWORKER)
    assert expired_alert(harness)
    assert harness.rec.sent() == []  # no message, no edit: nothing shown
    # Logged for DRK, without linking the case, so DRK's coordinator learns nothing either.
    assert await last_audit(harness) == (
        OTHER_CASEWORKER, 2, "denied.case.view", None, f"cv:{seeker.id}"
    )  # fmt: skip


async def test_asking_for_consent_reaches_the_seeker_in_their_language(harness: Harness):
    await make_team(harness)
    seeker = await register_seeker(harness, lang="ar")
    harness.rec.clear()
    await harness.press(f"cq:{seeker.case_number}", user_id=CASEWORKER)
    [question] = [c for c in harness.rec.sent() if c.params["chat_id"] == SEEKER]
    assert "Auszugsmanagement" in question.text and "Caritas" in question.text
    assert "هل توافق" in question.text  # "Do you agree", in the seeker's language
    assert "\u2068Caritas\u2069" in question.text  # the Latin name isolated in Arabic text
    [(request_id,)] = await harness.rows("SELECT id FROM consent_requests")
    assert question.callback_data == [f"ca:yes:{request_id}", f"ca:no:{request_id}", "mn:home"]
    staff_answer = texts_to(harness, CASEWORKER)[-1]
    unused = "ZZZZZZ" if seeker.case_number != "ZZZZZZ" else "YYYYYY"
    await harness.press(f"cq:{unused}", user_id=CASEWORKER)
    assert texts_to(harness, CASEWORKER)[-1] == staff_answer.replace(seeker.case_number, unused)
    assert (await audit(harness))[-1] == (
        CASEWORKER, 1, "consent.request", seeker.id, f"case={seeker.case_number}"
    )  # fmt: skip


async def test_asking_twice_within_a_week_sends_one_question(harness: Harness):
    await make_team(harness)
    seeker = await register_seeker(harness)
    await harness.press(f"cq:{seeker.case_number}", user_id=CASEWORKER)
    [(first,)] = await harness.rows("SELECT id FROM consent_requests")
    await harness.press(f"cq:{seeker.case_number}", user_id=COORDINATOR)
    questions = [t for t in texts_to(harness, SEEKER) if "Do you agree that Caritas" in t]
    assert len(questions) == 1
    harness.clock.advance(timedelta(days=7))
    await harness.press(f"cq:{seeker.case_number}", user_id=CASEWORKER)
    [(second,)] = await harness.rows("SELECT id FROM consent_requests")
    assert second != first
    await harness.press(f"ca:yes:{first}")  # the button of the first question has expired
    assert expired_alert(harness)
    assert await harness.rows("SELECT * FROM carrier_consents") == []


async def test_agreeing_shares_the_case_and_tells_the_asker(harness: Harness):
    await make_team(harness)
    seeker = await register_seeker(harness)
    await harness.press(f"cq:{seeker.case_number}", user_id=CASEWORKER)
    [(request_id,)] = await harness.rows("SELECT id FROM consent_requests")
    harness.rec.clear()
    await harness.press(f"ca:yes:{request_id}")
    assert "Caritas can now see your case" in texts_to(harness, SEEKER)[-1]
    assert await harness.rows("SELECT user_id, carrier_id FROM carrier_consents") == [
        (seeker.id, 1)
    ]
    note = next(c for c in harness.rec.sent() if c.params["chat_id"] == CASEWORKER)
    assert seeker.case_number in note.text and note.callback_data == [f"cv:{seeker.id}", "mn:home"]
    await harness.press(f"cv:{seeker.id}", user_id=CASEWORKER)
    assert seeker.case_number in texts_to(harness, CASEWORKER)[-1]
    assert (await last_audit(harness))[2] == "case.view"
    await harness.press(f"ca:no:{request_id}")  # answered already
    assert expired_alert(harness)
    assert len(await harness.rows("SELECT * FROM carrier_consents")) == 1


async def test_declining_shares_nothing_and_tells_the_asker(harness: Harness):
    await make_team(harness)
    seeker = await register_seeker(harness)
    await harness.press(f"cq:{seeker.case_number}", user_id=CASEWORKER)
    [(request_id,)] = await harness.rows("SELECT id FROM consent_requests")
    await harness.press(f"ca:no:{request_id}")
    assert "Caritas cannot see your case" in texts_to(harness, SEEKER)[-1]
    assert "did not agree" in texts_to(harness, CASEWORKER)[-1]
    assert await harness.rows("SELECT * FROM carrier_consents") == []


async def test_someone_elses_consent_button_changes_nothing(harness: Harness):
    await make_team(harness)
    seeker = await register_seeker(harness)
    await register_seeker(harness, SEEKER + 1)
    await harness.press(f"cq:{seeker.case_number}", user_id=CASEWORKER)
    [(request_id,)] = await harness.rows("SELECT id FROM consent_requests")
    await harness.press(f"ca:yes:{request_id}", user_id=SEEKER + 1)
    assert expired_alert(harness)
    assert await harness.rows("SELECT * FROM carrier_consents") == []


async def test_withdrawing_consent_hides_the_case_at_once(harness: Harness):
    await make_team(harness)
    seeker = await register_seeker(harness)
    await share_with(harness, seeker)
    await harness.send(f"/find {seeker.case_number}", user_id=CASEWORKER)
    await harness.send("/privacy")
    privacy = harness.rec.last()
    assert "These carriers can see your case now: Caritas." in privacy.text
    assert privacy.callback_data == ["cw:ask:1", "mn:home"]
    await harness.press("cw:ask:1")
    assert harness.rec.last().callback_data == ["cw:yes:1", "mn:privacy"]
    await harness.press("cw:yes:1")
    assert "Caritas can no longer see your case" in harness.rec.last().text
    assert await harness.rows("SELECT * FROM carrier_consents") == []
    await harness.press(f"cv:{seeker.id}", user_id=CASEWORKER)  # an old button
    assert expired_alert(harness)
    assert (await last_audit(harness))[2] == "denied.case.view"
    await harness.send("/privacy")
    assert "No carrier can see your case now." in harness.rec.last().text


async def test_only_seekers_withdraw(harness: Harness):
    await make_team(harness)
    await harness.press("cw:yes:1", user_id=CASEWORKER)
    assert expired_alert(harness)


async def test_mydata_lists_which_carrier_looked_but_never_who(harness: Harness):
    await make_team(harness)
    seeker = await register_seeker(harness)
    await share_with(harness, seeker)
    await harness.send(f"/find {seeker.case_number}", user_id=CASEWORKER)
    await harness.send(f"/find {seeker.case_number}", user_id=OTHER_CASEWORKER)  # refused
    await harness.send("/mydata")
    text = harness.rec.last().text
    assert "Caritas looked at your case." in text
    assert "DRK" not in text
    assert str(CASEWORKER) not in text and str(OTHER_CASEWORKER) not in text


async def test_the_case_card_shows_the_households_search_to_its_carrier_only(harness: Harness):
    # A household of three in Innenstadt up to 900 euros with a WBS, SCHUFA still missing.
    ukrainian, _ = await team_and_households(harness)
    await harness.send(f"/find {ukrainian.case_number}", user_id=CASEWORKER)
    card = harness.rec.last().text
    assert "🔎 Housing search:" in card
    budget = harness.tr("en").money(900)
    assert f"3 persons, up to {budget} a month, WBS: has one" in card
    assert "📍 Innenstadt" in card and "Missing documents: SCHUFA" in card
    assert (await last_audit(harness))[2:4] == ("case.view", ukrainian.id)
    await harness.send(f"/find {ukrainian.case_number}", user_id=OTHER_CASEWORKER)  # DRK
    assert "Housing search" not in harness.rec.last().text
    assert (await last_audit(harness))[2] == "denied.case.view"
    await harness.press(f"cv:{ukrainian.id}", user_id=OTHER_CASEWORKER)  # a forged button
    assert expired_alert(harness)
    async with harness.db.transaction() as db:  # the household withdraws its search
        await db.conn.execute("UPDATE searches SET status = 'withdrawn'")
    await harness.press(f"cv:{ukrainian.id}", user_id=CASEWORKER)
    card = harness.rec.last().text
    assert "No active housing search." in card and "WBS" not in card
