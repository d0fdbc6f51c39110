-- Every name a city goes by (GeoNames' alternate names, and the name preferred in each
-- language), for search; `cities.name` is the French one, `cities.name_en` the English one
-- when it differs.
CREATE TABLE city_names (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    city_id BIGINT NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    preferred BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX city_names_search ON city_names (search_key, city_id);
CREATE INDEX city_names_city ON city_names (city_id);
ALTER TABLE cities ADD COLUMN name_en TEXT;
