-- Governance: the settings administrators change from the site (they override the
-- configuration file's defaults), reports on posts, registration applications awaiting
-- approval, and invitation links.
CREATE TABLE site_config (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    resolution TEXT
);
-- One open report per member and post.
CREATE UNIQUE INDEX reports_open_once ON reports (post_id, reporter_id) WHERE resolved_at IS NULL;
CREATE INDEX reports_open ON reports (post_id) WHERE resolved_at IS NULL;
CREATE INDEX reports_reporter ON reports (reporter_id);

CREATE TABLE applications (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    answer TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE invites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    note TEXT NOT NULL DEFAULT '',
    max_uses BIGINT NOT NULL,
    uses BIGINT NOT NULL DEFAULT 0,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- Which invitation brought the account (no foreign key: SQLite could not drop the column).
ALTER TABLE users ADD COLUMN invite_id BIGINT;
