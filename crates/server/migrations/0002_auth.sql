-- Sign-in: password accounts, failed-password counters, SMS challenges, tokens, audit.
-- Times are Unix milliseconds (UTC). Secrets are never stored: codes and tokens as SHA-256,
-- passwords as Argon2id PHC strings.

CREATE TABLE accounts (
    national_id   TEXT PRIMARY KEY REFERENCES employees (national_id),
    password_hash TEXT NOT NULL,
    mobile        TEXT NOT NULL
) STRICT;

-- Kept for any national ID, known or not, so a lockout says nothing about whether it exists.
CREATE TABLE login_failures (
    national_id  TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until INTEGER
) STRICT;

CREATE TABLE challenges (
    id           TEXT PRIMARY KEY,
    national_id  TEXT NOT NULL REFERENCES accounts (national_id),
    code_hash    TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_sent_at INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    done         INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE token_families (
    id          TEXT PRIMARY KEY,
    national_id TEXT NOT NULL REFERENCES accounts (national_id),
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT;

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL REFERENCES token_families (id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);

CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL REFERENCES token_families (id),
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX access_tokens_by_family ON access_tokens (family_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    event       TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    national_id TEXT,
    client      TEXT
) STRICT;
