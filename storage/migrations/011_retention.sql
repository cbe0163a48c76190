-- Retention (storage/retention.py, run daily): a search nobody used for months is kept only
-- if its household says it still looks. Set when the question was queued; the household's
-- answer "yes" clears it, no answer within the answer period deletes the household's data.
ALTER TABLE searches ADD COLUMN still_looking_asked_at TEXT;
CREATE INDEX searches_still_looking ON searches (still_looking_asked_at)
    WHERE still_looking_asked_at IS NOT NULL;
