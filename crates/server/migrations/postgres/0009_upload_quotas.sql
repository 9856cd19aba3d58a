-- The uploads each employee started, for the daily quota (see SQLite's 0018).
CREATE TABLE upload_history (
    owner      TEXT NOT NULL REFERENCES accounts (national_id),
    started_ms BIGINT NOT NULL,
    bytes      BIGINT NOT NULL CHECK (bytes >= 0)
);
CREATE INDEX upload_history_owner ON upload_history (owner, started_ms);
CREATE INDEX upload_history_age ON upload_history (started_ms);
