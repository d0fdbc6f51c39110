-- Each row gets its whole text back, with its own unsubscribe link where the placeholder was
-- (HTML-escaped in the HTML part, as the templates escape it).
CREATE TABLE outbox_old (
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
INSERT INTO outbox_old (id, message_id, kind, user_id, recipient, subject, body_text, body_html,
    unsubscribe_url, status, attempts, next_attempt_at, claimed_until, last_error, sent_at,
    created_at)
SELECT o.id, o.message_id, o.kind, o.user_id, o.recipient, b.subject,
    CASE WHEN b.placeholder IS NULL THEN b.body_text
         ELSE REPLACE(b.body_text, b.placeholder, COALESCE(o.unsubscribe_url, '')) END,
    CASE WHEN b.placeholder IS NULL THEN b.body_html
         ELSE REPLACE(b.body_html, b.placeholder,
              REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
                  COALESCE(o.unsubscribe_url, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                  '"', '&quot;'), '''', '&#x27;'), '`', '&#x60;'), '=', '&#x3D;')) END,
    o.unsubscribe_url, o.status, o.attempts, o.next_attempt_at, o.claimed_until, o.last_error,
    o.sent_at, o.created_at
FROM outbox o JOIN mail_bodies b ON b.id = o.body_id;
DELETE FROM sqlite_sequence WHERE name = 'outbox_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_old', seq FROM sqlite_sequence WHERE name = 'outbox';
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_user ON outbox (user_id);
DROP TABLE mail_bodies;
