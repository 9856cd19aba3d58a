-- The uploads each employee started, for the daily quota (rows older than a day are removed by
-- the collector). A blob owner's created_ms is from now on the last time they sent it: the
-- collector keeps a blob anyone sent within the grace period.
CREATE TABLE upload_history (
    owner TEXT NOT NULL REFERENCES accounts (national_id),
    started_ms INTEGER NOT NULL,
    bytes INTEGER NOT NULL CHECK (bytes >= 0)
);
CREATE INDEX upload_history_owner ON upload_history (owner, started_ms);
CREATE INDEX upload_history_age ON upload_history (started_ms);
