-- What several server nodes must share lives here, never in a process: the sign-in rate limit per
-- client address (GCRA's theoretical arrival time, Unix ms) and the dev SMS outbox (demo and
-- --dev-sms servers only: it holds live codes, which is what the demo phone panel shows).
CREATE TABLE rate_limits (
    key    TEXT PRIMARY KEY,
    tat_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX rate_limits_by_time ON rate_limits (tat_ms);

CREATE TABLE dev_sms (
    id          INTEGER PRIMARY KEY,
    national_id TEXT NOT NULL,
    mobile      TEXT NOT NULL,
    text        TEXT NOT NULL,
    sent_ms     INTEGER NOT NULL
) STRICT;
CREATE INDEX dev_sms_by_employee ON dev_sms (national_id, id);
