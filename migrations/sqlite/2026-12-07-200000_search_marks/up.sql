-- Search filters inside the index (SQLite), as the `…_search_markers` migration does on
-- PostgreSQL. Each post's `kind` column now holds, besides `opening` for an opening post, a
-- mark for its thread's board (`b12`) and city (`c34`). Searches only ever look for the
-- reader's words in `{title body}`, so no text can be taken for a mark. A search filtered on a
-- board, a group or a city adds `kind : b12` (`c34`) to its MATCH: FTS5 intersects the words'
-- doclists with the board's, instead of reading every match of the words to look at its
-- thread. Moving a thread to another board or city, or renaming it, rewrites its entries.

-- A post's entry, written in one place for the triggers, the migration and `search reindex`.
CREATE VIEW post_search_entries AS
SELECT p.id, p.thread_id, p.number,
       CASE WHEN p.number = 1 THEN t.title ELSE '' END AS title,
       p.body_md AS body,
       CASE WHEN p.number = 1 THEN 'opening ' ELSE '' END
           || 'b' || t.board_id || COALESCE(' c' || t.city_id, '') AS kind
FROM posts p JOIN threads t ON t.id = p.thread_id;

DROP TRIGGER posts_search_insert;
DROP TRIGGER posts_search_update;
DROP TRIGGER threads_search_title;

CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
    INSERT INTO post_search (rowid, title, body, kind)
    SELECT id, title, body, kind FROM post_search_entries WHERE id = new.id;
END;

-- A post edited, moved to another thread or renumbered gets its entry written again.
CREATE TRIGGER posts_search_update AFTER UPDATE OF body_md, thread_id, number ON posts BEGIN
    DELETE FROM post_search WHERE rowid = old.id;
    INSERT INTO post_search (rowid, title, body, kind)
    SELECT id, title, body, kind FROM post_search_entries WHERE id = new.id;
END;

-- A thread moved to another board or city: every post's marks change.
CREATE TRIGGER threads_search_place AFTER UPDATE OF board_id, city_id ON threads
WHEN old.board_id IS NOT new.board_id OR old.city_id IS NOT new.city_id BEGIN
    DELETE FROM post_search WHERE rowid IN (SELECT id FROM posts WHERE thread_id = new.id);
    INSERT INTO post_search (rowid, title, body, kind)
    SELECT id, title, body, kind FROM post_search_entries WHERE thread_id = new.id;
END;

-- A thread renamed (and left in place): its opening post's title changes.
CREATE TRIGGER threads_search_title AFTER UPDATE OF title ON threads
WHEN old.title IS NOT new.title
     AND old.board_id IS new.board_id AND old.city_id IS new.city_id BEGIN
    DELETE FROM post_search
    WHERE rowid IN (SELECT id FROM posts WHERE thread_id = new.id AND number = 1);
    INSERT INTO post_search (rowid, title, body, kind)
    SELECT id, title, body, kind FROM post_search_entries
    WHERE thread_id = new.id AND number = 1;
END;

-- What is already written gets its marks; the index's segments are merged once, after.
INSERT INTO post_search (post_search) VALUES ('delete-all');
INSERT INTO post_search (rowid, title, body, kind)
SELECT id, title, body, kind FROM post_search_entries;
INSERT INTO post_search (post_search) VALUES ('optimize');
