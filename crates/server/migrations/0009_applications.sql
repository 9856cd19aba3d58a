-- Applications for training courses and scholarships (the sync record kind `application`):
-- received with a transaction number, then accepted (within the seats) or declined with the reason.
-- One application per employee and opportunity.
CREATE TABLE applications (
    id                 TEXT PRIMARY KEY CHECK (length(id) = 32),
    owner              TEXT NOT NULL REFERENCES employees (national_id),
    opportunity_id     TEXT NOT NULL REFERENCES opportunities (id),
    number_seq         INTEGER NOT NULL UNIQUE,
    transaction_number TEXT NOT NULL UNIQUE,
    receipt            TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('received', 'accepted', 'declined')),
    reason             TEXT,
    submitted_ms       INTEGER NOT NULL,
    decided_ms         INTEGER,
    decided_by         TEXT,
    version            INTEGER NOT NULL,
    UNIQUE (owner, opportunity_id)
) STRICT;
CREATE INDEX applications_by_opportunity ON applications (opportunity_id, state);
