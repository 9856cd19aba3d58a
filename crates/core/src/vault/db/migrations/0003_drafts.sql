-- Form input typed but not yet saved with تحديث: kept across restarts, removed in the same
-- transaction that queues the edit.
CREATE TABLE drafts (
    form       TEXT PRIMARY KEY,
    json       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
