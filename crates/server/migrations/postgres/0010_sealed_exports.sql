-- Sealed exports (see `masar_protocol::sealed`): the workstations' device keys registered for
-- each employee at sign-in (an export signed by one of them is that employee's), and the
-- server's age identity exports are encrypted to, made once and shared by every node.
CREATE TABLE device_keys (
    national_id   TEXT NOT NULL REFERENCES accounts (national_id),
    public_key    TEXT NOT NULL,
    registered_at BIGINT NOT NULL,
    PRIMARY KEY (national_id, public_key)
);

CREATE TABLE export_identity (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    identity   TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
