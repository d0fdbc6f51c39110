-- Federation of actions and deployments (issue 17). The sequence of the action an opening post
-- was last sent with: editing or cancelling an action moves its sequence, not its thread's
-- post, so the announcer compares it too and sends the Event's Update. Rows written before
-- have none, and are sent again once (as the Event they now are).
ALTER TABLE federated_posts ADD COLUMN action_sequence BIGINT;

-- The published deployments sent to the observatory's followers as Articles, at which version;
-- no foreign key, so that a deployment removed here can still be sent as a Delete.
CREATE TABLE federated_deployments (
    deployment_id BIGINT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);
