-- Forum core: cities, users, sessions, boards, threads, posts and their revisions.
CREATE TABLE cities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    geonameid BIGINT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    country TEXT NOT NULL,
    admin1 TEXT NOT NULL,
    latitude DOUBLE NOT NULL,
    longitude DOUBLE NOT NULL,
    population BIGINT NOT NULL,
    timezone TEXT NOT NULL,
    thread_count BIGINT NOT NULL DEFAULT 0,
    last_post_at TIMESTAMP
);
CREATE INDEX cities_search ON cities (search_key);
CREATE INDEX cities_activity ON cities (thread_count DESC, population DESC);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    username_skeleton TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'member',
    locale TEXT,
    home_city_id BIGINT REFERENCES cities (id) ON DELETE SET NULL,
    email_verified_at TIMESTAMP,
    post_count BIGINT NOT NULL DEFAULT 0,
    thread_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX users_role ON users (role);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE boards (
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
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX boards_position ON boards (position, id);

CREATE TABLE threads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    board_id BIGINT NOT NULL REFERENCES boards (id),
    city_id BIGINT REFERENCES cities (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    slug TEXT NOT NULL,
    post_count BIGINT NOT NULL DEFAULT 0,
    pinned BOOLEAN NOT NULL DEFAULT 0,
    locked BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    last_post_at TIMESTAMP NOT NULL,
    last_post_author_id BIGINT REFERENCES users (id)
);
CREATE INDEX threads_board_activity ON threads (board_id, pinned, last_post_at DESC, id DESC);
CREATE INDEX threads_board_city_activity ON threads (board_id, city_id, last_post_at DESC, id DESC);
CREATE INDEX threads_city_activity ON threads (city_id, last_post_at DESC, id DESC);
CREATE INDEX threads_author ON threads (author_id, created_at DESC, id DESC);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP,
    UNIQUE (thread_id, number)
);
CREATE INDEX posts_author ON posts (author_id, id DESC);

CREATE TABLE post_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    body_md TEXT NOT NULL,
    edited_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions (post_id, version);
