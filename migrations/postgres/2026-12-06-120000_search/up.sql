-- Full-text search (PostgreSQL): a `tsvector` column on posts and deployments, kept in step by
-- triggers and searched through GIN indexes. The text search configurations fold accents
-- (`unaccent`, a trusted extension a database owner may create) before stemming, so
-- "videosurveillance" finds "vidéosurveillance" and "caméra" finds "caméras".
-- Which configuration indexes and parses is the site's default language at the time of the last
-- `vigie search reindex` (or of the first start), kept in `search_settings`.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION vigie_french (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION vigie_french
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;

CREATE TEXT SEARCH CONFIGURATION vigie_english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION vigie_english
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE TABLE search_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    config TEXT NOT NULL CHECK (config IN ('vigie_french', 'vigie_english'))
);
INSERT INTO search_settings (id, config) VALUES (1, 'vigie_french');

CREATE FUNCTION vigie_search_config() RETURNS regconfig
LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT config::regconfig FROM search_settings WHERE id = 1),
                    'vigie_french'::regconfig)
$$;

-- A post's entry: its thread's title (weight A) for the opening post, its text (weight B).
CREATE FUNCTION vigie_post_vector(thread BIGINT, num BIGINT, body TEXT) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector(vigie_search_config(),
                                 CASE WHEN num = 1
                                      THEN COALESCE((SELECT title FROM threads WHERE id = thread), '')
                                      ELSE '' END), 'A')
        || setweight(to_tsvector(vigie_search_config(), body), 'B')
$$;

ALTER TABLE posts ADD COLUMN search_vector tsvector;
ALTER TABLE deployments ADD COLUMN search_vector tsvector;

CREATE FUNCTION posts_search_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := vigie_post_vector(NEW.thread_id, NEW.number, NEW.body_md);
    RETURN NEW;
END
$$;

CREATE TRIGGER posts_search_refresh
    BEFORE INSERT OR UPDATE OF body_md ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_refresh();

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

CREATE FUNCTION deployments_search_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := setweight(to_tsvector(vigie_search_config(), NEW.title), 'A')
                      || setweight(to_tsvector(vigie_search_config(), NEW.description_md), 'B');
    RETURN NEW;
END
$$;

CREATE TRIGGER deployments_search_refresh
    BEFORE INSERT OR UPDATE OF title, description_md ON deployments
    FOR EACH ROW EXECUTE FUNCTION deployments_search_refresh();

-- What is already written.
UPDATE posts SET search_vector = vigie_post_vector(thread_id, number, body_md);
UPDATE deployments
SET search_vector = setweight(to_tsvector(vigie_search_config(), title), 'A')
                 || setweight(to_tsvector(vigie_search_config(), description_md), 'B');

CREATE INDEX posts_search_vector ON posts USING GIN (search_vector);
CREATE INDEX deployments_search_vector ON deployments USING GIN (search_vector);
