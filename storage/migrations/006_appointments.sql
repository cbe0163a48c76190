-- Consultation slots (Sprechstunden, Beratungsgespräche), their bookings and waitlists, and
-- the staff's draft of a new or changed slot. Rules: domain/appointments.py; functions:
-- storage/slots.py and storage/bookings.py.

-- A Sprechstunde: a time window at a place with N places. A Beratung: one conversation of a
-- caseworker with one person (capacity 1). Times in UTC; weekly series are single rows.
CREATE TABLE slots (
    id INTEGER PRIMARY KEY,
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    kind TEXT NOT NULL CHECK (kind IN ('sprechstunde', 'beratung')),
    audience TEXT NOT NULL CHECK (audience IN ('seekers', 'volunteers', 'both')),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    address TEXT NOT NULL,
    languages TEXT NOT NULL DEFAULT '',  -- interpreter languages, space-separated codes
    sequence INTEGER NOT NULL DEFAULT 0,  -- +1 on every change by staff
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- staff: who holds it
    created_at TEXT NOT NULL,
    cancelled_at TEXT
);
-- The same staff member creating the same slot twice (a repeated line, a double tap) adds
-- nothing; two caseworkers may hold Beratung at the same time and place.
CREATE UNIQUE INDEX slots_once ON slots (carrier_id, kind, starts_at, address, created_by)
    WHERE cancelled_at IS NULL;
CREATE INDEX slots_by_time ON slots (starts_at) WHERE cancelled_at IS NULL;
CREATE INDEX slots_by_carrier ON slots (carrier_id, starts_at);

-- One row per person and slot they booked or wait for. created_at orders the waitlist.
CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
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
-- At most one active booking per person and slot.
CREATE UNIQUE INDEX bookings_one_active ON bookings (slot_id, user_id)
    WHERE status IN ('booked', 'waiting', 'offered');
CREATE INDEX bookings_by_slot ON bookings (slot_id, status);
CREATE INDEX bookings_by_user ON bookings (user_id, status);
CREATE INDEX bookings_offers ON bookings (offered_until) WHERE status = 'offered';

-- What a staff member is writing: the typed line once read, then the choices on buttons.
-- One per staff member; deleted when the slots are saved or the draft is cancelled.
CREATE TABLE slot_drafts (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    kind TEXT NOT NULL CHECK (kind IN ('sprechstunde', 'beratung')),
    slot_id INTEGER REFERENCES slots (id) ON DELETE CASCADE,  -- set when changing a slot
    day TEXT,                     -- local date and wall-clock times (Europe/Berlin), ISO
    start_time TEXT,
    end_time TEXT,
    number INTEGER,               -- places (Sprechstunde) or minutes per conversation (Beratung)
    address TEXT,
    audience TEXT NOT NULL DEFAULT 'both'
        CHECK (audience IN ('seekers', 'volunteers', 'both')),
    weeks INTEGER NOT NULL DEFAULT 1 CHECK (weeks >= 1),
    languages TEXT NOT NULL DEFAULT '',
    asking_since TEXT             -- set while the bot waits for the typed line
);
