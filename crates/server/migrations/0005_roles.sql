-- Roles: an account is an employee's, or an HR officer's (who is an employee too). HR-only
-- routes refuse every other role.
ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'employee'
    CHECK (role IN ('employee', 'hr_officer'));
