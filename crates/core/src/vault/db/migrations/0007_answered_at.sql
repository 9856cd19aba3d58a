-- When the server answered each mutation: shown as the time the item reached Masar.
ALTER TABLE outbox ADD COLUMN answered_at TEXT;
