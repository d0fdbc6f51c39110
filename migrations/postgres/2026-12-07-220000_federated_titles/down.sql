ALTER TABLE federated_posts DROP COLUMN title;
