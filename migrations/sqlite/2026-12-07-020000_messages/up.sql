-- Private messages: conversations between members, their messages, who reads what; blocks
-- between members, each member's message preferences, and reports on messages.
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject TEXT NOT NULL,
    starter_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    last_message_at TIMESTAMP NOT NULL,
    message_count BIGINT NOT NULL DEFAULT 0
);

-- The people in a conversation now (leaving deletes the row). Per member: the last message
-- delivered to them (a blocked author's messages are not), unread messages, the last read.
CREATE TABLE conversation_members (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at TIMESTAMP NOT NULL,
    last_message_id BIGINT,
    last_message_at TIMESTAMP NOT NULL,
    unread_count BIGINT NOT NULL DEFAULT 0,
    last_read_id BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_list ON conversation_members (user_id, last_message_at, conversation_id);
CREATE INDEX conversation_members_unread ON conversation_members (user_id) WHERE unread_count > 0;

CREATE TABLE private_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX private_messages_conversation ON private_messages (conversation_id, id);
CREATE INDEX private_messages_author ON private_messages (author_id, id);

CREATE TABLE user_blocks (
    blocker_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX user_blocks_blocked ON user_blocks (blocked_id);

-- Absent row: the defaults (inbox open to every member, mail without the message's text).
CREATE TABLE message_preferences (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    inbox TEXT NOT NULL DEFAULT 'everyone',
    email TEXT NOT NULL DEFAULT 'notice'
);

-- A report keeps a copy of the reported message (author, cooked text, date) taken when it is
-- filed: staff still read it after the author erased it, left, or the conversation was deleted
-- (the link to the message then becomes NULL).
CREATE TABLE message_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id BIGINT REFERENCES private_messages (id) ON DELETE SET NULL,
    reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,
    message_html TEXT NOT NULL,
    message_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX message_reports_open ON message_reports (message_id, reporter_id) WHERE resolved_at IS NULL;
CREATE INDEX message_reports_queue ON message_reports (resolved_at, id);

-- The hourly allowance of private messages: one row per message written (1 unit) and per
-- conversation started or people added (1 unit per person reached). A sender's rows older than
-- an hour are dropped at their next write.
CREATE TABLE message_allowance (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at TIMESTAMP NOT NULL,
    units BIGINT NOT NULL
);
CREATE INDEX message_allowance_user ON message_allowance (user_id, at);
