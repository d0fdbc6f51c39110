-- Finer versions for the visitors' page cache: a reply moves its thread's, board's and city's
-- version and the site's activity version, not the content version of the whole site.
ALTER TABLE site_state ADD COLUMN activity_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE threads ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE boards ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cities ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
