-- masar-server on PostgreSQL: the data the SQLite store keeps (its migrations 0001–0010), in the
-- form PostgreSQL serves best to several server nodes at once. An employee's profile is one JSON
-- document, changed field by field through the field registry (each field's version in
-- field_versions, as there); the rest of the record (decisions, qualifications, transactions,
-- sick-leave reports) is seeded, read whole, one document too. Times are Unix milliseconds (UTC);
-- dates ISO-8601 text inside the documents. Secrets are never stored: codes and tokens as
-- SHA-256, passwords as Argon2id PHC strings.
--
-- Concurrency: every row of `changes` is written while its employee's row is locked
-- (SELECT … FOR UPDATE), so an employee's changes commit in sequence order and a pull never
-- passes one that commits later.

CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE employees (
    national_id     TEXT PRIMARY KEY,
    employee_number TEXT NOT NULL UNIQUE,
    profile         JSONB NOT NULL,
    -- {"employmentEvents": […], "qualifications": […], "transactions": […], "sickLeaves": […]}
    history         JSONB NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE opportunities (
    id       TEXT PRIMARY KEY,
    deadline TEXT NOT NULL,
    doc      JSONB NOT NULL
);

CREATE TABLE accounts (
    national_id   TEXT PRIMARY KEY REFERENCES employees (national_id),
    password_hash TEXT NOT NULL,
    mobile        TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'employee' CHECK (role IN ('employee', 'hr_officer'))
);

-- Kept for any national ID, known or not, so a lockout says nothing about whether it exists.
CREATE TABLE login_failures (
    national_id  TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until BIGINT
);

CREATE TABLE challenges (
    id           TEXT PRIMARY KEY,
    national_id  TEXT NOT NULL REFERENCES accounts (national_id),
    code_hash    TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_sent_at BIGINT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    done         BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX challenges_open ON challenges (national_id) WHERE NOT done;

CREATE TABLE token_families (
    id          TEXT PRIMARY KEY,
    national_id TEXT NOT NULL REFERENCES accounts (national_id),
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL REFERENCES token_families (id),
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);

CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL REFERENCES token_families (id),
    expires_at BIGINT NOT NULL
);
CREATE INDEX access_tokens_by_family ON access_tokens (family_id);

CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          BIGINT NOT NULL,
    event       TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    national_id TEXT,
    client      TEXT
);

CREATE TABLE changes (
    seq         BIGSERIAL PRIMARY KEY,
    national_id TEXT NOT NULL REFERENCES employees (national_id),
    kind        TEXT NOT NULL,
    record_id   TEXT,
    version     BIGINT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX changes_by_employee ON changes (national_id, seq);

CREATE TABLE field_versions (
    national_id TEXT NOT NULL REFERENCES employees (national_id),
    field       TEXT NOT NULL,
    version     BIGINT NOT NULL,
    changed_by  TEXT,
    PRIMARY KEY (national_id, field)
);

CREATE TABLE sync_clients (
    client_id        TEXT PRIMARY KEY,
    national_id      TEXT NOT NULL REFERENCES employees (national_id),
    last_mutation_id BIGINT NOT NULL
);

CREATE TABLE sync_results (
    client_id   TEXT NOT NULL REFERENCES sync_clients (client_id),
    mutation_id BIGINT NOT NULL,
    digest      TEXT NOT NULL,
    result      TEXT NOT NULL,
    PRIMARY KEY (client_id, mutation_id)
);

CREATE TABLE uploads (
    id             TEXT PRIMARY KEY,
    owner          TEXT NOT NULL REFERENCES accounts (national_id),
    length         BIGINT NOT NULL CHECK (length >= 0),
    upload_offset  BIGINT NOT NULL DEFAULT 0 CHECK (upload_offset >= 0 AND upload_offset <= length),
    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
    filename       TEXT NOT NULL,
    filetype       TEXT,
    created_ms     BIGINT NOT NULL,
    expires_ms     BIGINT NOT NULL,
    -- One PATCH at a time, whichever node it reaches.
    lease_until_ms BIGINT,
    done           BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX uploads_expiry ON uploads (expires_ms);

CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size       BIGINT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('pdf', 'jpeg', 'png')),
    created_ms BIGINT NOT NULL
);

CREATE TABLE blob_owners (
    sha256     TEXT NOT NULL REFERENCES blobs (sha256),
    owner      TEXT NOT NULL REFERENCES accounts (national_id),
    filename   TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (sha256, owner)
);

CREATE SEQUENCE qualification_numbers;
CREATE TABLE qualification_records (
    id                 TEXT PRIMARY KEY CHECK (length(id) = 32),
    owner              TEXT NOT NULL REFERENCES employees (national_id),
    number_seq         BIGINT NOT NULL UNIQUE,
    transaction_number TEXT NOT NULL UNIQUE,
    receipt            TEXT NOT NULL,
    details            JSONB NOT NULL,
    attachments        JSONB NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('under_review', 'verified', 'rejected')),
    reason             TEXT,
    terms_version      TEXT NOT NULL,
    accepted_ms        BIGINT NOT NULL,
    submitted_ms       BIGINT NOT NULL,
    decided_ms         BIGINT,
    decided_by         TEXT,
    version            BIGINT NOT NULL
);
CREATE INDEX qualification_records_for_review ON qualification_records (state, submitted_ms);
CREATE INDEX qualification_records_by_owner ON qualification_records (owner);
CREATE INDEX qualification_records_attachments ON qualification_records USING GIN (attachments jsonb_path_ops);

CREATE SEQUENCE application_numbers;
CREATE TABLE applications (
    id                 TEXT PRIMARY KEY CHECK (length(id) = 32),
    owner              TEXT NOT NULL REFERENCES employees (national_id),
    opportunity_id     TEXT NOT NULL REFERENCES opportunities (id),
    number_seq         BIGINT NOT NULL UNIQUE,
    transaction_number TEXT NOT NULL UNIQUE,
    receipt            TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('received', 'accepted', 'declined')),
    reason             TEXT,
    submitted_ms       BIGINT NOT NULL,
    decided_ms         BIGINT,
    decided_by         TEXT,
    version            BIGINT NOT NULL,
    UNIQUE (owner, opportunity_id)
);
CREATE INDEX applications_by_opportunity ON applications (opportunity_id, state);

CREATE TABLE statement_codes (
    code        TEXT PRIMARY KEY,
    national_id TEXT NOT NULL REFERENCES accounts (national_id),
    facts       JSONB NOT NULL,
    issued_at   BIGINT NOT NULL
);
CREATE INDEX statement_codes_by_employee ON statement_codes (national_id, issued_at);

CREATE TABLE rate_limits (
    key    TEXT PRIMARY KEY,
    tat_ms BIGINT NOT NULL
);
CREATE INDEX rate_limits_by_time ON rate_limits (tat_ms);

-- Demo and --dev-sms servers only: the demo phone's messages, live codes included.
CREATE TABLE dev_sms (
    id          BIGSERIAL PRIMARY KEY,
    national_id TEXT NOT NULL,
    mobile      TEXT NOT NULL,
    text        TEXT NOT NULL,
    sent_ms     BIGINT NOT NULL
);
CREATE INDEX dev_sms_by_employee ON dev_sms (national_id, id);
