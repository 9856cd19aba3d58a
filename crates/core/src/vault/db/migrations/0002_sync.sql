-- Offline edits and sync state. The outbox is written in the same transaction as the edit and
-- keeps each mutation until the server's answer has been seen by the user.
CREATE TABLE server_profile (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    json    TEXT NOT NULL
) STRICT;

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    body         TEXT NOT NULL,
    fields       TEXT NOT NULL,
    base_version INTEGER NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending',
    result       TEXT,
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
