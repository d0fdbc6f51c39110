-- Federation: boards of other servers that members here follow. Each is mirrored by a board row
-- marked by its Group actor's id (remote_id): its threads and replies arrive as the group
-- announces them, and what members here post in it is sent to the group. Who follows which,
-- from their own Person actor, is in federation_following.
ALTER TABLE boards ADD COLUMN remote_id TEXT;
CREATE UNIQUE INDEX boards_remote_id ON boards (remote_id);
CREATE TABLE federation_following (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    board_id BIGINT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    follow_id TEXT NOT NULL UNIQUE,
    accepted BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, board_id)
);
CREATE INDEX federation_following_board ON federation_following (board_id);
