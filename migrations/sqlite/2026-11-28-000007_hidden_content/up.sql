-- Hidden threads and posts (seen only by their author and the board's staff, marked), and posts
-- deleted for good by an administrator (the row stays, without its text, so numbering holds).
ALTER TABLE threads ADD COLUMN hidden_at TIMESTAMP;
ALTER TABLE threads ADD COLUMN hidden_reason TEXT;
ALTER TABLE posts ADD COLUMN hidden_at TIMESTAMP;
ALTER TABLE posts ADD COLUMN hidden_reason TEXT;
ALTER TABLE posts ADD COLUMN deleted_at TIMESTAMP;
