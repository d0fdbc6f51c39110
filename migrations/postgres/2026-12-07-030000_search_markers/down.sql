DROP TRIGGER threads_search_refresh ON threads;
DROP FUNCTION threads_search_refresh();

CREATE FUNCTION threads_search_title() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE posts
    SET search_vector = setweight(to_tsvector(vigie_search_config(), NEW.title), 'A')
                     || setweight(to_tsvector(vigie_search_config(), body_md), 'B')
    WHERE thread_id = NEW.id AND number = 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER threads_search_title
    AFTER UPDATE OF title ON threads
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION threads_search_title();

DROP TRIGGER posts_search_refresh ON posts;
CREATE TRIGGER posts_search_refresh
    BEFORE INSERT OR UPDATE OF body_md ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_refresh();

CREATE OR REPLACE FUNCTION vigie_post_vector(thread BIGINT, num BIGINT, body TEXT) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector(vigie_search_config(),
                                 CASE WHEN num = 1
                                      THEN COALESCE((SELECT title FROM threads WHERE id = thread), '')
                                      ELSE '' END), 'A')
        || setweight(to_tsvector(vigie_search_config(), body), 'B')
$$;

DROP FUNCTION vigie_post_marks(BIGINT, BIGINT, BIGINT);

ALTER TABLE posts ALTER COLUMN search_vector SET COMPRESSION default;
UPDATE posts SET search_vector = ts_delete(search_vector,
    ARRAY(SELECT lexeme FROM unnest(search_vector) WHERE lexeme LIKE '@ %'));
CREATE INDEX posts_opening_search_vector ON posts USING GIN (search_vector) WHERE number = 1;
