-- Submitted qualifications (the sync record kind `qualification`, beside the record's seeded ones
-- in `qualifications`) and their review by HR. A change row
-- now names its record within the kind (NULL: the employee's profile, one per employee).
ALTER TABLE changes ADD COLUMN record_id TEXT;

CREATE TABLE qualification_records (
    id                 TEXT PRIMARY KEY CHECK (length(id) = 32),
    owner              TEXT NOT NULL REFERENCES employees (national_id),
    number_seq         INTEGER NOT NULL UNIQUE,
    transaction_number TEXT NOT NULL UNIQUE,
    receipt            TEXT NOT NULL,
    details            TEXT NOT NULL,
    attachments        TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('under_review', 'verified', 'rejected')),
    reason             TEXT,
    terms_version      TEXT NOT NULL,
    accepted_ms        INTEGER NOT NULL,
    submitted_ms       INTEGER NOT NULL,
    decided_ms         INTEGER,
    decided_by         TEXT,
    version            INTEGER NOT NULL
) STRICT;
CREATE INDEX qualification_records_for_review ON qualification_records (state, submitted_ms);
CREATE INDEX qualification_records_by_owner ON qualification_records (owner);
