ALTER TABLE threads DROP COLUMN slow_mode_minutes;
ALTER TABLE threads DROP COLUMN pinned_until;
