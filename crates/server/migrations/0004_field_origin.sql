-- Which sync client last changed each field (NULL: HR or another server-side change), so an
-- employee's later edit is never a conflict with their own earlier one from the same
-- workstation.
ALTER TABLE field_versions ADD COLUMN changed_by TEXT;
