"""Everything stored about one person, as it is stored: /mydata and its JSON file (GDPR Art.
15 and 20) are made from this one export, so the readable text and the file say the same.

Keys are English and machine-readable; values are the stored ones (UTC ISO-8601 times, cents,
codes). JSON lists kept in a column are given as lists. Other people's identities (the staff
member who acted) are left out: they are not the subject's data.
"""

from __future__ import annotations

import json
from typing import Any

from storage.db import Db

Record = dict[str, Any]
Export = dict[str, list[Record]]

# Section → the query of the person's rows, with the person's users.id as every parameter.
# The order is the order of /mydata.
_SECTIONS: dict[str, str] = {
    "account": "SELECT id, telegram_id, role, locale, consent_at, created_at, last_seen_at,"
    " blocked_at, case_number FROM users WHERE id = :user",
    "staff_membership": "SELECT c.name AS carrier, s.role, s.added_at FROM staff_members s"
    " JOIN carriers c ON c.id = s.carrier_id WHERE s.user_id = :user",
    "search": "SELECT id, status, adults, children, anywhere, max_rent_cents, wbs, move_in,"
    " step_free, carrier, created_at, updated_at, confirmed_at, still_looking_asked_at"
    " FROM searches WHERE user_id = :user",
    "search_places": "SELECT p.kind, p.name FROM search_places p"
    " JOIN searches s ON s.id = p.search_id WHERE s.user_id = :user ORDER BY p.kind, p.name",
    "search_documents": "SELECT d.document, d.held FROM search_documents d"
    " JOIN searches s ON s.id = d.search_id WHERE s.user_id = :user ORDER BY d.document",
    "carrier_consents": "SELECT c.name AS carrier, k.granted_at FROM carrier_consents k"
    " JOIN carriers c ON c.id = k.carrier_id WHERE k.user_id = :user ORDER BY k.granted_at",
    "consent_requests": "SELECT c.name AS carrier, r.requested_at, r.answer, r.answered_at"
    " FROM consent_requests r JOIN carriers c ON c.id = r.carrier_id WHERE r.user_id = :user"
    " ORDER BY r.requested_at",
    "case": "SELECT c.name AS carrier, k.status, k.resume_status, k.opened_at, k.status_since"
    " FROM cases k JOIN carriers c ON c.id = k.carrier_id WHERE k.user_id = :user",
    "case_events": "SELECT e.at, c.name AS carrier, e.from_status, e.to_status"
    " FROM case_events e JOIN carriers c ON c.id = e.carrier_id WHERE e.user_id = :user"
    " ORDER BY e.at, e.id",
    "staff_accesses": "SELECT a.at, c.name AS carrier, a.action FROM audit_log a"
    " LEFT JOIN carriers c ON c.id = a.carrier_id WHERE a.subject_user_id = :user"
    " ORDER BY a.at, a.id",
    "own_audit_entries": "SELECT a.at, a.action FROM audit_log a JOIN users u"
    " ON u.telegram_id = a.actor_telegram_id WHERE u.id = :user ORDER BY a.at, a.id",
    "bookings": "SELECT b.id, s.kind, c.name AS carrier, s.starts_at, s.ends_at, s.address,"
    " b.status, b.created_at, b.confirmed_at FROM bookings b JOIN slots s ON s.id = b.slot_id"
    " JOIN carriers c ON c.id = s.carrier_id WHERE b.user_id = :user ORDER BY s.starts_at",
    "viewings": "SELECT v.id, c.name AS carrier, v.address, v.meeting_point, v.starts_at,"
    " v.status, v.answer, v.outcome, v.created_at FROM viewings v"
    " JOIN carriers c ON c.id = v.carrier_id WHERE v.user_id = :user ORDER BY v.starts_at",
    "listing_answers": "SELECT r.listing_id, l.quarter, l.rent_cents, r.answer, r.answered_at,"
    " r.proposed_at FROM listing_recipients r JOIN listings l ON l.id = r.listing_id"
    " WHERE r.user_id = :user ORDER BY r.listing_id",
    "workshop_places": "SELECT w.title, w.starts_at, w.place, s.seat, s.first_name, s.queued_at"
    " FROM workshop_seats s JOIN workshops w ON w.id = s.workshop_id WHERE s.user_id = :user"
    " ORDER BY w.starts_at",
    "volunteer_profile": "SELECT first_name, districts, languages, topics, updated_at"
    " FROM volunteer_profiles WHERE user_id = :user",
    "accompaniment_offer": "SELECT first_name, districts, languages, kinds, active, updated_at"
    " FROM accompaniment_offers WHERE user_id = :user",
    "accompaniment_requests": "SELECT r.kind, r.starts_at, r.place, r.meeting_point,"
    " r.district, r.language, r.status, r.created_at,"
    " r.volunteer_id = :user AS accompanied_by_you, r.user_id = :user AS for_you"
    " FROM accompaniment_requests r WHERE r.user_id = :user"
    " OR r.volunteer_id = :user OR r.id IN (SELECT request_id FROM accompaniment_asked"
    " WHERE volunteer_id = :user) ORDER BY r.starts_at",
    "questions": "SELECT t.id, c.name AS carrier, t.household, t.question, t.status,"
    " t.created_at, t.submitted_at FROM tickets t LEFT JOIN carriers c ON c.id = t.carrier_id"
    " WHERE t.user_id = :user ORDER BY t.created_at",
    "question_messages": "SELECT m.ticket_id, m.author, m.body, m.sent_at FROM ticket_messages m"
    " JOIN tickets t ON t.id = m.ticket_id WHERE t.user_id = :user ORDER BY m.id",
    "notifications_off": "SELECT topic FROM topic_optouts WHERE user_id = :user ORDER BY topic",
    "messages_queued": "SELECT kind, topic, due_at, state, created_at FROM outbox"
    " WHERE user_id = :user ORDER BY due_at",
    "unfinished_forms": "SELECT kind, asked_at FROM typed_prompts WHERE user_id = :user"
    " UNION ALL SELECT purpose, asked_at FROM staff_questions WHERE user_id = :user"
    " UNION ALL SELECT 'slot:' || kind, asking_since FROM slot_drafts WHERE user_id = :user",
}
_JSON_COLUMNS = frozenset({"districts", "languages", "topics", "kinds"})

# Every column that points at a person (a foreign key to users, a users.id or Telegram id by
# name, who did something (`*_by`), a household's name), and the section that exports it.
# The privacy test checks the schema against this: a new personal column that is neither
# exported nor listed in STAFF_WORK fails it.
EXPORTED_COLUMNS: dict[tuple[str, str], str] = {
    ("users", "telegram_id"): "account",
    ("audit_log", "subject_user_id"): "staff_accesses",
    ("audit_log", "actor_telegram_id"): "own_audit_entries",
    ("staff_members", "user_id"): "staff_membership",
    ("searches", "user_id"): "search",
    ("carrier_consents", "user_id"): "carrier_consents",
    ("consent_requests", "user_id"): "consent_requests",
    ("cases", "user_id"): "case",
    ("case_events", "user_id"): "case_events",
    ("bookings", "user_id"): "bookings",
    ("viewings", "user_id"): "viewings",
    ("listing_recipients", "user_id"): "listing_answers",
    ("workshop_seats", "user_id"): "workshop_places",
    ("volunteer_profiles", "user_id"): "volunteer_profile",
    ("accompaniment_offers", "user_id"): "accompaniment_offer",
    ("accompaniment_requests", "user_id"): "accompaniment_requests",
    ("accompaniment_requests", "volunteer_id"): "accompaniment_requests",
    ("accompaniment_asked", "volunteer_id"): "accompaniment_requests",
    ("tickets", "user_id"): "questions",
    ("tickets", "household"): "questions",
    ("topic_optouts", "user_id"): "notifications_off",
    ("outbox", "user_id"): "messages_queued",
    ("typed_prompts", "user_id"): "unfinished_forms",
    ("staff_questions", "user_id"): "unfinished_forms",
    ("slot_drafts", "user_id"): "unfinished_forms",
}
# Columns naming the staff member who did a carrier's work (who wrote a listing, held a slot,
# asked for a companion, took a question): the carrier's records, not the subject's data.
# staff_questions.case_user_id names a household only while staff type about its case.
STAFF_WORK: frozenset[tuple[str, str]] = frozenset(
    {
        ("listings", "created_by"),
        ("slots", "created_by"),
        ("workshops", "created_by"),
        ("broadcasts", "started_by"),
        ("announcements", "created_by"),
        ("tickets", "taken_by"),
        ("viewings", "scheduled_by"),
        ("accompaniment_requests", "requested_by"),
        ("staff_questions", "case_user_id"),
        ("staff_members", "added_by"),
        ("staff_invites", "created_by"),
        ("staff_invites", "used_by"),
        ("consent_requests", "requested_by"),
        ("case_events", "actor_telegram_id"),
    }
)


def _record(row: Any) -> Record:
    return {
        key: json.loads(row[key]) if key in _JSON_COLUMNS and row[key] else row[key]
        for key in row.keys()  # aiosqlite.Row iterates its values, not its keys
    }


async def export_person(db: Db, user_id: int) -> Export:
    """Every section, empty ones included, so the file shows what could be stored too."""
    export: Export = {}
    for section, sql in _SECTIONS.items():
        rows = await db.conn.execute_fetchall(sql, {"user": user_id})
        export[section] = [_record(row) for row in rows]
    return export


def to_json(export: Export) -> bytes:
    return json.dumps(export, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")
