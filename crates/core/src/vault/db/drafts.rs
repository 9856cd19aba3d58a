//! Drafts: what is typed in a form and not yet saved as an edit, one per form (the form's name
//! is the caller's key; storage knows nothing of forms).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{VaultDb, VaultDbError, time};

impl VaultDb {
    /// Saves what is typed in a form (`form` names it) over the previous draft.
    pub fn save_draft(&self, form: &str, json: &str, now: DateTime<Utc>) -> Result<(), VaultDbError> {
        self.conn.execute(
            "INSERT INTO drafts (form, json, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (form) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at",
            params![form, json, now.to_rfc3339()],
        )?;
        Ok(())
    }

    pub fn draft(&self, form: &str) -> Result<Option<(String, DateTime<Utc>)>, VaultDbError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row("SELECT json, updated_at FROM drafts WHERE form = ?1", [form], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        Ok(row.map(|(json, at)| (json, time(&at))))
    }

    /// Every draft: form, values, when saved.
    pub fn drafts(&self) -> Result<Vec<(String, String, DateTime<Utc>)>, VaultDbError> {
        let mut statement = self.conn.prepare("SELECT form, json, updated_at FROM drafts ORDER BY form")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (form, json, at) = row?;
            out.push((form, json, time(&at)));
        }
        Ok(out)
    }

    pub fn discard_draft(&self, form: &str) -> Result<(), VaultDbError> {
        self.conn.execute("DELETE FROM drafts WHERE form = ?1", [form])?;
        Ok(())
    }

    pub fn has_draft(&self, form: &str) -> Result<bool, VaultDbError> {
        Ok(self.draft(form)?.is_some())
    }
}
