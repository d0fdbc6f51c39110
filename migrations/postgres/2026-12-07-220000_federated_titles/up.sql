-- The title an opening post was last sent with: a thread renamed by moderation keeps its post's
-- version, so federation compares the title too and sends the Page's Update. Rows written before
-- have none, and are sent again only when their post changes.
ALTER TABLE federated_posts ADD COLUMN title TEXT;
