-- Matching a flat starts from the searches that name its district (storage.searches
-- match_candidates); announcements to one district start there too.
CREATE INDEX search_places_by_name ON search_places (kind, name, search_id);
