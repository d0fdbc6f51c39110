DROP INDEX outbox_user;
DROP INDEX deployment_revisions_author;
DROP INDEX deployments_proposed_by;
DROP INDEX manifesto_signatures_token;
