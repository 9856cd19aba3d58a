-- Codes printed on service statements, with what each certified (verified without sign-in).
CREATE TABLE statement_codes (
    code TEXT PRIMARY KEY,
    national_id TEXT NOT NULL REFERENCES accounts (national_id),
    facts TEXT NOT NULL,
    issued_at INTEGER NOT NULL
);
CREATE INDEX statement_codes_by_employee ON statement_codes (national_id, issued_at);
