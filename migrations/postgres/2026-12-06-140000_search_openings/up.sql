-- A search of threads reads opening posts only (one post in fifty on a busy forum): a partial
-- index of their text lets it look among them instead of filtering every matching post.
CREATE INDEX posts_opening_search_vector ON posts USING GIN (search_vector) WHERE number = 1;
