-- Staff roles, single-use invitations, short case numbers and consent requests.

-- A coordinator administers the staff of their carrier and reads its audit log.
ALTER TABLE staff_members ADD COLUMN role TEXT NOT NULL DEFAULT 'caseworker'
    CHECK (role IN ('caseworker', 'coordinator'));

-- What a seeker tells their caseworker by phone; no names in the chat. Seekers only.
ALTER TABLE users ADD COLUMN case_number TEXT;
CREATE UNIQUE INDEX users_by_case_number ON users (case_number);

-- Only the SHA-256 of the token is stored; the link itself is shown once to its creator.
CREATE TABLE staff_invites (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    role TEXT NOT NULL CHECK (role IN ('caseworker', 'coordinator')),
    created_by INTEGER NOT NULL,  -- telegram id of the admin or coordinator
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by INTEGER               -- telegram id of the person who joined with it
);

-- A carrier asked a seeker, through the bot, to see their case. One row per seeker and
-- carrier: asking again replaces it, so the seeker is asked at most once per interval.
CREATE TABLE consent_requests (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    requested_by INTEGER NOT NULL,  -- telegram id of the staff member who asked
    requested_at TEXT NOT NULL,
    answer TEXT CHECK (answer IN ('granted', 'declined')),
    answered_at TEXT,
    UNIQUE (user_id, carrier_id)
);
