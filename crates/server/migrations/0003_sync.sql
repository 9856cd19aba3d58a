-- Sync: every record change gets a server sequence number; each field remembers the version
-- that last changed it (to tell a real conflict from an edit of another field); each client's
-- last applied mutation and every result are kept so a resent mutation is answered, not redone.

CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    national_id TEXT NOT NULL REFERENCES employees (national_id),
    kind        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    at          INTEGER NOT NULL
) STRICT;
CREATE INDEX changes_by_employee ON changes (national_id, seq);

-- Records that existed before sync: one change each, so a first pull brings them.
INSERT INTO changes (national_id, kind, version, at) SELECT national_id, 'profile', version, 0 FROM employees;

CREATE TABLE field_versions (
    national_id TEXT NOT NULL REFERENCES employees (national_id),
    field       TEXT NOT NULL,
    version     INTEGER NOT NULL,
    PRIMARY KEY (national_id, field)
) STRICT;

CREATE TABLE sync_clients (
    client_id        TEXT PRIMARY KEY,
    national_id      TEXT NOT NULL REFERENCES employees (national_id),
    last_mutation_id INTEGER NOT NULL
) STRICT;

CREATE TABLE sync_results (
    client_id   TEXT NOT NULL REFERENCES sync_clients (client_id),
    mutation_id INTEGER NOT NULL,
    digest      TEXT NOT NULL,
    result      TEXT NOT NULL,
    PRIMARY KEY (client_id, mutation_id)
) STRICT;
