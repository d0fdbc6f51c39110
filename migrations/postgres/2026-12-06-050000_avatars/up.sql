-- A member's own picture, as the forum made it from their upload (squared, resized, encoded
-- again without metadata). Members without one get a drawn picture, made when asked for and
-- never stored. `file` is the name its address ends with (a hash of the picture and its
-- extension), so the address changes with the picture and may be cached for ever.
CREATE TABLE avatars (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    file TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    data BYTEA NOT NULL
);
