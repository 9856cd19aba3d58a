-- The built-in OpenID Connect provider: its signing keys, the authorization requests a browser
-- is answering, and the codes given back to the client. Codes and the browser's cookie are kept
-- only as SHA-256 digests.
CREATE TABLE oidc_keys (
    kid        TEXT PRIMARY KEY,
    -- The private key, PKCS#8 DER.
    pkcs8      BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE oidc_requests (
    id             TEXT PRIMARY KEY,
    -- Binds the request to the browser that began it (its cookie's digest).
    browser_hash   TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    scope          TEXT NOT NULL,
    state          TEXT,
    nonce          TEXT,
    code_challenge TEXT NOT NULL,
    locale         TEXT NOT NULL,
    -- The sign-in attempt (password right, code sent) answering it.
    challenge_id   TEXT REFERENCES challenges (id),
    expires_at     BIGINT NOT NULL,
    done           BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE oidc_codes (
    code_hash      TEXT PRIMARY KEY,
    national_id    TEXT NOT NULL REFERENCES accounts (national_id),
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    nonce          TEXT,
    auth_time      BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    -- The session its exchange began: set once, so a second exchange is seen and ends it.
    family_id      TEXT REFERENCES token_families (id)
);
