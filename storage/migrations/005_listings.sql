-- Flats offered through a carrier, the households they went to, and announcements.

-- A listing is typed by one staff member as a draft (every item NULL until given), then
-- published to matching households, then let or withdrawn. Amounts in cents.
CREATE TABLE listings (
    id INTEGER PRIMARY KEY,
    carrier_id INTEGER NOT NULL REFERENCES carriers (id),
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- the staff member
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'let', 'withdrawn')),
    quarter TEXT,                 -- German name from storage/data/quarters.csv
    street TEXT,
    house_number TEXT,            -- shown to households only once address_released = 1
    address_released INTEGER NOT NULL DEFAULT 0 CHECK (address_released IN (0, 1)),
    rooms TEXT,                   -- decimal; half rooms count: '2.5'
    area_m2 TEXT,                 -- decimal
    rent_cents INTEGER CHECK (rent_cents > 0),  -- gross cold rent (Bruttokaltmiete) a month
    heating_cents INTEGER CHECK (heating_cents >= 0),
    deposit_cents INTEGER CHECK (deposit_cents >= 0),
    available_from TEXT,          -- ISO date
    wbs_required INTEGER CHECK (wbs_required IN (0, 1)),
    step_free INTEGER CHECK (step_free IN (0, 1)),
    landlord_contact TEXT,        -- never shown to households
    note TEXT NOT NULL DEFAULT '',  -- German free text
    asking_since TEXT,            -- UTC; the draft waits for typed lines since then
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT,
    closed_at TEXT
);
CREATE INDEX listings_by_carrier ON listings (carrier_id, status);
-- Each staff member types one listing at a time.
CREATE UNIQUE INDEX listings_one_draft ON listings (created_by) WHERE status = 'draft';

-- Only Telegram's file ids: the pictures themselves stay at Telegram.
CREATE TABLE listing_photos (
    listing_id INTEGER NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    file_id TEXT NOT NULL,
    PRIMARY KEY (listing_id, position)
);

-- The households a published listing was sent to: their buttons are valid only for them.
CREATE TABLE listing_recipients (
    listing_id INTEGER NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    answer TEXT CHECK (answer IN ('interested', 'declined')),
    answered_at TEXT,             -- the shortlist is ordered by it
    proposed_at TEXT,             -- staff proposed the household to the landlord
    PRIMARY KEY (listing_id, user_id)
);
CREATE INDEX listing_recipients_by_user ON listing_recipients (user_id, answer);

-- A message from staff to many people, kept until sent so a restart loses no draft.
CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    created_by INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    step TEXT NOT NULL,           -- the question shown: 'text', 'audience', … 'confirm'
    body TEXT NOT NULL DEFAULT '',
    audience TEXT CHECK (audience IN ('seekers', 'volunteers', 'both')),
    district TEXT,                -- only seekers whose search includes it; NULL: anywhere
    locale TEXT,                  -- only people who read this language; NULL: everyone
    asking_since TEXT,            -- UTC; waits for the typed text since then
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE UNIQUE INDEX announcements_one_draft ON announcements (created_by)
    WHERE sent_at IS NULL;
