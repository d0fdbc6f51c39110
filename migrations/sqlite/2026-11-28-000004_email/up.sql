-- Email: verification, reset and email-change tokens; the outbox every mail goes through; the
-- queue of posts whose notifications are still to be fanned out; watch levels; notifications;
-- per-user email preferences; secrets generated once per database.
ALTER TABLE users ADD COLUMN email_direct TEXT NOT NULL DEFAULT 'immediately';
ALTER TABLE users ADD COLUMN email_watched TEXT NOT NULL DEFAULT 'digest';
ALTER TABLE users ADD COLUMN last_digest_at TIMESTAMP;

CREATE TABLE site_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE email_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    new_email TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    unsubscribe_url TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE fanout_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    attempts BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE watches (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    level TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, target_kind, target_id)
);
CREATE INDEX watches_target ON watches (target_kind, target_id, level);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    emailed_at TIMESTAMP,
    UNIQUE (user_id, post_id)
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, thread_id) WHERE read_at IS NULL;
CREATE INDEX notifications_digest_due ON notifications (user_id) WHERE email = 'digest' AND emailed_at IS NULL;
CREATE INDEX notifications_post ON notifications (post_id);
