-- Local groups (members, join requests, invites, their own boards) and actions with RSVPs.
-- Runs outside a transaction (metadata.toml) so that the boards table can be rebuilt with
-- foreign keys off, as SQLite's ALTER TABLE documentation prescribes.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    city_id BIGINT NOT NULL REFERENCES cities (id),
    description_md TEXT NOT NULL DEFAULT '',
    description_html TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL DEFAULT 'public',
    join_policy TEXT NOT NULL DEFAULT 'request',
    member_count BIGINT NOT NULL DEFAULT 0,
    last_activity_at TIMESTAMP NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX groups_directory ON groups (visibility, last_activity_at, id);
CREATE INDEX groups_city ON groups (city_id, last_activity_at);

CREATE TABLE group_members (
    group_id BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'member',
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE group_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    reason TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE UNIQUE INDEX group_requests_pending ON group_requests (group_id, user_id) WHERE status = 'pending';
CREATE INDEX group_requests_user ON group_requests (user_id);

CREATE TABLE group_invites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    note TEXT NOT NULL DEFAULT '',
    max_uses BIGINT NOT NULL,
    uses BIGINT NOT NULL DEFAULT 0,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX group_invites_group ON group_invites (group_id);

CREATE TABLE actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id BIGINT REFERENCES groups (id) ON DELETE CASCADE,
    board_id BIGINT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    city_id BIGINT NOT NULL REFERENCES cities (id),
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    timezone TEXT NOT NULL,
    place TEXT NOT NULL,
    meeting_point TEXT NOT NULL DEFAULT '',
    description_md TEXT NOT NULL DEFAULT '',
    description_html TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL DEFAULT 'public',
    capacity BIGINT,
    status TEXT NOT NULL DEFAULT 'planned',
    sequence BIGINT NOT NULL DEFAULT 0,
    going_count BIGINT NOT NULL DEFAULT 0,
    maybe_count BIGINT NOT NULL DEFAULT 0,
    not_going_count BIGINT NOT NULL DEFAULT 0,
    waitlist_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    cancelled_at TIMESTAMP
);
CREATE INDEX actions_upcoming ON actions (visibility, starts_at, id);
CREATE INDEX actions_city ON actions (city_id, starts_at);
CREATE INDEX actions_group ON actions (group_id, starts_at);
CREATE INDEX actions_thread ON actions (thread_id);

CREATE TABLE action_rsvps (
    action_id BIGINT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    answer TEXT NOT NULL,
    waitlisted BOOLEAN NOT NULL DEFAULT 0,
    hide_name BOOLEAN NOT NULL DEFAULT 0,
    answered_at TIMESTAMP NOT NULL,
    reminded_at TIMESTAMP,
    PRIMARY KEY (action_id, user_id)
);
CREATE INDEX action_rsvps_user ON action_rsvps (user_id);

ALTER TABLE users ADD COLUMN calendar_token_hash TEXT;
CREATE UNIQUE INDEX users_calendar_token ON users (calendar_token_hash);

-- Boards belong to the site (group_id NULL) or to a group; a group's board slugs are its own.
CREATE TABLE boards_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL,
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
    version BIGINT NOT NULL DEFAULT 0,
    group_id BIGINT REFERENCES groups (id) ON DELETE CASCADE,
    visibility TEXT NOT NULL DEFAULT 'public'
);
INSERT INTO boards_new (id, slug, name, description, name_en, description_en, position,
    thread_count, post_count, last_post_at, last_thread_id, created_at, version)
SELECT id, slug, name, description, name_en, description_en, position,
    thread_count, post_count, last_post_at, last_thread_id, created_at, version FROM boards;
DROP TABLE boards;
ALTER TABLE boards_new RENAME TO boards;
CREATE INDEX boards_position ON boards (position, id);
CREATE UNIQUE INDEX boards_site_slug ON boards (slug) WHERE group_id IS NULL;
CREATE UNIQUE INDEX boards_group_slug ON boards (group_id, slug) WHERE group_id IS NOT NULL;
COMMIT;
PRAGMA foreign_keys = ON;
