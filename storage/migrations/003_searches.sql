-- Housing searches and the reasonable-rent limits (KdU) they are checked against.

-- One search per household contact person. Every answer is NULL until given, so a draft
-- shows which questions are still open; step/asking keep the chat across restarts.
CREATE TABLE searches (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'withdrawn')),
    adults INTEGER CHECK (adults >= 1),
    children INTEGER CHECK (children >= 0),
    anywhere INTEGER CHECK (anywhere IN (0, 1)),  -- 0: the places in search_places
    max_rent_cents INTEGER CHECK (max_rent_cents > 0),  -- gross cold rent per month
    wbs TEXT CHECK (wbs IN ('has', 'applied', 'no')),
    move_in TEXT,           -- ISO date, the earliest move-in
    step_free INTEGER CHECK (step_free IN (0, 1)),
    carrier TEXT,           -- carriers.code, or 'unknown'
    step TEXT NOT NULL,     -- the question shown, or 'summary'
    asking INTEGER NOT NULL DEFAULT 0 CHECK (asking IN (0, 1)),  -- typed text answers it
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    confirmed_at TEXT
);
CREATE INDEX searches_by_carrier ON searches (carrier, status);

-- German names from storage/data/quarters.csv: a whole district, or a quarter narrowing it.
CREATE TABLE search_places (
    search_id INTEGER NOT NULL REFERENCES searches (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('district', 'quarter')),
    name TEXT NOT NULL,
    PRIMARY KEY (search_id, kind, name)
);

-- Yes/no per document of the checklist; never the document itself.
CREATE TABLE search_documents (
    search_id INTEGER NOT NULL REFERENCES searches (id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    held INTEGER NOT NULL CHECK (held IN (0, 1)),
    PRIMARY KEY (search_id, document)
);

-- A table of limits applies from valid_from until the next one; staff add new ones.
CREATE TABLE rent_limit_tables (
    valid_from TEXT PRIMARY KEY,  -- ISO date
    extra_area_m2 INTEGER NOT NULL,  -- for each person beyond the last row
    extra_rent_cents INTEGER NOT NULL
);

CREATE TABLE rent_limits (
    valid_from TEXT NOT NULL REFERENCES rent_limit_tables (valid_from) ON DELETE CASCADE,
    persons INTEGER NOT NULL CHECK (persons >= 1),
    area_m2 INTEGER NOT NULL,
    rent_cents INTEGER NOT NULL,
    PRIMARY KEY (valid_from, persons)
);

-- Köln, Bruttokaltmiete, valid from 2022-01-01.
INSERT INTO rent_limit_tables (valid_from, extra_area_m2, extra_rent_cents)
VALUES ('2022-01-01', 15, 15800);

INSERT INTO rent_limits (valid_from, persons, area_m2, rent_cents) VALUES
    ('2022-01-01', 1, 50, 65100),
    ('2022-01-01', 2, 65, 78800),
    ('2022-01-01', 3, 80, 93900),
    ('2022-01-01', 4, 95, 109500),
    ('2022-01-01', 5, 110, 125100);
