-- A tus upload is an attachment (it becomes a blob) or a sealed export brought to be imported
-- (read once by the import, then removed; outside the attachment quotas, with its own bound).
ALTER TABLE uploads ADD COLUMN purpose TEXT NOT NULL DEFAULT 'attachment';
