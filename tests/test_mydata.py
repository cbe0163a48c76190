"""/mydata shows everything stored about a person, readable, and the same as a JSON file."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.limits import MAX_TEXT_LENGTH
from domain.accounts import Role
from handlers.onboarding.mydata import PARTS, split_messages
from storage.db import to_db
from storage.personal_data import EXPORTED_COLUMNS, STAFF_WORK, export_person
from tests.conftest import Harness
from tests.personal_rows import add_booking, add_question, add_viewing, add_workshop_seat, insert

OLENA, SVEN = 111, 222  # a household that also volunteers (every table), and a caseworker
PERSONAL_NAMES = ("user_id", "telegram_id", "household")


async def _personal_columns(harness: Harness) -> set[tuple[str, str]]:
    """Every column of the schema that points at a person, by foreign key or by name."""
    found = set()
    for (table,) in await harness.rows(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ):
        for column in await harness.rows("SELECT name FROM pragma_table_info(?)", table):
            name = column[0]
            if name.endswith(PERSONAL_NAMES) or name.endswith("_by") or name == "volunteer_id":
                found.add((table, name))
        for key in await harness.rows(
            'SELECT "table", "from" FROM pragma_foreign_key_list(?)', table
        ):
            if key[0] == "users":
                found.add((table, key[1]))
    found.discard(("users", "id"))
    return found


async def test_every_personal_column_is_exported_or_staff_work(harness: Harness):
    schema = await _personal_columns(harness)
    assert schema - set(EXPORTED_COLUMNS) - STAFF_WORK == set(), "not in /mydata"
    assert (set(EXPORTED_COLUMNS) | STAFF_WORK) - schema == set(), "no such column any more"


async def _fill_every_table(harness: Harness) -> tuple[int, int]:
    """Olena has a row in every table that can hold a household's or volunteer's data."""
    olena = (await harness.add_user(OLENA, "en")).id
    sven = (await harness.add_user(SVEN, "de", Role.STAFF)).id
    now = harness.clock()
    at, soon = to_db(now), to_db(now + timedelta(days=2))
    search = await insert(
        harness,
        "INSERT INTO searches (user_id, status, adults, children, anywhere, max_rent_cents, wbs,"
        " step_free, carrier, step, created_at, updated_at) VALUES"
        " (?, 'active', 2, 1, 0, 78800, 'applied', 0, 'drk', 'summary', ?, ?)",
        olena, at, at,
    )  # fmt: skip
    await insert(harness, "INSERT INTO search_places VALUES (?, 'district', 'Ehrenfeld')", search)
    await insert(harness, "INSERT INTO search_documents VALUES (?, 'wohnsitz', 1)", search)
    await insert(harness, "INSERT INTO carrier_consents VALUES (?, 2, ?)", olena, at)
    await insert(
        harness,
        "INSERT INTO consent_requests (user_id, carrier_id, requested_by, requested_at)"
        " VALUES (?, 1, ?, ?)",
        olena, SVEN, at,
    )  # fmt: skip
    await insert(harness, "INSERT INTO cases VALUES (?, 2, 'viewing', NULL, ?, ?)", olena, at, at)
    await insert(
        harness,
        "INSERT INTO case_events (user_id, carrier_id, at, from_status, to_status)"
        " VALUES (?, 2, ?, 'searching', 'viewing')",
        olena, at,
    )  # fmt: skip
    await insert(
        harness,
        "INSERT INTO audit_log (at, actor_telegram_id, carrier_id, action, subject_user_id)"
        " VALUES (?, ?, 2, 'case.view', ?), (?, ?, NULL, 'denied.staff.add', NULL)",
        at, SVEN, olena, at, OLENA,
    )  # fmt: skip
    await add_booking(harness, olena, now + timedelta(days=2), "booked")
    await add_viewing(harness, olena, now + timedelta(days=2))
    listing = await insert(
        harness,
        "INSERT INTO listings (carrier_id, status, quarter, created_at, updated_at)"
        " VALUES (2, 'published', 'Nippes', ?, ?)",
        at, at,
    )  # fmt: skip
    await insert(
        harness,
        "INSERT INTO listing_recipients (listing_id, user_id, answer, answered_at)"
        " VALUES (?, ?, 'interested', ?)",
        listing, olena, at,
    )  # fmt: skip
    await add_workshop_seat(harness, olena, now + timedelta(days=2), "waitlisted", "Olja")
    await insert(
        harness,
        "INSERT INTO volunteer_profiles VALUES (?, 'Oleksandra', '[\"Kalk\"]', '[\"uk\"]',"
        " '[]', ?)",
        olena, at,
    )  # fmt: skip
    await insert(
        harness,
        "INSERT INTO accompaniment_offers VALUES (?, 'Sascha', '[\"Porz\"]', '[\"ru\"]',"
        " '[\"jobcenter\"]', 1, ?)",
        olena, at,
    )  # fmt: skip
    request = await insert(
        harness,
        "INSERT INTO accompaniment_requests (user_id, carrier_id, kind, starts_at, place,"
        " language, created_at, expires_at) VALUES (?, 2, 'jobcenter', ?, 'Jobcenter Mitte',"
        " 'uk', ?, ?)",
        olena, soon, at, soon,
    )  # fmt: skip
    await insert(harness, "INSERT INTO accompaniment_asked VALUES (?, ?)", request, olena)
    await add_question(harness, olena, "answered")
    await insert(harness, "INSERT INTO topic_optouts VALUES (?, 'workshops')", olena)
    await harness.enqueue(olena, "test:1")
    await insert(harness, "INSERT INTO typed_prompts VALUES (?, 'household', NULL, ?)", olena, at)
    await insert(
        harness,
        "INSERT INTO staff_members (user_id, carrier_id, added_by, added_at, role)"
        " VALUES (?, 1, ?, ?, 'caseworker')",
        sven,
        900,
        at,
    )
    await insert(
        harness,
        "INSERT INTO staff_questions (user_id, purpose, case_user_id, asked_at)"
        " VALUES (?, 'viewing', ?, ?)",
        sven, olena, at,
    )  # fmt: skip
    await insert(
        harness,
        "INSERT INTO slot_drafts (user_id, carrier_id, kind, asking_since) VALUES"
        " (?, 1, 'beratung', ?)",
        sven, at,
    )  # fmt: skip
    return olena, sven


def _olena_markers(harness: Harness) -> dict[str, str]:
    """What Olena reads in /mydata for each section of her data."""
    t = lambda msgid: harness.t("en", msgid)  # noqa: E731
    return {
        "account": "Language: English",
        "search": "Ehrenfeld",
        "search_places": "Ehrenfeld",
        "search_documents": "Wohnsitzauflage",
        "carrier_consents": "DRK, since",
        "consent_requests": "Caritas asked to see your case",
        "case": "Status of your case:",
        "case_events": t("History of your case:"),
        "staff_accesses": "DRK looked at your case.",
        "own_audit_entries": "1 entry in the audit log records something you did.",
        "bookings": "Domplatz 1",
        "viewings": "Venloer Str. 7",
        "listing_answers": "Nippes: interested",
        "workshop_places": "Mietvertrag lesen. You are on the waitlist, under the name Olja.",
        "volunteer_profile": "Oleksandra",
        "accompaniment_offer": "Name you gave: Sascha",
        "accompaniment_requests": "Jobcenter Mitte",
        "questions": "Wie viel Kaution?",
        "question_messages": "Drei Kaltmieten.",
        "notifications_off": t("Notifications you turned off: {topics}").format(
            topics=t("Workshops")
        ),
        "messages_queued": "1 message to you is waiting",
        "unfinished_forms": "1 question of the bot waits for your typed answer.",
    }


async def _mydata_text(harness: Harness, user_id: int) -> str:
    harness.rec.clear()
    await harness.send("/mydata", user_id=user_id)
    return "\n\n".join(c.text for c in harness.rec.sent())


async def test_mydata_shows_every_table_readable_and_as_json(harness: Harness):
    olena, _ = await _fill_every_table(harness)
    text = await _mydata_text(harness, OLENA)
    markers = _olena_markers(harness)
    staff_only = {"staff_membership"}
    export = await export_person(harness.db, olena)
    assert set(markers) | staff_only == set(export), "a section without a check"
    for section, marker in markers.items():
        assert export[section], f"{section} is empty in the export"
        assert marker in text, f"{section} is not in /mydata"
    assert "Wohnsitzauflage" in text and "Familie K" in text
    # The same content as a file, from the button under the last message.
    assert harness.rec.sent()[-1].callback_data == ["md:json", "mn:home"]
    await harness.press("md:json", user_id=OLENA)
    [document] = [c for c in harness.rec.calls if c.endpoint == "sendDocument"]
    assert document.params["caption"].startswith("All data we store about you")
    data = json.loads(document.uploads["my-data.json"])
    assert data == json.loads(json.dumps(export))
    assert data["search"][0]["max_rent_cents"] == 78800  # values as stored
    assert data["volunteer_profile"][0]["districts"] == ["Kalk"]


async def test_staff_see_their_membership_and_unfinished_forms(harness: Harness):
    _, sven = await _fill_every_table(harness)
    text = await _mydata_text(harness, SVEN)
    export = await export_person(harness.db, sven)
    assert export["staff_membership"] and len(export["unfinished_forms"]) == 2
    tr = harness.tr("de")
    since = tr.datetime(harness.clock())
    assert (
        tr.gettext("Staff of {carrier} since {date}.").format(carrier="Caritas", date=since)
        in text
    )
    assert "Ehrenfeld" not in text  # the household's data is not the caseworker's


async def test_mydata_in_the_users_language_without_seconds(harness: Harness):
    account = await harness.add_user(OLENA, "uk")
    text = await _mydata_text(harness, OLENA)
    tr = harness.tr("uk")
    assert "українська" in text
    assert tr.datetime(account.created_at) in text
    assert tr.time(account.created_at) + ":" not in text  # no seconds after the minutes


async def test_long_data_is_split_into_messages_within_the_limit(harness: Harness):
    olena, _ = await _fill_every_table(harness)
    for n in range(40):
        await harness.enqueue(olena, f"bulk:{n}")
        await insert(
            harness,
            "INSERT INTO tickets (user_id, household, question, status, created_at, updated_at)"
            " VALUES (?, NULL, ?, 'solved', ?, ?)",
            olena, "Frage " + "x" * 150, to_db(harness.clock()), to_db(harness.clock()),
        )  # fmt: skip
    await _mydata_text(harness, OLENA)
    sent = harness.rec.sent()
    assert len(sent) > 1
    assert all(len(c.text) <= MAX_TEXT_LENGTH for c in sent)
    assert sent[-1].callback_data == ["md:json", "mn:home"]
    assert [b for c in sent[:-1] for b in c.buttons] == []


def test_split_keeps_paragraphs_and_cuts_only_what_cannot_fit():
    assert split_messages(["a", "b"], limit=10) == ["a\n\nb"]
    assert split_messages(["aaaa", "bbbb"], limit=8) == ["aaaa", "bbbb"]
    assert split_messages(["aaa\nbbb"], limit=5) == ["aaa", "bbb"]
    assert split_messages(["abcdefg"], limit=3) == ["abc", "def", "g"]


async def test_mydata_and_download_need_a_registered_user(harness: Harness):
    await harness.press("md:json", user_id=333)
    assert [c for c in harness.rec.calls if c.endpoint == "sendDocument"] == []
    await harness.send("/mydata", user_id=333)
    assert "store about you" not in harness.rec.last().text


def test_every_part_of_mydata_has_its_place_in_the_order(harness: Harness):
    """A feature that stores something about a person adds its part; PARTS says where."""
    assert sorted(harness.app.bot_data.mydata_parts) == sorted(PARTS)
