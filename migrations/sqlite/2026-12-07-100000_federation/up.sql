-- ActivityPub federation (src/federation): the key pairs of local actors (members, public boards,
-- public groups; made when first needed), the remote actors met (their inbox and public key,
-- never an address of their server), who follows a local actor from elsewhere, the
-- administrators' policy for each remote instance, the durable queue of deliveries, what was
-- received (so a replayed activity is not handled twice) and how far the announcer has read.

-- One key pair per local actor. The private key leaves this table only to sign a request.
CREATE TABLE federation_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_kind TEXT NOT NULL,
    local_id BIGINT NOT NULL,
    public_key TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (actor_kind, local_id)
);

-- Remote actors, as their own server describes them (refreshed now and then).
CREATE TABLE federation_remote_actors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ap_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    domain TEXT NOT NULL,
    inbox TEXT NOT NULL,
    shared_inbox TEXT,
    public_key TEXT NOT NULL,
    fetched_at TIMESTAMP NOT NULL
);
CREATE INDEX federation_remote_actors_domain ON federation_remote_actors (domain);

-- A remote actor following a local board, group or member.
CREATE TABLE federation_followers (
    target_kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    remote_actor_id BIGINT NOT NULL REFERENCES federation_remote_actors (id) ON DELETE CASCADE,
    follow_id TEXT NOT NULL,
    accepted BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (target_kind, target_id, remote_actor_id)
);
CREATE INDEX federation_followers_actor ON federation_followers (remote_actor_id);

-- What the administrators decided for an instance: block, limit or allow.
CREATE TABLE federation_policies (
    domain TEXT PRIMARY KEY NOT NULL,
    policy TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    set_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    set_at TIMESTAMP NOT NULL
);

-- The durable delivery queue: one row per activity and inbox, never two.
CREATE TABLE federation_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_id TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_local_id BIGINT NOT NULL,
    inbox TEXT NOT NULL,
    domain TEXT NOT NULL,
    activity TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    UNIQUE (activity_id, inbox)
);
CREATE INDEX federation_deliveries_due ON federation_deliveries (status, next_attempt_at);

-- Activities received and handled, by id, so that a replay is answered without effect.
CREATE TABLE federation_received (
    activity_id TEXT PRIMARY KEY NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX federation_received_at ON federation_received (received_at);

-- The posts sent out, at which version, and whether their deletion was sent.
CREATE TABLE federated_posts (
    post_id BIGINT PRIMARY KEY NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);

-- How far the announcer has read (the last post id, the site versions it saw).
CREATE TABLE federation_cursors (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
