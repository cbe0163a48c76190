"""A household and a volunteer with a row in every table that can hold their data, for the
deletion tests. Rows go in by SQL: each feature's own tests drive how they get there."""

from __future__ import annotations

import json
from dataclasses import dataclass

from domain.accounts import Account, Role
from storage.db import to_db
from tests.conftest import Harness
from tests.staffing import CASEWORKER, make_staff, register_seeker, share_with

SEEKER = 7_000_111  # Telegram ids no other number in the database can equal by chance
VOLUNTEER = 7_000_222
# What the files must not hold once both deleted their data.
SECRETS = (
    "Walburga",  # the volunteer's first name (profile, offer, workshop place)
    "Zülpicher Wall 77",  # the viewing address
    "Treffpunkt Kiosk Quirinus",  # the viewing's meeting point
    "Kunigunde",  # the household's first name in the volunteer's question
    "Darf die Familie Hund halten",  # the question
    "Antwort zu Hund",  # the answer
    "Jobcenter Luxemburger 121",  # where the volunteer accompanies the household
)


@dataclass(frozen=True)
class People:
    seeker: Account
    volunteer: Account
    staff_id: int  # users.id of the caseworker


async def fill_every_table(harness: Harness) -> People:
    await make_staff(harness, CASEWORKER)
    seeker = await register_seeker(harness, SEEKER)
    await share_with(harness, seeker)
    volunteer = await harness.add_user(VOLUNTEER, role=Role.VOLUNTEER)
    staff = await harness.rows("SELECT id FROM users WHERE telegram_id = ?", CASEWORKER)
    staff_id, s, v, now = staff[0][0], seeker.id, volunteer.id, to_db(harness.clock())
    statements: list[tuple[str, tuple[object, ...]]] = [
        (
            "INSERT INTO consent_requests (user_id, carrier_id, requested_by, requested_at,"
            " answer, answered_at) VALUES (?, 1, ?, ?, 'granted', ?)",
            (s, CASEWORKER, now, now),
        ),
        (
            "INSERT INTO searches (id, user_id, status, adults, step, created_at, updated_at)"
            " VALUES (1, ?, 'active', 2, 'summary', ?, ?)",
            (s, now, now),
        ),
        ("INSERT INTO search_places VALUES (1, 'district', 'Ehrenfeld')", ()),
        ("INSERT INTO search_documents VALUES (1, 'wbs', 1)", ()),
        (
            "INSERT INTO broadcasts (id, dedupe_key, topic, started_by, created_at, due_at)"
            " VALUES (1, 'listing:1', 'listings', ?, ?, ?)",
            (staff_id, now, now),
        ),
        ("INSERT INTO topic_optouts VALUES (?, 'workshops')", (s,)),
        ("INSERT INTO topic_optouts VALUES (?, 'listings')", (v,)),
        (
            "INSERT INTO listings (id, carrier_id, created_by, status, quarter, street,"
            " landlord_contact, created_at, updated_at) VALUES (1, 1, ?, 'published',"
            " 'Ehrenfeld', 'Venloer Straße', 'Herr Vermieter 0221', ?, ?)",
            (staff_id, now, now),
        ),
        ("INSERT INTO listing_photos VALUES (1, 0, 'file-id-1')", ()),
        (
            "INSERT INTO listing_recipients (listing_id, user_id, answer, answered_at)"
            " VALUES (1, ?, 'interested', ?)",
            (s, now),
        ),
        (
            "INSERT INTO announcements (created_by, step, body, created_at)"
            " VALUES (?, 'text', 'Liebe Leute', ?)",
            (staff_id, now),
        ),
        (
            "INSERT INTO slots (id, carrier_id, kind, audience, starts_at, ends_at, capacity,"
            " address, created_by, created_at) VALUES (1, 1, 'beratung', 'both', ?, ?, 1,"
            " 'Büro Caritas', ?, ?)",
            (now, now, staff_id, now),
        ),
        (
            "INSERT INTO bookings (slot_id, user_id, status, created_at, updated_at)"
            " VALUES (1, ?, 'booked', ?, ?)",
            (s, now, now),
        ),
        (
            "INSERT INTO bookings (slot_id, user_id, status, created_at, updated_at)"
            " VALUES (1, ?, 'waiting', ?, ?)",
            (v, now, now),
        ),
        (
            "INSERT INTO slot_drafts (user_id, carrier_id, kind) VALUES (?, 1, 'beratung')",
            (staff_id,),
        ),
        (
            "INSERT INTO workshops (id, carrier_id, title, description, topic, starts_at,"
            " ends_at, place, capacity, audience, language, created_by, created_at,"
            " updated_at) VALUES (1, 1, 'Mietrecht', 'Grundlagen', 'rent', ?, ?, 'Saal', 10,"
            " 'both', 'de', ?, ?, ?)",
            (now, now, staff_id, now, now),
        ),
        (
            "INSERT INTO workshop_seats VALUES (1, ?, 'registered', 'Walburga', ?)",
            (v, now),
        ),
        ("INSERT INTO workshop_seats VALUES (1, ?, 'waitlisted', 'Olena', ?)", (s, now)),
        (
            "INSERT INTO volunteer_profiles (user_id, first_name, updated_at)"
            " VALUES (?, 'Walburga', ?)",
            (v, now),
        ),
        (
            "INSERT INTO tickets (id, user_id, carrier_id, household, question, status,"
            " taken_by, created_at, updated_at) VALUES (1, ?, 1, 'Kunigunde',"
            " 'Darf die Familie Hund halten?', 'answered', ?, ?, ?)",
            (v, staff_id, now, now),
        ),
        (
            "INSERT INTO ticket_messages (ticket_id, author, body, sent_at)"
            " VALUES (1, 'staff', 'Antwort zu Hund: ja', ?)",
            (now,),
        ),
        (
            "INSERT INTO typed_prompts (user_id, kind, asked_at) VALUES (?, 'profile', ?)",
            (v, now),
        ),
        (
            "INSERT INTO typed_prompts (user_id, kind, asked_at) VALUES (?, 'search', ?)",
            (s, now),
        ),
        (
            "INSERT INTO case_events (user_id, carrier_id, at, from_status, to_status,"
            " actor_telegram_id) VALUES (?, 1, ?, 'searching', 'viewing', ?)",
            (s, now, CASEWORKER),
        ),
        (
            "INSERT INTO viewings (id, user_id, carrier_id, scheduled_by, listing_id, address,"
            " meeting_point, starts_at, created_at) VALUES (1, ?, 1, ?, 1,"
            " 'Zülpicher Wall 77', 'Treffpunkt Kiosk Quirinus', ?, ?)",
            (s, staff_id, now, now),
        ),
        (
            "INSERT INTO staff_questions (user_id, purpose, case_user_id, viewing_id, asked_at)"
            " VALUES (?, 'reschedule', ?, 1, ?)",
            (staff_id, s, now),
        ),
        (
            "INSERT INTO accompaniment_offers (user_id, first_name, updated_at)"
            " VALUES (?, 'Walburga', ?)",
            (v, now),
        ),
        (
            "INSERT INTO accompaniment_requests (id, user_id, carrier_id, requested_by, kind,"
            " starts_at, place, language, status, volunteer_id, created_at, expires_at)"
            " VALUES (1, ?, 1, ?, 'jobcenter', ?, 'Jobcenter Luxemburger 121', 'uk',"
            " 'taken', ?, ?, ?)",
            (s, staff_id, now, v, now, now),
        ),
        ("INSERT INTO accompaniment_asked VALUES (1, ?)", (v,)),
        (
            "INSERT INTO audit_log (at, actor_telegram_id, carrier_id, action,"
            " subject_user_id, detail) VALUES (?, ?, 1, 'case.view', ?, ?)",
            (now, CASEWORKER, s, f"case={seeker.case_number}"),
        ),
        (
            "INSERT INTO audit_log (at, actor_telegram_id, carrier_id, action, detail)"
            " VALUES (?, ?, NULL, 'denied.case.find', '/find')",
            (now, seeker.telegram_id),
        ),
        (
            "INSERT INTO staff_invites (token_hash, carrier_id, role, created_by, created_at,"
            " expires_at) VALUES ('h', 1, 'caseworker', ?, ?, ?)",
            (CASEWORKER, now, now),
        ),
    ]
    # Notices: to the household itself, and about the household and the volunteer to others.
    notices = [
        (s, f"case:{s}", f"case:{s}:viewing:x", {"status": "viewing"}),
        (v, "companion:1", f"companion:1:taken:{v}", {"place": "Jobcenter Luxemburger 121"}),
        (
            staff_id,
            None,
            f"companion:1:staff:{staff_id}",
            {"first_name": "Walburga", "user_id": s},
        ),
        (staff_id, "viewing:1", f"viewing:1:0:answer:{staff_id}", {"viewing": 1}),
        (staff_id, "ticket:1:waiting", f"ticket:1:waiting:x:{staff_id}", {"ticket": 1}),
        (staff_id, "listing:1", "listing:1:staff", {"listing": 1}),  # not about them: stays
    ]
    for user_id, ref, key, params in notices:
        statements.append(
            (
                "INSERT INTO outbox (user_id, kind, params, topic, priority, due_at, state,"
                " dedupe_key, ref, created_at) VALUES (?, 'notice', ?, 'appointments', 1, ?,"
                " 'sent', ?, ?, ?)",
                (user_id, json.dumps(params), now, key, ref, now),
            )
        )
    async with harness.db.transaction() as db:
        for sql, params in statements:
            await db.conn.execute(sql, params)
    return People(seeker, volunteer, staff_id)


async def delete_by_chat(harness: Harness, telegram_id: int) -> None:
    await harness.send("/delete", user_id=telegram_id)
    [(locale,)] = await harness.rows("SELECT locale FROM users WHERE telegram_id = ?", telegram_id)
    await harness.press("dl:yes", user_id=telegram_id)
    done = "All your data has been deleted. If you want to start again, send /start."
    assert harness.rec.last().text == harness.t(locale, done)
