DROP TABLE city_names;
ALTER TABLE cities DROP COLUMN name_en;
