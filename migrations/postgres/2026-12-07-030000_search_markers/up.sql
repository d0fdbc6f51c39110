-- Search filters inside the index (PostgreSQL). Each post's `search_vector` also carries marks:
-- positionless lexemes for its thread's board ('@ board 12'), its city ('@ city 34') and, for an
-- opening post, '@ opening'. The text parser never makes a lexeme with a space, so no word can
-- be taken for a mark. A search adds the filters' marks to its tsquery (`q && marks`) and ranks
-- with `q` alone: the GIN index then intersects the words with the board, the city or the
-- opening posts, instead of fetching every match of the words to look at its thread.
-- Moving a thread to another board or city rewrites its posts' entries (trigger below).

CREATE FUNCTION vigie_post_marks(board BIGINT, city BIGINT, num BIGINT) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_to_tsvector(array_remove(ARRAY[
        '@ board ' || board,
        CASE WHEN city IS NOT NULL THEN '@ city ' || city END,
        CASE WHEN num = 1 THEN '@ opening' END
    ], NULL))
$$;

CREATE OR REPLACE FUNCTION vigie_post_vector(thread BIGINT, num BIGINT, body TEXT) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector(vigie_search_config(),
                                 CASE WHEN num = 1 THEN COALESCE(t.title, '') ELSE '' END), 'A')
        || setweight(to_tsvector(vigie_search_config(), body), 'B')
        || CASE WHEN t.id IS NULL THEN ''::tsvector
                ELSE vigie_post_marks(t.board_id, t.city_id, num) END
    FROM (SELECT 1) AS one LEFT JOIN threads t ON t.id = thread
$$;

-- A post moved to another thread, or renumbered, gets its entry written again.
DROP TRIGGER posts_search_refresh ON posts;
CREATE TRIGGER posts_search_refresh
    BEFORE INSERT OR UPDATE OF body_md, thread_id, number ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_refresh();

DROP TRIGGER threads_search_title ON threads;
DROP FUNCTION threads_search_title();

CREATE FUNCTION threads_search_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.board_id IS DISTINCT FROM NEW.board_id OR OLD.city_id IS DISTINCT FROM NEW.city_id THEN
        UPDATE posts SET search_vector = vigie_post_vector(thread_id, number, body_md)
        WHERE thread_id = NEW.id;
    ELSIF OLD.title IS DISTINCT FROM NEW.title THEN
        UPDATE posts SET search_vector = vigie_post_vector(thread_id, number, body_md)
        WHERE thread_id = NEW.id AND number = 1;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER threads_search_refresh
    AFTER UPDATE OF title, board_id, city_id ON threads
    FOR EACH ROW EXECUTE FUNCTION threads_search_refresh();

-- Vectors are read again for every match a phrase or an exclusion checks: lz4 unpacks them
-- several times faster than the default pglz. Servers built without lz4 keep pglz.
DO $$
BEGIN
    ALTER TABLE posts ALTER COLUMN search_vector SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;

-- What is already written gets its marks; the index is built again once, after.
DROP INDEX posts_opening_search_vector;
DROP INDEX posts_search_vector;
UPDATE posts p
SET search_vector = COALESCE(p.search_vector, ''::tsvector)
                 || vigie_post_marks(t.board_id, t.city_id, p.number)
FROM threads t
WHERE t.id = p.thread_id;
CREATE INDEX posts_search_vector ON posts USING GIN (search_vector);
