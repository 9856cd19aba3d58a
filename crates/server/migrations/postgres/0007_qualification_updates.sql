-- تحديث المؤهل: a request may update a qualification already on the employee's record (its id
-- in the record's history); verified, the record's qualification takes the request's details.
ALTER TABLE qualification_records ADD COLUMN updates TEXT;
