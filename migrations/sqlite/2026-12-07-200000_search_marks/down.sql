DROP TRIGGER IF EXISTS threads_search_title;
DROP TRIGGER IF EXISTS threads_search_place;
DROP TRIGGER IF EXISTS posts_search_update;
DROP TRIGGER IF EXISTS posts_search_insert;
DROP VIEW IF EXISTS post_search_entries;

CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
    INSERT INTO post_search (rowid, title, body, kind)
    VALUES (
        new.id,
        CASE WHEN new.number = 1
             THEN COALESCE((SELECT title FROM threads WHERE id = new.thread_id), '')
             ELSE '' END,
        new.body_md,
        CASE WHEN new.number = 1 THEN 'opening' ELSE '' END
    );
END;

CREATE TRIGGER posts_search_update AFTER UPDATE OF body_md ON posts BEGIN
    DELETE FROM post_search WHERE rowid = old.id;
    INSERT INTO post_search (rowid, title, body, kind)
    VALUES (
        new.id,
        CASE WHEN new.number = 1
             THEN COALESCE((SELECT title FROM threads WHERE id = new.thread_id), '')
             ELSE '' END,
        new.body_md,
        CASE WHEN new.number = 1 THEN 'opening' ELSE '' END
    );
END;

CREATE TRIGGER threads_search_title AFTER UPDATE OF title ON threads BEGIN
    DELETE FROM post_search
    WHERE rowid IN (SELECT id FROM posts WHERE thread_id = new.id AND number = 1);
    INSERT INTO post_search (rowid, title, body, kind)
    SELECT id, new.title, body_md, 'opening' FROM posts WHERE thread_id = new.id AND number = 1;
END;

INSERT INTO post_search (post_search) VALUES ('delete-all');
INSERT INTO post_search (rowid, title, body, kind)
SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END, p.body_md,
       CASE WHEN p.number = 1 THEN 'opening' ELSE '' END
FROM posts p JOIN threads t ON t.id = p.thread_id;
