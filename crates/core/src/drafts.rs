//! Drafts: what is typed in a form, kept in the vault as the employee types, so a crash or a
//! restart loses nothing.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Utc;

use crate::context::Context;
use crate::edits::{Draft, Form};
use crate::failure::SessionError;

#[derive(Debug, Clone)]
pub struct Drafts {
    cx: Arc<Context>,
}

impl Drafts {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    pub async fn save(&self, form: Form, values: BTreeMap<String, String>) -> Result<(), SessionError> {
        let json = serde_json::to_string(&values).map_err(|e| SessionError::Task(e.to_string()))?;
        self.cx
            .active()?
            .vault(move |vault| {
                if !vault.db.has_draft(form.as_str())? {
                    vault.expect_more(0, 1)?;
                }
                vault.db.save_draft(form.as_str(), &json, Utc::now())?;
                Ok(vault.note_unsent()?)
            })
            .await
    }

    pub async fn load(&self, form: Form) -> Result<Option<Draft>, SessionError> {
        self.cx
            .active()?
            .vault(move |vault| {
                let Some((json, saved_at)) = vault.db.draft(form.as_str())? else { return Ok(None) };
                // A draft that no longer reads (an older form) is not worth an error: start afresh.
                Ok(serde_json::from_str(&json).ok().map(|values| Draft { values, saved_at }))
            })
            .await
    }

    pub async fn discard(&self, form: Form) -> Result<(), SessionError> {
        self.cx
            .active()?
            .vault(move |vault| {
                vault.db.discard_draft(form.as_str())?;
                Ok(vault.note_unsent()?)
            })
            .await
    }
}
