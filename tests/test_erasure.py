"""/delete deletes everything it promises, in every table and in the raw files, and the next
user inherits nothing. README "What stays after a deletion" is the table EXPECTED below."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings, SettingsError
from storage import consents
from storage.db import open_db
from storage.erasure import erase_user, erasure_digest, reapply_erasures
from tests.appointments_setup import add_slot
from tests.conftest import Harness
from tests.fakes import FakeClock
from tests.listing_setup import household, publish
from tests.privacy_setup import SECRETS, SEEKER, VOLUNTEER, delete_by_chat, fill_every_table
from tests.staffing import CASEWORKER, make_team, register_seeker
from tests.test_workshops import FORM as WORKSHOP_FORM

# Rows left per table once the household and the volunteer deleted their data. A table that
# is not here fails the test: decide what stays of it after a deletion, then add it here and
# to README.
EXPECTED = {
    "update_journal": 0,  # updates fed straight to process_update are not journaled
    "users": 1,  # the caseworker
    "carriers": 3,
    "staff_members": 1,
    "staff_invites": 1,
    "carrier_consents": 0,
    "consent_requests": 0,
    "audit_log": 2,  # the caseworker's look at the case, and the refused /find: no ids left
    "searches": 0,
    "search_places": 0,
    "search_documents": 0,
    "rent_limit_tables": 1,
    "rent_limits": 5,
    "broadcasts": 1,  # the caseworker's
    "outbox": 1,  # a notice about the listing to the caseworker
    "topic_optouts": 0,
    "listings": 1,
    "listing_photos": 1,
    "listing_recipients": 0,
    "announcements": 1,
    "slots": 1,
    "bookings": 0,
    "slot_drafts": 1,
    "workshops": 1,
    "workshop_seats": 0,
    "volunteer_profiles": 0,
    "tickets": 0,
    "ticket_messages": 0,
    "typed_prompts": 0,
    "cases": 0,
    "case_events": 0,
    "viewings": 0,
    "staff_questions": 0,
    "accompaniment_offers": 0,
    "accompaniment_requests": 0,
    "accompaniment_asked": 0,
    "erased": 2,  # one keyed hash per deleted Telegram id
    "sqlite_sequence": 3,  # the highest id ever given, per table with AUTOINCREMENT
}


async def _tables(harness: Harness) -> list[str]:
    rows = await harness.rows("SELECT name FROM sqlite_master WHERE type = 'table'")
    return sorted(row[0] for row in rows)


async def _every_value(harness: Harness) -> list[tuple[str, str, Any]]:
    values = []
    for table in await _tables(harness):
        columns = [row[1] for row in await harness.rows(f"PRAGMA table_info({table})")]
        for row in await harness.rows(f"SELECT * FROM {table}"):  # noqa: S608 (schema names)
            values.extend((table, *pair) for pair in zip(columns, row, strict=True))
    return values


async def _user_columns(harness: Harness) -> list[tuple[str, str]]:
    """Every column that holds a users.id, by its foreign key."""
    found = []
    for table in await _tables(harness):
        for key in await harness.rows(f"PRAGMA foreign_key_list({table})"):
            if key[2] == "users":
                found.append((table, key[3]))
    return found


def _file_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_delete_leaves_in_each_table_only_what_carriers_must_keep(harness: Harness):
    people = await fill_every_table(harness)
    deleted_ids = {people.seeker.id, people.volunteer.id}
    await delete_by_chat(harness, SEEKER)
    await delete_by_chat(harness, VOLUNTEER)
    tables = await _tables(harness)
    assert sorted(EXPECTED) == tables, "a table without a decision what stays after /delete"
    counts = {t: (await harness.rows(f"SELECT count(*) FROM {t}"))[0][0] for t in tables}  # noqa: S608
    assert counts == EXPECTED
    for table, column in await _user_columns(harness):
        rows = await harness.rows(f"SELECT {column} FROM {table}")  # noqa: S608
        assert not deleted_ids & {row[0] for row in rows}, f"{table}.{column}"
    for table, column, value in await _every_value(harness):
        assert str(SEEKER) not in str(value) and str(VOLUNTEER) not in str(value), (table, column)
        assert not any(secret in str(value) for secret in SECRETS), (table, column)
    assert await harness.rows(
        "SELECT actor_telegram_id, subject_user_id, detail FROM audit_log"
    ) == [(CASEWORKER, None, "case=deleted"), (None, None, "/find")]
    key = harness.app.bot_data.settings.erasure_key
    assert key is not None
    assert sorted(row[0] for row in await harness.rows("SELECT digest FROM erased")) == sorted(
        erasure_digest(key, telegram_id) for telegram_id in (SEEKER, VOLUNTEER)
    )


async def test_deleted_strings_are_gone_from_the_database_file_and_its_wal(harness: Harness):
    path = harness.app.bot_data.settings.database_path
    await fill_every_table(harness)
    before = _file_bytes(path)
    assert all(secret.encode() in before for secret in SECRETS)  # the test can fail
    await delete_by_chat(harness, SEEKER)
    await delete_by_chat(harness, VOLUNTEER)
    after = _file_bytes(path)
    assert [secret for secret in SECRETS if secret.encode() in after] == []
    assert path.with_name(path.name + "-wal").stat().st_size == 0  # checkpointed


async def test_a_new_user_after_a_deletion_inherits_nothing(harness: Harness):
    people = await fill_every_table(harness)
    await delete_by_chat(harness, SEEKER)
    newcomer = await register_seeker(harness, SEEKER + 1)
    assert newcomer.id > max(people.seeker.id, people.volunteer.id)
    assert newcomer.case_number != people.seeker.case_number
    assert await consents.audit_for_subject(harness.db, newcomer.id) == []
    await harness.send("/mydata", user_id=SEEKER + 1)
    text = harness.rec.last().text
    assert "No carrier has looked at your case yet." in text
    assert people.seeker.case_number is not None and people.seeker.case_number not in text
    # The highest id, deleted, is not handed out again either.
    await delete_by_chat(harness, SEEKER + 1)
    again = await register_seeker(harness, SEEKER + 2)
    assert again.id > newcomer.id


async def test_refused_attempts_keep_the_id_of_users_only_until_they_delete(harness: Harness):
    stranger = 7_000_999
    await harness.send("/find ABC123", user_id=stranger)
    await harness.send("/start inv_" + "A" * 32, user_id=stranger)
    seeker = await register_seeker(harness, SEEKER)
    await harness.send("/find ABC123", user_id=SEEKER)
    assert await harness.rows("SELECT actor_telegram_id, action FROM audit_log") == [
        (None, "denied.case.find"),
        (None, "denied.staff.join"),
        (SEEKER, "denied.case.find"),
    ]
    assert await harness.rows("SELECT 1 FROM users WHERE telegram_id = ?", stranger) == []
    await delete_by_chat(harness, seeker.telegram_id)
    assert await harness.rows("SELECT actor_telegram_id FROM audit_log") == [(None,)] * 3


async def test_deleting_twice_or_without_an_account_changes_nothing(harness: Harness):
    await register_seeker(harness, SEEKER)
    await delete_by_chat(harness, SEEKER)
    await harness.press("dl:yes", user_id=SEEKER)  # the old button again
    assert "All your data has been deleted" not in harness.rec.last().text
    assert await harness.rows("SELECT count(*) FROM erased") == [(1,)]


async def test_the_database_overwrites_what_it_deletes(harness: Harness):
    assert await harness.rows("PRAGMA secure_delete") == [(1,)]


async def test_a_whole_seeker_life_leaves_no_trace_after_delete(harness: Harness):
    """Search, consent, a look by staff, listing interest, viewing, booking, workshop, a
    refused try; then /delete: nothing of it in the dump or the files, and a newcomer
    inherits nothing."""
    await make_team(harness)
    seeker = await household(harness, SEEKER, "uk")
    assert seeker.case_number is not None
    await harness.send(f"/find {seeker.case_number}", user_id=CASEWORKER)
    listing_id = await publish(harness)
    await harness.deliver()
    await harness.press(f"li:{listing_id}:yes", user_id=SEEKER, lang="uk")
    await harness.press(f"vn:{seeker.id}", user_id=CASEWORKER)
    await harness.send("28.11. 14:30\nGereonswall 99, Altstadt\nam Kiosk", user_id=CASEWORKER)
    slot = await add_slot(harness)
    await harness.press(f"bb:yes:{slot.id}:0", user_id=SEEKER, lang="uk")
    await harness.press("os:new:0", user_id=CASEWORKER)
    await harness.send(WORKSHOP_FORM.replace("Ehrenamtliche", "Haushalte"), user_id=CASEWORKER)
    await harness.press("os:announce:1", user_id=CASEWORKER)
    await harness.press("or:1", user_id=SEEKER, lang="uk")
    await harness.send("/audit", user_id=SEEKER)  # refused: logged with their id
    await harness.deliver()
    traces = (seeker.case_number, "Gereonswall 99", "am Kiosk", str(SEEKER))
    path = harness.app.bot_data.settings.database_path
    assert all(trace.encode() in _file_bytes(path) for trace in traces[:3])
    assert await _tables_naming(harness, seeker.id) != []

    await delete_by_chat(harness, SEEKER)
    dump = "\n".join([line async for line in harness.db.conn.iterdump()])
    assert [line for line in dump.splitlines() if any(t in line for t in traces)] == []
    assert [t for t in traces[:3] if t.encode() in _file_bytes(path)] == []
    assert await _tables_naming(harness, seeker.id) == []
    newcomer = await register_seeker(harness, SEEKER + 1)
    await harness.send("/mydata", user_id=SEEKER + 1)
    assert "No carrier has looked at your case yet." in harness.rec.last().text
    assert await consents.audit_for_subject(harness.db, newcomer.id) == []


async def _tables_naming(harness: Harness, user_id: int) -> list[str]:
    """Tables with a row whose users.id column holds `user_id`."""
    return sorted(
        {
            table
            for table, column in await _user_columns(harness)
            if await harness.rows(f"SELECT 1 FROM {table} WHERE {column} = ?", user_id)  # noqa: S608
        }
    )


def test_the_erasure_key_is_optional_but_never_weak():
    env = {"BOT_TOKEN": "4242:TEST"}
    assert Settings.from_env(env).erasure_key is None
    key = "k" * 32
    assert Settings.from_env({**env, "ERASURE_KEY": f" {key} "}).erasure_key == key.encode()
    with pytest.raises(SettingsError, match="ERASURE_KEY must be at least 32 characters"):
        Settings.from_env({**env, "ERASURE_KEY": "secret"})


async def test_without_a_key_deletion_works_and_records_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    db = await open_db(tmp_path / "db.sqlite3")
    try:
        async with db.transaction():
            await db.conn.execute(
                "INSERT INTO users (telegram_id, role, locale, consent_at, created_at,"
                " last_seen_at) VALUES (5, 'seeker', 'en', 'x', 'x', 'x')"
            )
        async with db.transaction():
            assert await erase_user(db, 1, FakeClock()(), None)
            assert not await erase_user(db, 1, FakeClock()(), None)  # gone already
        assert await db.conn.execute_fetchall("SELECT * FROM users") == []
        assert await db.conn.execute_fetchall("SELECT * FROM erased") == []
        assert await reapply_erasures(db, None, FakeClock()()) == 0
        assert "ERASURE_KEY is not set" in caplog.text
    finally:
        await db.close()
