-- Every update from Telegram is written here before Telegram is told it arrived (see
-- bot/journal.py). The body is the user's message: it is deleted once the update was handled;
-- update_id and handled_at stay a day so that a repeated update is recognised, then go too.
CREATE TABLE update_journal (
    update_id INTEGER PRIMARY KEY,
    body TEXT,
    handled_at TEXT,
    CHECK ((body IS NULL) = (handled_at IS NOT NULL))
);
CREATE INDEX update_journal_handled ON update_journal (handled_at);
