"""Data expires: each retention rule on the fake clock, the question to households through
the real Application, the periods from the environment and in the privacy notice."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.delivery import register_renderer
from bot.i18n import Translator
from bot.settings import Settings, SettingsError
from domain.case_status import CaseStatus
from domain.locales import SUPPORTED_LOCALES
from domain.outbox import Rendered
from domain.retention import Retention, status_when_abandoned
from handlers.onboarding.retention import apply_retention
from storage.db import to_db
from tests.conftest import Harness
from tests.fakes import TOKEN
from tests.personal_rows import add_booking, add_question, add_viewing, add_workshop_seat, insert

OLENA, AHMAD, MARIA = 111, 112, 113
KEPT = Retention()
DAY = timedelta(days=1)


async def _run(harness: Harness) -> dict[str, int]:
    counts = await apply_retention(harness.app.bot_data, harness.clock())
    await harness.deliver()
    return counts


async def _with_search(harness: Harness, telegram_id: int, locale: str = "en") -> int:
    account = await harness.add_user(telegram_id, locale)
    await harness.send("/mysearch", user_id=telegram_id, lang=locale)
    [(search_id,)] = await harness.rows("SELECT id FROM searches WHERE user_id = ?", account.id)
    return int(search_id)


async def _users(harness: Harness) -> list[int]:
    return [row[0] for row in await harness.rows("SELECT telegram_id FROM users ORDER BY 1")]


def _question(tr: Translator) -> str:
    return tr.gettext(
        "Are you still looking for a flat? Your housing search has not been used for a long "
        "time. If you do not answer within {period}, we delete your search and all your data."
    ).format(period=tr.duration(KEPT.still_looking_answer))


async def test_an_unused_search_is_asked_about_in_the_households_language(harness: Harness):
    search_id = await _with_search(harness, OLENA, "uk")
    harness.clock.advance(KEPT.inactive_search - DAY)
    assert (await _run(harness))["search_asked"] == 0
    harness.clock.advance(2 * DAY)
    harness.rec.clear()
    assert (await _run(harness))["search_asked"] == 1
    question = harness.rec.last()
    assert question.params["chat_id"] == OLENA
    assert question.text == _question(harness.tr("uk"))
    assert question.callback_data == [f"sl:yes:{search_id}", f"sl:no:{search_id}"]
    assert (await _run(harness))["search_asked"] == 0  # asked once


async def test_the_question_is_worded_when_it_is_sent(harness: Harness):
    await _with_search(harness, OLENA, "uk")
    harness.clock.advance(KEPT.inactive_search + DAY)
    await apply_retention(harness.app.bot_data, harness.clock())
    await harness.press("lg:ar", user_id=OLENA)  # she switches before it goes out
    await harness.deliver()
    assert harness.rec.last().text == _question(harness.tr("ar"))


async def test_yes_keeps_the_search_and_renews_it(harness: Harness):
    search_id = await _with_search(harness, OLENA)
    harness.clock.advance(KEPT.inactive_search + DAY)
    await _run(harness)
    await harness.press(f"sl:yes:{search_id}", user_id=OLENA)
    assert harness.rec.last().text == "Thank you. We keep your housing search."
    harness.clock.advance(KEPT.still_looking_answer + DAY)
    counts = await _run(harness)
    assert counts["search_unanswered"] == 0 and counts["search_asked"] == 0
    assert await _users(harness) == [OLENA]


async def test_no_deletes_as_delete_does(harness: Harness):
    search_id = await _with_search(harness, OLENA)
    harness.clock.advance(KEPT.inactive_search + DAY)
    await _run(harness)
    await harness.press(f"sl:no:{search_id}", user_id=OLENA)
    assert "All your data has been deleted" in harness.rec.last().text
    assert await _users(harness) == []
    assert await harness.rows("SELECT count(*) FROM searches") == [(0,)]


async def test_someone_elses_button_has_expired(harness: Harness):
    search_id = await _with_search(harness, OLENA)
    await harness.add_user(AHMAD)
    harness.clock.advance(KEPT.inactive_search + DAY)
    await _run(harness)
    await harness.press(f"sl:no:{search_id}", user_id=AHMAD)
    assert harness.rec.answers()[-1].params["text"] == "This button has expired."
    assert await _users(harness) == [OLENA, AHMAD]


async def test_no_answer_deletes_the_household_and_activity_renews(
    harness: Harness, caplog: pytest.LogCaptureFixture
):
    await _with_search(harness, OLENA)
    await _with_search(harness, AHMAD)
    harness.clock.advance(KEPT.inactive_search + DAY)
    await _run(harness)
    harness.clock.advance(DAY)
    await harness.send("/menu", user_id=AHMAD)  # Ahmad uses the bot: he still looks
    harness.clock.advance(KEPT.still_looking_answer - 2 * DAY)
    assert (await _run(harness))["search_unanswered"] == 0
    harness.clock.advance(2 * DAY)
    with caplog.at_level(logging.INFO, logger="handlers.onboarding.retention"):
        counts = await _run(harness)
    assert counts["search_unanswered"] == 1
    assert await _users(harness) == [AHMAD]
    assert "retention search_unanswered: 1 people deleted [1]" in caplog.messages


def test_an_abandoned_case_ends_as_staff_would_end_it():
    assert status_when_abandoned(CaseStatus.VIEWING) is CaseStatus.WITHDRAWN
    assert status_when_abandoned(CaseStatus.PAUSED) is CaseStatus.WITHDRAWN
    assert status_when_abandoned(CaseStatus.AFTERCARE) is CaseStatus.CLOSED


async def test_users_who_blocked_the_bot_are_deleted_after_the_period(harness: Harness):
    olena = await harness.add_user(OLENA)
    await harness.add_user(AHMAD)
    harness.rec.unreachable[OLENA] = (403, "Forbidden: bot was blocked by the user")
    register_renderer(harness.app, "note", lambda params, tr: Rendered("Hello"))
    await harness.enqueue(olena.id, "news:1", kind="note")
    await harness.deliver()
    harness.clock.advance(KEPT.blocked_user - DAY)
    assert (await _run(harness))["blocked_user"] == 0
    harness.clock.advance(2 * DAY)
    assert (await _run(harness))["blocked_user"] == 1
    assert await _users(harness) == [AHMAD]


async def test_finished_appointments_lose_their_details_after_a_year(harness: Harness):
    olena = (await harness.add_user(OLENA)).id
    now = harness.clock()
    for starts in (now, now + timedelta(days=30)):
        await add_booking(harness, olena, starts, "attended")
        await add_viewing(harness, olena, starts)
        await add_workshop_seat(harness, olena, starts, "registered", "Olena")
    await insert(
        harness,
        "INSERT INTO cases VALUES (?, 1, 'moved', NULL, ?, ?)", olena, to_db(now), to_db(now),
    )  # fmt: skip
    harness.clock.advance(KEPT.finished_appointment + DAY)
    assert (await _run(harness))["finished_appointment"] == 3
    for table in ("bookings", "viewings", "workshop_seats"):
        assert await harness.rows(f"SELECT count(*) FROM {table}") == [(1,)], table  # noqa: S608
    # What /stats counts stays: the case and its status.
    assert await harness.rows("SELECT status FROM cases") == [("moved",)]


async def test_a_closed_listing_loses_landlord_and_address_after_the_period(harness: Harness):
    at = to_db(harness.clock())
    for status in ("let", "withdrawn", "published"):
        await insert(
            harness,
            "INSERT INTO listings (carrier_id, status, street, house_number, landlord_contact,"
            " quarter, created_at, updated_at, closed_at) VALUES"
            " (1, ?, 'Venloer Str.', '7', 'Herr Maier 0221', 'Ehrenfeld', ?, ?, ?)",
            status, at, at, None if status == "published" else at,
        )  # fmt: skip
    harness.clock.advance(KEPT.closed_listing - DAY)
    assert (await _run(harness))["closed_listing"] == 0
    harness.clock.advance(2 * DAY)
    assert (await _run(harness))["closed_listing"] == 2
    assert await harness.rows(
        "SELECT status, street, house_number, landlord_contact, quarter FROM listings ORDER BY id"
    ) == [
        ("let", None, None, None, "Ehrenfeld"),
        ("withdrawn", None, None, None, "Ehrenfeld"),
        ("published", "Venloer Str.", "7", "Herr Maier 0221", "Ehrenfeld"),
    ]


async def test_answered_questions_lose_their_text(harness: Harness):
    olena = (await harness.add_user(OLENA)).id
    for status in ("answered", "open"):
        await add_question(harness, olena, status)
    harness.clock.advance(KEPT.answered_question + DAY)
    assert (await _run(harness))["answered_question"] == 1
    assert await harness.rows(
        "SELECT t.status, t.household, t.question, m.body FROM tickets t"
        " JOIN ticket_messages m ON m.ticket_id = t.id ORDER BY t.id"
    ) == [
        ("answered", None, "", ""),
        ("open", "Familie K", "Wie viel Kaution?", "Drei Kaltmieten."),
    ]


async def test_invites_and_audit_entries_expire(harness: Harness):
    start = harness.clock()

    async def invite(token: str, used: bool) -> None:
        await insert(
            harness,
            "INSERT INTO staff_invites (token_hash, carrier_id, role, created_by, created_at,"
            " expires_at, used_at, used_by) VALUES (?, 1, 'caseworker', 900, ?, ?, ?, ?)",
            token, to_db(harness.clock()), to_db(harness.clock() + timedelta(hours=72)),
            to_db(harness.clock()) if used else None, 500 if used else None,
        )  # fmt: skip

    async def audit(action: str, actor: int) -> None:
        await insert(
            harness,
            "INSERT INTO audit_log (at, actor_telegram_id, carrier_id, action)"
            " VALUES (?, ?, 1, ?)",
            to_db(harness.clock()), actor, action,
        )  # fmt: skip

    staff = await harness.add_user(777, "de")
    await insert(
        harness, "INSERT INTO staff_members (user_id, carrier_id, added_by, added_at, role)"
        " VALUES (?, 1, 900, ?, 'caseworker')",
        staff.id, to_db(start),
    )  # fmt: skip
    await invite("used", used=True)
    await invite("unused", used=False)
    await audit("case.view", 777)
    await audit("denied.case.view", 777)  # staff: kept like the rest of the log
    await audit("denied.staff.add", OLENA)  # not staff: 90 days
    harness.clock.advance(KEPT.invite + 4 * DAY)  # the unused one expired after 3 days
    await invite("fresh", used=False)
    assert (await _run(harness))["invite"] == 2
    assert await harness.rows("SELECT token_hash FROM staff_invites") == [("fresh",)]
    harness.clock.advance(KEPT.refused_attempt)
    counts = await _run(harness)
    assert (counts["refused_attempt"], counts["audit"]) == (1, 0)
    harness.clock.advance(KEPT.audit)
    assert (await _run(harness))["audit"] == 2
    assert await harness.rows("SELECT count(*) FROM audit_log") == [(0,)]


async def test_the_rules_run_in_one_daily_job_that_survives_misfires(harness: Harness):
    assert harness.app.job_queue is not None
    [job] = harness.app.job_queue.get_jobs_by_name("retention")
    assert job.job.misfire_grace_time is None and job.job.coalesce is True


def test_periods_come_from_the_environment():
    env = {"BOT_TOKEN": TOKEN, "RETAIN_AUDIT_DAYS": "3650", "RETAIN_BLOCKED_USER_DAYS": " 30 "}
    kept = Settings.from_env(env).retention
    assert kept.audit == timedelta(days=3650) and kept.blocked_user == timedelta(days=30)
    assert kept.invite == KEPT.invite  # not set: the default
    for bad in ("0", "-1", "6 months", "١٢", "99999"):
        with pytest.raises(SettingsError, match="RETAIN_AUDIT_DAYS"):
            Settings.from_env({"BOT_TOKEN": TOKEN, "RETAIN_AUDIT_DAYS": bad})


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_the_privacy_notice_names_every_period(harness: Harness, locale: str):
    await harness.send("/privacy", lang=locale)
    text, tr = harness.rec.last().text, harness.tr(locale)
    for period in (
        KEPT.inactive_search,
        KEPT.still_looking_answer,
        KEPT.blocked_user,
        KEPT.finished_appointment,
        KEPT.audit,
    ):
        assert tr.duration(period) in text


async def test_each_rule_logs_one_line_with_its_count(
    harness: Harness, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.INFO, logger="handlers.onboarding.retention"):
        counts = await _run(harness)
    rules = [message.split(":")[0].removeprefix("retention ") for message in caplog.messages]
    assert sorted(rules) == sorted(counts)
    assert "retention audit: 0" in caplog.messages
