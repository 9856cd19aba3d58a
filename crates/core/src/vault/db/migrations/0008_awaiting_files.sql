-- A request that went out in a sealed export before its files were uploaded took its mutation
-- id then (the file carries it). It still waits for its files here: the sync engine uploads them
-- first, and pushes nothing from that id on until they are verified, so the ids the server sees
-- from this workstation only grow.
ALTER TABLE outbox ADD COLUMN awaiting_files INTEGER NOT NULL DEFAULT 0;
