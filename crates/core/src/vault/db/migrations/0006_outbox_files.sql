-- A queued mutation may need files on the server before it can be applied (a qualification's
-- scans): their SHA-256s are kept with it (`blobs`, a JSON array), and sync uploads them for any
-- record kind. It takes its mutation id (`id`) only when every one of them is verified, so a file
-- still going up holds back its own mutation and never one queued after it, and the ids the
-- server sees still only grow. `seq` is the order of queueing; `record_id` names the record a
-- mutation of a kind with its own records is about (a qualification, an application).
CREATE TABLE outbox_next (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           INTEGER UNIQUE,
    record_id    TEXT,
    blobs        TEXT NOT NULL DEFAULT '[]',
    body         TEXT NOT NULL,
    fields       TEXT NOT NULL,
    base_version INTEGER NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending',
    result       TEXT,
    created_at   TEXT NOT NULL,
    CHECK (id IS NOT NULL OR (state = 'pending' AND blobs != '[]'))
) STRICT;

INSERT INTO outbox_next (seq, id, body, fields, base_version, state, result, created_at)
    SELECT id, id, body, fields, base_version, state, result, created_at FROM outbox ORDER BY id;

DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE INDEX outbox_record ON outbox (record_id) WHERE record_id IS NOT NULL;
