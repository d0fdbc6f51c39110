ALTER TABLE posts DROP COLUMN deleted_at;
ALTER TABLE posts DROP COLUMN hidden_reason;
ALTER TABLE posts DROP COLUMN hidden_at;
ALTER TABLE threads DROP COLUMN hidden_reason;
ALTER TABLE threads DROP COLUMN hidden_at;
