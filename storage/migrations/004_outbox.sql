-- The outbox: every reminder and broadcast is one row per recipient before anything is sent.
-- Rendered at send time from kind + params, so text follows the recipient's current language.
-- Rules and states: domain/outbox.py; functions: storage/outbox.py; sender: bot/delivery.py.

-- A message to many people, started by staff, who see its progress in one status message.
CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,   -- e.g. 'listing:17': starting it twice is a no-op
    topic TEXT NOT NULL,
    started_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    due_at TEXT NOT NULL,              -- UTC; progress is shown from then on
    status_message_id INTEGER,         -- the progress message in the starter's chat, once sent
    finished_at TEXT                   -- set when the final summary went out
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                -- renderer name, e.g. 'appointment_reminder'
    params TEXT NOT NULL,              -- JSON for the renderer: ids and values, never text
    topic TEXT NOT NULL CHECK (
        topic IN ('appointments', 'viewings', 'listings', 'workshops', 'announcements')
    ),
    priority INTEGER NOT NULL,         -- 0 reminders (first, also in quiet hours), 1 notices
    due_at TEXT NOT NULL,              -- UTC ISO-8601
    state TEXT NOT NULL DEFAULT 'pending' CHECK (
        state IN ('pending', 'sending', 'sent', 'unreachable', 'skipped', 'failed', 'cancelled')
    ),
    attempts INTEGER NOT NULL DEFAULT 0,  -- failed or interrupted tries
    error TEXT,                        -- the last error, or why the row was settled unsent
    dedupe_key TEXT NOT NULL UNIQUE,   -- e.g. 'booking:42:24h': scheduling twice is a no-op
    ref TEXT,                          -- what it is about, e.g. 'booking:42', to cancel by
    broadcast_id INTEGER REFERENCES broadcasts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    claimed_at TEXT,                   -- set while state = 'sending'
    finished_at TEXT                   -- set with a final state
);
CREATE INDEX outbox_due ON outbox (priority, due_at, id) WHERE state = 'pending';
CREATE INDEX outbox_ref ON outbox (ref) WHERE ref IS NOT NULL;
CREATE INDEX outbox_broadcast ON outbox (broadcast_id, state) WHERE broadcast_id IS NOT NULL;
CREATE INDEX outbox_user ON outbox (user_id);
CREATE INDEX outbox_finished ON outbox (finished_at) WHERE finished_at IS NOT NULL;

-- Topics a user turned off; every topic is on unless a row here says otherwise.
CREATE TABLE topic_optouts (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    PRIMARY KEY (user_id, topic)
);
