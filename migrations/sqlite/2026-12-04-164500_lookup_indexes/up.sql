-- Lookups and foreign keys that had no index: confirming a manifesto signature by its token,
-- and finding (or deleting) a user's deployments, revisions and mail.
CREATE INDEX manifesto_signatures_token ON manifesto_signatures (token_hash);
CREATE INDEX deployments_proposed_by ON deployments (proposed_by);
CREATE INDEX deployment_revisions_author ON deployment_revisions (author_id);
CREATE INDEX outbox_user ON outbox (user_id);
