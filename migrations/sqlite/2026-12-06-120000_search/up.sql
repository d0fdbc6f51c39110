-- Full-text search (SQLite): FTS5 indexes kept in step with their tables by triggers, so every
-- write transaction that changes a post, a thread's title or a deployment changes its index
-- entry with it. Contentless (the text lives in the tables; excerpts are made from them), with
-- `contentless_delete` so entries can be replaced and removed. `unicode61 remove_diacritics 2`
-- folds case and accents: "videosurveillance" finds "vidéosurveillance".
--
-- `post_search`: one entry per post; `title` holds the thread's title for its opening post only,
-- and `kind` the word `opening` for it (so a search of threads intersects with the openings'
-- short list in the index instead of filtering every match; queries search `{title body}` only).
CREATE VIRTUAL TABLE post_search USING fts5(
    title, body, kind,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

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

CREATE TRIGGER posts_search_delete AFTER DELETE ON posts BEGIN
    DELETE FROM post_search WHERE rowid = old.id;
END;

CREATE TRIGGER threads_search_title AFTER UPDATE OF title ON threads BEGIN
    DELETE FROM post_search
    WHERE rowid IN (SELECT id FROM posts WHERE thread_id = new.id AND number = 1);
    INSERT INTO post_search (rowid, title, body, kind)
    SELECT id, new.title, body_md, 'opening' FROM posts WHERE thread_id = new.id AND number = 1;
END;

-- `deployment_search`: one entry per deployment (its title and description); whether it is
-- published is checked when searching.
CREATE VIRTUAL TABLE deployment_search USING fts5(
    title, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER deployments_search_insert AFTER INSERT ON deployments BEGIN
    INSERT INTO deployment_search (rowid, title, body)
    VALUES (new.id, new.title, new.description_md);
END;

CREATE TRIGGER deployments_search_update AFTER UPDATE OF title, description_md ON deployments BEGIN
    DELETE FROM deployment_search WHERE rowid = old.id;
    INSERT INTO deployment_search (rowid, title, body)
    VALUES (new.id, new.title, new.description_md);
END;

CREATE TRIGGER deployments_search_delete AFTER DELETE ON deployments BEGIN
    DELETE FROM deployment_search WHERE rowid = old.id;
END;

-- What is already written.
INSERT INTO post_search (rowid, title, body, kind)
SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END, p.body_md,
       CASE WHEN p.number = 1 THEN 'opening' ELSE '' END
FROM posts p JOIN threads t ON t.id = p.thread_id;

INSERT INTO deployment_search (rowid, title, body)
SELECT id, title, description_md FROM deployments;
