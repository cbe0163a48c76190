-- People, roles and the carriers staff belong to.
-- users.id is ours; telegram_id is one way in (the core stays channel-agnostic).
CREATE TABLE carriers (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    contact TEXT  -- office hours and phone for the route without the bot, set by an admin
);

INSERT INTO carriers (code, name) VALUES
    ('caritas', 'Caritas'),
    ('drk', 'DRK'),
    ('kfr', 'Kölner Flüchtlingsrat');

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    telegram_id INTEGER NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('seeker', 'volunteer', 'staff')),
    locale TEXT NOT NULL,
    consent_at TEXT,      -- UTC; NULL only for staff, whose data is processed as employees
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    blocked_at TEXT       -- set when Telegram says the user blocked the bot
);

CREATE TABLE staff_members (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    added_by INTEGER NOT NULL,  -- telegram id of the admin who granted it
    added_at TEXT NOT NULL
);

-- A seeker's data is visible to a carrier only while this row exists; withdrawing deletes it.
CREATE TABLE carrier_consents (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    granted_at TEXT NOT NULL,
    PRIMARY KEY (user_id, carrier_id)
);

-- Every staff read or write of a case. Kept when the subject deletes their data, so the
-- subject is a bare id without a foreign key; no names, no message text.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_telegram_id INTEGER NOT NULL,
    carrier_id INTEGER REFERENCES carriers (id),
    action TEXT NOT NULL,        -- e.g. 'staff.add', 'case.view', 'shortlist.view'
    subject_user_id INTEGER,     -- users.id of the case, if any
    detail TEXT                  -- ids and codes only
);
CREATE INDEX audit_by_subject ON audit_log (subject_user_id, at);
CREATE INDEX audit_by_carrier ON audit_log (carrier_id, at);
