-- The Atom feeds list a board's and a city's newest threads, by creation (the pages list them
-- by activity): one index each, read in order and stopped after the feed's 50 entries.
CREATE INDEX threads_board_created ON threads (board_id, created_at DESC, id DESC);
CREATE INDEX threads_city_created ON threads (city_id, created_at DESC, id DESC);
