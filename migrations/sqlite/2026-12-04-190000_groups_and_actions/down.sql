PRAGMA foreign_keys = OFF;
BEGIN;
DELETE FROM boards WHERE group_id IS NOT NULL;
CREATE TABLE boards_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    name_en TEXT,
    description_en TEXT,
    position BIGINT NOT NULL DEFAULT 0,
    thread_count BIGINT NOT NULL DEFAULT 0,
    post_count BIGINT NOT NULL DEFAULT 0,
    last_post_at TIMESTAMP,
    last_thread_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 0
);
INSERT INTO boards_old SELECT id, slug, name, description, name_en, description_en, position,
    thread_count, post_count, last_post_at, last_thread_id, created_at, version FROM boards;
DROP TABLE boards;
ALTER TABLE boards_old RENAME TO boards;
CREATE INDEX boards_position ON boards (position, id);
DROP INDEX users_calendar_token;
ALTER TABLE users DROP COLUMN calendar_token_hash;
DROP TABLE action_rsvps;
DROP TABLE actions;
DROP TABLE group_invites;
DROP TABLE group_requests;
DROP TABLE group_members;
DROP TABLE groups;
COMMIT;
PRAGMA foreign_keys = ON;
