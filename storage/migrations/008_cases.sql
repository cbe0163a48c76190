-- The move-out case: its status and history, viewings, aftercare, accompaniment by volunteers.
-- Rules: domain/case_status.py, domain/viewings.py, domain/accompaniment.py.

-- One case per household, opened when it first shares its data with a carrier; the carrier
-- that follows it moves it. If that carrier loses the consent, the next carrier the
-- household shares with takes the case over.
CREATE TABLE cases (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    status TEXT NOT NULL CHECK (status IN ('searching', 'viewing', 'offer', 'approved',
        'signed', 'moved', 'aftercare', 'closed', 'paused', 'withdrawn')),
    resume_status TEXT,   -- while paused: the status to go back to
    opened_at TEXT NOT NULL,
    status_since TEXT NOT NULL
);
CREATE INDEX cases_by_carrier ON cases (carrier_id, status);

-- Every change of a case: who (a staff member's Telegram id, NULL for the bot) and when.
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    at TEXT NOT NULL,
    from_status TEXT,     -- NULL when the case was opened or taken over by a carrier
    to_status TEXT NOT NULL,
    actor_telegram_id INTEGER
);
CREATE INDEX case_events_by_carrier ON case_events (carrier_id, to_status, at);

-- Households who shared their data before cases existed: with the carrier they chose first.
INSERT INTO cases (user_id, carrier_id, status, opened_at, status_since)
SELECT c.user_id, c.carrier_id, 'searching', c.granted_at, c.granted_at
FROM carrier_consents c JOIN users u ON u.id = c.user_id AND u.role = 'seeker'
WHERE c.carrier_id = (
    SELECT f.carrier_id FROM carrier_consents f WHERE f.user_id = c.user_id
    ORDER BY f.granted_at, f.carrier_id LIMIT 1
);
INSERT INTO case_events (user_id, carrier_id, at, to_status)
SELECT user_id, carrier_id, opened_at, status FROM cases;

-- A viewing of a flat at a free address (or of a listing; the lead links listing_id to the
-- listings at merge). Not personal data of the household beyond who is invited.
CREATE TABLE viewings (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,  -- the household
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    scheduled_by INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- told of "I can't come"
    listing_id INTEGER,
    address TEXT NOT NULL,
    meeting_point TEXT,   -- NULL: meet at the address
    starts_at TEXT NOT NULL,
    sequence INTEGER NOT NULL DEFAULT 0,  -- iCalendar SEQUENCE, raised with each change
    status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    answer TEXT CHECK (answer IN ('coming', 'not_coming')),
    outcome TEXT CHECK (outcome IN ('offer', 'no_offer', 'declined', 'no_show')),
    created_at TEXT NOT NULL
);
-- Scheduling the same viewing twice (a double tap, the same text sent again) adds nothing.
CREATE UNIQUE INDEX viewings_once ON viewings (user_id, starts_at) WHERE status = 'scheduled';
CREATE INDEX viewings_by_carrier ON viewings (carrier_id, starts_at);

-- A question a staff member was asked and answers by typing (a viewing's time and place),
-- so the answer still lands after a restart. One open question per staff member.
CREATE TABLE staff_questions (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('viewing', 'reschedule', 'companion')),
    case_user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    viewing_id INTEGER REFERENCES viewings (id) ON DELETE CASCADE,  -- for 'reschedule'
    kind TEXT,            -- for 'companion': the kind of accompaniment
    asked_at TEXT NOT NULL
);

-- When a volunteer can accompany households. Kept apart from any volunteer profile: it
-- holds only what matching needs, and the first name the household is told.
CREATE TABLE accompaniment_offers (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    districts TEXT NOT NULL DEFAULT '[]',  -- JSON list of German district names
    languages TEXT NOT NULL DEFAULT '[]',  -- JSON list of locale codes
    kinds TEXT NOT NULL DEFAULT '[]',      -- JSON list: viewing, jobcenter, sozialamt, buergeramt
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at TEXT NOT NULL
);

CREATE TABLE accompaniment_requests (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,  -- the household
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    requested_by INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- staff; NULL: household
    viewing_id INTEGER REFERENCES viewings (id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('viewing', 'jobcenter', 'sozialamt', 'buergeramt')),
    starts_at TEXT NOT NULL,
    place TEXT NOT NULL,
    meeting_point TEXT,
    district TEXT,        -- NULL: unknown, every district fits
    language TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'taken', 'cancelled')),
    volunteer_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,  -- staff are told (an outbox row due then) if nobody accepted
    taken_at TEXT
);
-- Asking twice for the same appointment adds nothing.
CREATE UNIQUE INDEX accompaniment_once ON accompaniment_requests (user_id, kind, starts_at)
    WHERE status IN ('open', 'taken');

-- Who was asked: only they may accept, and they are told when it is taken.
CREATE TABLE accompaniment_asked (
    request_id INTEGER NOT NULL REFERENCES accompaniment_requests (id) ON DELETE CASCADE,
    volunteer_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (request_id, volunteer_id)
);
