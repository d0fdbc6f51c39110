DROP TABLE federated_deployments;
ALTER TABLE federated_posts DROP COLUMN action_sequence;
