-- Moderation of threads: pins that end on a date, and slow mode (one post per member per N
-- minutes).
ALTER TABLE threads ADD COLUMN pinned_until TIMESTAMP;
ALTER TABLE threads ADD COLUMN slow_mode_minutes BIGINT NOT NULL DEFAULT 0;
