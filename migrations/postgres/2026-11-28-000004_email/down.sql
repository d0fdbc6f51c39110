DROP TABLE notifications;
DROP TABLE watches;
DROP TABLE fanout_queue;
DROP TABLE outbox;
DROP TABLE email_tokens;
DROP TABLE site_secrets;
ALTER TABLE users DROP COLUMN last_digest_at;
ALTER TABLE users DROP COLUMN email_watched;
ALTER TABLE users DROP COLUMN email_direct;
