DROP TABLE federation_following;
DROP INDEX boards_remote_id;
ALTER TABLE boards DROP COLUMN remote_id;
