-- One counter that every write transaction increments: cached pages for visitors are valid
-- while it has not moved.
CREATE TABLE site_state (
    id BIGINT PRIMARY KEY NOT NULL,
    content_version BIGINT NOT NULL
);
INSERT INTO site_state (id, content_version) VALUES (1, 0);
