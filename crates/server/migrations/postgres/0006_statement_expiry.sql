-- A statement code verifies until a time the server sets when it gives the code (and the
-- statement prints). Codes given before had no end: they get the default period of 90 days.
ALTER TABLE statement_codes ADD COLUMN expires_at BIGINT;
UPDATE statement_codes SET expires_at = issued_at + 90::BIGINT * 86400000;
ALTER TABLE statement_codes ALTER COLUMN expires_at SET NOT NULL;
