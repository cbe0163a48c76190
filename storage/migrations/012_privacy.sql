-- Privacy that holds: ids of people and the numbers shown to them are never handed out twice,
-- the audit log keeps no pointer to a deleted person, and deletions survive restoring a backup.
-- Rules: storage/erasure.py. The runner runs migrations with foreign keys off (SQLite's 12-step
-- table rebuild) and checks them before COMMIT.

-- A plain INTEGER PRIMARY KEY reuses the highest deleted id; AUTOINCREMENT never does. Users,
-- bookings (the number people are told) and tickets (#12) are rebuilt with it.
CREATE TABLE users_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    telegram_id INTEGER NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('seeker', 'volunteer', 'staff')),
    locale TEXT NOT NULL,
    consent_at TEXT,      -- UTC; NULL only for staff, whose data is processed as employees
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    blocked_at TEXT,      -- set when Telegram says the user blocked the bot
    case_number TEXT      -- what a seeker tells their caseworker by phone; seekers only
);
INSERT INTO users_new (id, telegram_id, role, locale, consent_at, created_at, last_seen_at,
    blocked_at, case_number)
SELECT id, telegram_id, role, locale, consent_at, created_at, last_seen_at, blocked_at,
    case_number
FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE UNIQUE INDEX users_by_case_number ON users (case_number);

-- A user id deleted before this migration may be higher than every id left, and the audit
-- log may still name it: count on above both.
INSERT INTO sqlite_sequence (name, seq)
SELECT 'users', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users');
UPDATE sqlite_sequence SET seq = max(
    seq,
    coalesce((SELECT max(id) FROM users), 0),
    coalesce((SELECT max(subject_user_id) FROM audit_log), 0)
) WHERE name = 'users';

CREATE TABLE bookings_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slot_id INTEGER NOT NULL REFERENCES slots (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN (
        'booked', 'waiting', 'offered', 'cancelled', 'declined', 'expired', 'attended', 'no_show'
    )),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    offered_until TEXT,           -- while offered: the place is held for them until then (UTC)
    sequence INTEGER NOT NULL DEFAULT 0,  -- the .ics SEQUENCE: +1 on every change
    confirmed_at TEXT             -- "I'll come" from a reminder
);
INSERT INTO bookings_new (id, slot_id, user_id, status, created_at, updated_at, offered_until,
    sequence, confirmed_at)
SELECT id, slot_id, user_id, status, created_at, updated_at, offered_until, sequence,
    confirmed_at
FROM bookings;
DROP TABLE bookings;
ALTER TABLE bookings_new RENAME TO bookings;
CREATE UNIQUE INDEX bookings_one_active ON bookings (slot_id, user_id)
    WHERE status IN ('booked', 'waiting', 'offered');
CREATE INDEX bookings_by_slot ON bookings (slot_id, status);
CREATE INDEX bookings_by_user ON bookings (user_id, status);
CREATE INDEX bookings_offers ON bookings (offered_until) WHERE status = 'offered';

CREATE TABLE tickets_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    carrier_id INTEGER REFERENCES carriers (id),
    household TEXT,                    -- first name of the household it is about, if any
    question TEXT,                     -- NULL while the draft has none yet
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'taken', 'answered', 'solved')),
    taken_by INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- staff who answers it
    created_at TEXT NOT NULL,
    submitted_at TEXT,
    updated_at TEXT NOT NULL
);
INSERT INTO tickets_new (id, user_id, carrier_id, household, question, status, taken_by,
    created_at, submitted_at, updated_at)
SELECT id, user_id, carrier_id, household, question, status, taken_by, created_at,
    submitted_at, updated_at
FROM tickets;
DROP TABLE tickets;
ALTER TABLE tickets_new RENAME TO tickets;
CREATE INDEX tickets_by_status ON tickets (status, carrier_id, submitted_at);
CREATE UNIQUE INDEX tickets_one_draft ON tickets (user_id) WHERE status = 'draft';

-- The audit log keeps who (staff) did what, when, for which carrier. Its subject is nulled
-- when the person is deleted; the actor is NULL for people without an account (refused
-- attempts of strangers) and for deleted households. Old entries are cleaned alike: a subject
-- id that is gone, or that was handed to a newer user, is nulled; so is a stranger's id; a
-- case number nobody has any more (case=K7M2QX in the detail) becomes case=deleted.
CREATE TABLE audit_log_new (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_telegram_id INTEGER,   -- staff, admins and registered users only
    carrier_id INTEGER REFERENCES carriers (id),
    action TEXT NOT NULL,        -- e.g. 'staff.add', 'case.view', 'denied.case.view'
    subject_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- the case, if any
    detail TEXT                  -- ids and codes only
);
INSERT INTO audit_log_new (id, at, actor_telegram_id, carrier_id, action, subject_user_id,
    detail)
SELECT a.id, a.at,
    CASE WHEN a.action NOT LIKE 'denied.%'
        OR EXISTS (SELECT 1 FROM users u WHERE u.telegram_id = a.actor_telegram_id)
        THEN a.actor_telegram_id END,
    a.carrier_id, a.action,
    CASE WHEN EXISTS (
        SELECT 1 FROM users u WHERE u.id = a.subject_user_id AND u.created_at <= a.at
    ) THEN a.subject_user_id END,
    CASE WHEN a.detail LIKE 'case=%' AND NOT EXISTS (
        SELECT 1 FROM users u WHERE u.case_number = substr(a.detail, 6, 6)
    ) THEN 'case=deleted' || substr(a.detail, 12) ELSE a.detail END
FROM audit_log a;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_by_subject ON audit_log (subject_user_id, at);
CREATE INDEX audit_by_carrier ON audit_log (carrier_id, at);
CREATE INDEX audit_by_actor ON audit_log (actor_telegram_id);

-- Deleted accounts, only as keyed one-way hashes of their Telegram id (HMAC-SHA256 under
-- ERASURE_KEY), so that restoring a backup made before a deletion deletes that person again
-- at the next start. Accounts created after erased_at are someone starting anew: kept.
CREATE TABLE erased (
    digest TEXT PRIMARY KEY,
    erased_at TEXT NOT NULL
);
