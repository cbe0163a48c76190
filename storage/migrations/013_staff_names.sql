-- The first name Telegram gives a staff member, for the team list; it goes with the staff
-- membership. Nobody else's name is kept.
ALTER TABLE staff_members ADD COLUMN first_name TEXT;
-- 1: the saved language is a stand-in (an admin added the person with /addstaff before they
-- ever wrote); their Telegram language replaces it when they first write or press a button.
ALTER TABLE users ADD COLUMN locale_unconfirmed INTEGER NOT NULL DEFAULT 0;
