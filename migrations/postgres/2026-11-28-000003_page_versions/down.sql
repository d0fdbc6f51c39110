ALTER TABLE cities DROP COLUMN version;
ALTER TABLE boards DROP COLUMN version;
ALTER TABLE threads DROP COLUMN version;
ALTER TABLE site_state DROP COLUMN activity_version;
