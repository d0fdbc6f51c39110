-- A mail's subject, text and HTML live once in mail_bodies, shared by every recipient's outbox
-- row (a reply mailed to seven watchers is one body and seven small rows). A body rendered for
-- several recipients holds a random placeholder where each recipient's unsubscribe link goes;
-- the sender puts the row's own link there. Every existing row keeps its text: its body moves
-- to a mail_bodies row with the same id (no placeholder).
CREATE TABLE mail_bodies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    placeholder TEXT,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO mail_bodies (id, subject, body_text, body_html, placeholder, created_at)
SELECT id, subject, body_text, body_html, NULL, created_at FROM outbox;

-- SQLite cannot add a NOT NULL foreign key to a table: the outbox is rebuilt (no table refers
-- to it, so this is safe with foreign keys on), with its indexes.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    unsubscribe_url TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    body_id BIGINT NOT NULL REFERENCES mail_bodies (id)
);
INSERT INTO outbox_new (id, message_id, kind, user_id, recipient, unsubscribe_url, status,
    attempts, next_attempt_at, claimed_until, last_error, sent_at, created_at, body_id)
SELECT id, message_id, kind, user_id, recipient, unsubscribe_url, status,
    attempts, next_attempt_at, claimed_until, last_error, sent_at, created_at, id FROM outbox;
-- Ids are never reused, even those of purged rows.
DELETE FROM sqlite_sequence WHERE name IN ('outbox_new', 'mail_bodies');
INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_new', seq FROM sqlite_sequence WHERE name = 'outbox';
INSERT INTO sqlite_sequence (name, seq) SELECT 'mail_bodies', seq FROM sqlite_sequence WHERE name = 'outbox';
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_body ON outbox (body_id);
CREATE INDEX outbox_user ON outbox (user_id);
