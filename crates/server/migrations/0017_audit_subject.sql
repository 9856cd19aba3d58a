-- The audit log as a trail per employee: the employee an entry is about (beside the account that
-- acted, `national_id`), and what it changed (fields before and after, HR's reason) as JSON.
ALTER TABLE audit_log ADD COLUMN subject TEXT;
ALTER TABLE audit_log ADD COLUMN detail TEXT;
CREATE INDEX audit_log_by_subject ON audit_log (subject, at);
