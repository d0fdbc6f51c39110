DROP INDEX posts_remote_id;
ALTER TABLE posts DROP COLUMN remote_id;
DROP INDEX users_remote_id;
ALTER TABLE users DROP COLUMN remote_id;
