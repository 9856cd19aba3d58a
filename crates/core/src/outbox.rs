//! The outbox: edits queued in the vault (checked first as the server will check them), settled
//! after a conflict, dismissed after a refusal. The sync engine sends them.

use std::sync::Arc;

use chrono::Utc;
use masar_protocol::sync::MutationBody;
use masar_protocol::validate::FieldError;

use crate::codes::{ErrorCode, UiError};
use crate::context::Context;
use crate::edits::{EmployeeView, form_of, local_view};
use crate::failure::SessionError;
use crate::outgoing::OutgoingItem;
use crate::vault::UnsentWork;
use crate::vault::db::EditState;

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("the edit is not valid")]
    Invalid(Vec<FieldError>),
    #[error("no such edit")]
    NoSuchEdit,
    #[error(transparent)]
    Session(#[from] SessionError),
}

impl EditError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    pub fn to_ui(&self) -> UiError {
        match self {
            Self::Invalid(errors) => {
                UiError { fields: errors.clone(), ..UiError::new(ErrorCode::InvalidInput) }
            }
            Self::NoSuchEdit => UiError::new(ErrorCode::EditGone),
            Self::Session(error) => error.to_ui(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Outbox {
    cx: Arc<Context>,
}

impl Outbox {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    /// Queues an edit after checking it as the server will (nothing is queued if it is
    /// invalid), starts a sync round, and returns the view with the edit on top.
    pub async fn queue_edit(
        &self,
        body: MutationBody,
        fields: Vec<String>,
    ) -> Result<EmployeeView, EditError> {
        if let Err(errors) = masar_protocol::sync::check(&body) {
            return Err(EditError::Invalid(errors));
        }
        let active = self.cx.active()?;
        active
            .vault(move |vault| {
                let base = vault.db.server_profile()?.map_or(0, |(_, version)| version);
                vault.expect_more(1, 0)?;
                vault.db.queue(&body, &fields, base, form_of(&body).as_str(), Utc::now())?;
                Ok(vault.note_unsent()?)
            })
            .await?;
        self.cx.wake_sync.notify_one();
        Ok(local_view(&active).await?)
    }

    /// After a conflict: keep the server's values (drop my edit) or mine (queue it again on top
    /// of the server's version).
    pub async fn resolve_conflict(&self, id: u64, keep_mine: bool) -> Result<EmployeeView, EditError> {
        let active = self.cx.active()?;
        active
            .vault(move |vault| {
                let rows = vault.db.outbox()?;
                let Some(row) = rows.iter().find(|r| r.id == id) else {
                    return Ok(Err(EditError::NoSuchEdit));
                };
                let EditState::Conflict { version, .. } = &row.state else {
                    return Ok(Err(EditError::NoSuchEdit));
                };
                if keep_mine {
                    vault.expect_more(1, 0)?;
                    vault.db.queue(
                        &row.body,
                        &row.fields,
                        *version,
                        form_of(&row.body).as_str(),
                        Utc::now(),
                    )?;
                }
                vault.db.clear(id)?;
                vault.note_unsent()?;
                Ok(Ok(()))
            })
            .await??;
        if keep_mine {
            self.cx.wake_sync.notify_one();
        }
        Ok(local_view(&active).await?)
    }

    /// Dismisses a rejected edit's message.
    pub async fn dismiss_edit(&self, id: u64) -> Result<EmployeeView, EditError> {
        let active = self.cx.active()?;
        active
            .vault(move |vault| {
                vault.db.clear(id)?;
                Ok(vault.note_unsent()?)
            })
            .await?;
        Ok(local_view(&active).await?)
    }

    /// What the signed-in (or locked) employee's vault holds that the server has not taken:
    /// asked before signing out, so the employee is warned first. Locked, the vault is shut and
    /// the profile's count answers; `None` when it is not known (a profile from before it was
    /// kept), which the UI warns about as "may hold".
    pub async fn unsent_work(&self) -> Result<Option<UnsentWork>, SessionError> {
        if let Some(profile) = self.cx.signin.locked_profile() {
            let meta =
                self.cx.signin.vaults().profiles().load(&profile).map_err(crate::vault::VaultError::from)?;
            return Ok(meta.and_then(|meta| meta.unsent));
        }
        let active = self.cx.active()?;
        Ok(Some(active.vault(|vault| Ok(vault.unsent_work()?)).await?))
    }

    /// «الصادر»: everything sent from here and where each stands, the newest first.
    pub async fn outgoing(&self) -> Result<Vec<OutgoingItem>, SessionError> {
        let active = self.cx.active()?;
        active
            .vault(|vault| {
                let qualifications = crate::qualifications::list(vault)?;
                crate::outgoing::list(vault.db, qualifications)
            })
            .await
    }

    /// The last edit id this vault ever handed out (the crash test numbers its edits from it).
    pub async fn last_mutation_id(&self) -> Result<u64, SessionError> {
        self.cx.active()?.vault(|vault| Ok(vault.db.last_mutation_id()?)).await
    }
}
