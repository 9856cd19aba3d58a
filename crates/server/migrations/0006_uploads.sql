-- Resumable uploads (tus 1.0.0) and the documents they become. An upload's bytes live in a file
-- named by its id until they are whole and verified; then they are a blob, named by its SHA-256
-- (stored once however many employees send it). The offset here is the truth after a restart: a
-- partial file longer than it is cut back to it.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL REFERENCES accounts (national_id),
    length INTEGER NOT NULL CHECK (length >= 0),
    upload_offset INTEGER NOT NULL DEFAULT 0 CHECK (upload_offset >= 0 AND upload_offset <= length),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    filename TEXT NOT NULL,
    filetype TEXT,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    -- One PATCH at a time, whichever node it reaches: a lease, not a lock in a process.
    lease_until_ms INTEGER,
    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
);
CREATE INDEX uploads_expiry ON uploads (expires_ms);

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('pdf', 'jpeg', 'png')),
    created_ms INTEGER NOT NULL
);

-- Who has sent a blob (each employee proves they hold the bytes by sending them).
CREATE TABLE blob_owners (
    sha256 TEXT NOT NULL REFERENCES blobs (sha256),
    owner TEXT NOT NULL REFERENCES accounts (national_id),
    filename TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (sha256, owner)
);
