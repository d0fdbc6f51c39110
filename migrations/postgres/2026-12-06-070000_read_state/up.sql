-- What each member has read: per thread, the highest post number read; per board, when they
-- marked it all read. Nothing is kept for visitors.
CREATE TABLE thread_reads (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    last_read_number BIGINT NOT NULL,
    read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, thread_id)
);
CREATE INDEX thread_reads_thread ON thread_reads (thread_id);
CREATE TABLE board_reads (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    board_id BIGINT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, board_id)
);
CREATE INDEX board_reads_board ON board_reads (board_id);
