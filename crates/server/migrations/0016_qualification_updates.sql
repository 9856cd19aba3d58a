-- تحديث المؤهل: a request may update a qualification already on the employee's record (its id
-- in `qualifications`); verified, the record's qualification takes the request's details.
ALTER TABLE qualification_records ADD COLUMN updates TEXT;
