-- Qualifications being documented on this workstation: the draft (form values and attached
-- files), then — once sent — waiting for its files to upload before the submission is queued in
-- the outbox. Each attached file's upload: the tus URL and how far the server has it.
CREATE TABLE qualification_drafts (
    id         TEXT PRIMARY KEY,
    -- The local receipt number, given when the employee presses إرسال.
    receipt    TEXT UNIQUE,
    json       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('draft', 'waiting', 'queued')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE uploads (
    sha256   TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    name     TEXT NOT NULL,
    url      TEXT,
    sent     INTEGER NOT NULL DEFAULT 0,
    state    TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'verified', 'refused')),
    problem  TEXT
) STRICT;
