-- Workshops with registrations and a waitlist, volunteer profiles, questions to caseworkers,
-- and the typed answers these flows wait for. Rules: domain/workshops.py, domain/advice.py,
-- domain/profiles.py; reminders and notices go through the outbox (004).

CREATE TABLE workshops (
    id INTEGER PRIMARY KEY,
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    title TEXT NOT NULL,               -- German, as staff typed it
    description TEXT NOT NULL,         -- German
    translations TEXT NOT NULL DEFAULT '{}',  -- JSON {locale: {title, description}}, short
    topic TEXT NOT NULL,
    starts_at TEXT NOT NULL,           -- UTC
    ends_at TEXT NOT NULL,             -- UTC
    place TEXT NOT NULL,               -- an address, or an https:// link for online workshops
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    audience TEXT NOT NULL CHECK (audience IN ('volunteers', 'seekers', 'both')),
    language TEXT NOT NULL,            -- the language it is held in
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled')),
    sequence INTEGER NOT NULL DEFAULT 0,  -- the .ics SEQUENCE: raised on every change
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    announced_at TEXT                  -- NULL: a draft only its carrier's staff see
);
CREATE INDEX workshops_by_start ON workshops (starts_at);

-- Who holds a place or waits for one. The first name is all staff see (participant list);
-- a person leaving deletes their row, a cancelled workshop all of its rows.
CREATE TABLE workshop_seats (
    workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seat TEXT NOT NULL CHECK (seat IN ('registered', 'waitlisted')),
    first_name TEXT NOT NULL,
    queued_at TEXT NOT NULL,           -- the waitlist's order
    PRIMARY KEY (workshop_id, user_id)
);
CREATE INDEX workshop_seats_queue ON workshop_seats (workshop_id, seat, queued_at, user_id);

-- What a volunteer tells about themselves with /profile; only after consent at /start.
CREATE TABLE volunteer_profiles (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    first_name TEXT,
    districts TEXT NOT NULL DEFAULT '[]',  -- JSON list of German district names
    languages TEXT NOT NULL DEFAULT '[]',  -- JSON list of language codes
    topics TEXT NOT NULL DEFAULT '[]',     -- JSON list of workshop topics
    updated_at TEXT NOT NULL
);

-- A volunteer's question to the caseworkers of a carrier, or of every carrier (NULL).
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
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
CREATE INDEX tickets_by_status ON tickets (status, carrier_id, submitted_at);
CREATE UNIQUE INDEX tickets_one_draft ON tickets (user_id) WHERE status = 'draft';

-- Answers and replies after the question.
CREATE TABLE ticket_messages (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author TEXT NOT NULL CHECK (author IN ('volunteer', 'staff')),
    body TEXT NOT NULL,                -- empty for a bare suggestion to book
    booking INTEGER NOT NULL DEFAULT 0 CHECK (booking IN (0, 1)),  -- suggests a Beratung
    sent_at TEXT NOT NULL
);
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, id);

-- The question of ours that waits for this user's typed text (a form, an answer, a name).
-- One per user: asking another replaces it, as the user answers what was asked last.
CREATE TABLE typed_prompts (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_id INTEGER,                 -- the workshop or ticket it is about
    asked_at TEXT NOT NULL
);
