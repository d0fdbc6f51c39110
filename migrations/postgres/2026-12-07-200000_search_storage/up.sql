-- Search vectors inside the rows (PostgreSQL). A post's row holds its Markdown, its HTML and its
-- `search_vector` (~1 KB each): past 2 KB the server moves the largest values to the TOAST
-- table, and the vector went there with the rest. Every match a phrase, a prefix or an
-- exclusion checks, and every row `ts_rank` scores, then cost an extra index lookup and a read
-- in the TOAST table: ~3 µs a row instead of ~1 µs (measured on 100,000 posts). `MAIN` keeps the
-- vector in the row, compressed, and sends the texts out first (they are read only for the few
-- posts a page shows).
ALTER TABLE posts ALTER COLUMN search_vector SET STORAGE MAIN;

-- Vectors already written move back into their rows when written again (a new value; the
-- search triggers do not fire on this column). The GIN index is built again once, after.
DROP INDEX posts_search_vector;
UPDATE posts SET search_vector = search_vector || ''::tsvector WHERE search_vector IS NOT NULL;
CREATE INDEX posts_search_vector ON posts USING GIN (search_vector);

-- Posts are written in id order, so a block range index on `id` says, for a few hundred bytes,
-- which pages hold the newest posts: a search's span (`id > N`) intersects the GIN index's
-- matches with it instead of reading every id of the span in the primary key.
CREATE INDEX posts_id_range ON posts USING BRIN (id) WITH (pages_per_range = 16);
