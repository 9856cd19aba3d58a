-- Codes are counted per sign-in across resends, and resends are capped: the attempt keeps how
-- many new codes it was sent.
ALTER TABLE challenges ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;
