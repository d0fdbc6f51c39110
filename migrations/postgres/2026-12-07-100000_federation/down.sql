DROP TABLE federation_cursors;
DROP TABLE federated_posts;
DROP TABLE federation_received;
DROP TABLE federation_deliveries;
DROP TABLE federation_policies;
DROP TABLE federation_followers;
DROP TABLE federation_remote_actors;
DROP TABLE federation_keys;
