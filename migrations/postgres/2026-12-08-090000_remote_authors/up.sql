-- Federation: people of other servers who reply in a thread (or open one in a public board) get
-- an account row that cannot sign in, marked by their actor id; their posts keep the id of the
-- object they came from (for the link to the original, and for its later Update and Delete).
ALTER TABLE users ADD COLUMN remote_id TEXT;
CREATE UNIQUE INDEX users_remote_id ON users (remote_id);
ALTER TABLE posts ADD COLUMN remote_id TEXT;
CREATE UNIQUE INDEX posts_remote_id ON posts (remote_id);
