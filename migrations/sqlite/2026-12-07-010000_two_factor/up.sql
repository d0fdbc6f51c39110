-- Two-factor sign-in (TOTP, RFC 6238). `secret` is the active authenticator's secret and
-- `pending_secret` one being set up (kept until confirmed with a code); both are sealed with the
-- server's `security.secret_key` (XChaCha20-Poly1305 under an HKDF subkey, base64 of nonce and
-- ciphertext), never stored in the clear. `last_step` is the time step of the last accepted
-- code: a code of that step or an earlier one is refused, so a code works once.
CREATE TABLE two_factor (
    user_id INTEGER PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT,
    pending_secret TEXT,
    enabled_at TIMESTAMP,
    last_step BIGINT,
    updated_at TIMESTAMP NOT NULL
);

-- Single-use recovery codes (80 random bits each), only their HMAC-SHA256 stored, keyed by a
-- subkey derived from `security.secret_key` and bound to the account; using one deletes it.
-- Unique per account (two accounts may, however unlikely, hold the same hash).
CREATE TABLE two_factor_recovery_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX two_factor_recovery_codes_user_code
    ON two_factor_recovery_codes (user_id, code_hash);

-- Sign-ins waiting for their second factor: the password was right, the code not given yet.
-- The browser holds the random token (only its SHA-256 is here); a few wrong codes or ten
-- minutes end it.
CREATE TABLE two_factor_challenges (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    next_path TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX two_factor_challenges_expiry ON two_factor_challenges (expires_at);

-- The browser families (e.g. "Firefox · Linux", never a version, never an address) an account
-- has signed in from: a sign-in from a family not listed here mails a notice.
CREATE TABLE signin_browsers (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family TEXT NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, family)
);

-- Whether the member wants that notice (a mail setting).
ALTER TABLE users ADD COLUMN signin_notice BOOLEAN NOT NULL DEFAULT 1;
