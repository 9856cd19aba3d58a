-- Escrow keys of the employees' vaults on their workstations: one per employee and vault id,
-- given only to that employee's access token (see `PUT /v1/me/vault-keys/{id}`).
CREATE TABLE vault_keys (
    national_id TEXT NOT NULL REFERENCES accounts (national_id),
    vault_id    TEXT NOT NULL,
    key         BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (national_id, vault_id)
) STRICT;
