ALTER TABLE users DROP COLUMN invite_id;
DROP TABLE invites;
DROP TABLE applications;
DROP TABLE reports;
DROP TABLE site_config;
