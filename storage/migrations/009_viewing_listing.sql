-- A viewing scheduled from a listing's shortlist remembers the listing while staff type the
-- time; the flat's address is then used unless staff type another one.
ALTER TABLE staff_questions ADD COLUMN listing_id INTEGER REFERENCES listings (id) ON DELETE CASCADE;
