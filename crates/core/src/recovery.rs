//! Recovering a copy of the signed-in employee's vault that a sign-in set aside (the password had
//! changed and the previous one was not at hand, or the keychain lost its secret).

use std::sync::Arc;

use masar_protocol::sync::PushRequest;
use serde::Serialize;

use crate::codes::{ErrorCode, UiError};
use crate::context::Context;
use crate::failure::{SessionError, is_network};
use crate::secret::SecretString;
use crate::signin::listing::previous_copies;
use crate::sync::plan::PUSH_BATCH;
use crate::tokens::off_thread;
use crate::vault::db::EditState;
use crate::vault::handle::VaultHandle;

/// What recovering a previous copy did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Recovery {
    /// Edits sent to the server from the copy now (the server applies each once).
    pub sent: u32,
    /// Edits the server refused or found in conflict, now shown in their forms here.
    pub to_review: u32,
    /// Drafts taken over (a form that already has a draft here keeps its own).
    pub drafts: u32,
    /// True when the copy held nothing more and was removed.
    pub removed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error("no such previous copy")]
    NoSuchCopy,
    #[error("recovering a previous copy needs the network")]
    NeedsNetwork,
    #[error(transparent)]
    Session(#[from] SessionError),
}

impl From<crate::vault::db::VaultDbError> for RecoveryError {
    fn from(error: crate::vault::db::VaultDbError) -> Self {
        Self::Session(error.into())
    }
}

impl RecoveryError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    pub fn to_ui(&self) -> UiError {
        match self {
            Self::NoSuchCopy => UiError::new(ErrorCode::CopyGone),
            Self::NeedsNetwork => UiError::new(ErrorCode::RecoveryNeedsNetwork),
            Self::Session(error) => error.to_ui(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PreviousCopies {
    cx: Arc<Context>,
}

impl PreviousCopies {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    /// Opens the copy with the password it had, sends its waiting edits under its own client id
    /// (so the server applies each exactly once, also one it already took before the answer was
    /// lost), then brings its drafts and the edits the server refused or found in conflict here.
    /// A copy left with nothing is removed; otherwise it stays listed.
    pub async fn recover(&self, copy: &str, previous: String) -> Result<Recovery, RecoveryError> {
        let active = self.cx.active()?;
        let vaults = self.cx.signin.vaults().clone();
        let profile = active.profile_id().to_owned();
        if !previous_copies(&vaults, &profile).iter().any(|known| known.id == copy) {
            return Err(RecoveryError::NoSuchCopy);
        }
        let (shared, folder, previous) = (vaults.clone(), copy.to_owned(), SecretString::from(previous));
        let old = off_thread(move || Ok(shared.unlock_set_aside(&folder, &previous)?)).await?;
        let old = VaultHandle::new(old, vaults.clone());
        let network = |error: SessionError| {
            if error.is_network() { RecoveryError::NeedsNetwork } else { RecoveryError::Session(error) }
        };
        let mut recovery = Recovery { sent: 0, to_review: 0, drafts: 0, removed: false };
        let client = self.cx.client();
        let token = active.token(&client, None).await.map_err(network)?;
        loop {
            let (client_id, batch) = old
                .run(|vault| Ok::<_, RecoveryError>((vault.db.client_id()?, vault.db.pending(PUSH_BATCH)?)))
                .await
                .map_err(flatten)?;
            if batch.is_empty() {
                break;
            }
            let request =
                PushRequest { client_id, mutations: batch.iter().map(|row| row.as_mutation()).collect() };
            let response = client.push(&token, &request).await.map_err(|e| {
                if is_network(&e) { RecoveryError::NeedsNetwork } else { RecoveryError::Session(e.into()) }
            })?;
            recovery.sent += u32::try_from(response.results.len()).unwrap_or(u32::MAX);
            old.run(move |vault| Ok::<_, RecoveryError>(vault.db.record_results(&response.results)?))
                .await
                .map_err(flatten)?;
        }
        let (answered, drafts) = old
            .run(|vault| {
                let answered: Vec<_> = vault
                    .db
                    .outbox()?
                    .into_iter()
                    .filter(|row| {
                        matches!(row.state, EditState::Conflict { .. } | EditState::Rejected { .. })
                    })
                    .collect();
                Ok::<_, RecoveryError>((answered, vault.db.drafts()?))
            })
            .await
            .map_err(flatten)?;
        let taken = (answered.clone(), drafts.clone());
        let (to_review, took_drafts) = active
            .vault(move |vault| {
                let (answered, drafts) = taken;
                let mut took = 0;
                for row in &answered {
                    vault.db.adopt_answered(row)?;
                }
                for (form, json, saved_at) in &drafts {
                    if !vault.db.has_draft(form)? {
                        vault.db.save_draft(form, json, *saved_at)?;
                        took += 1;
                    }
                }
                vault.note_unsent()?;
                Ok((u32::try_from(answered.len()).unwrap_or(u32::MAX), took))
            })
            .await?;
        recovery.to_review = to_review;
        recovery.drafts = took_drafts;
        // Taken over: out of the copy, so a second recovery does not bring them twice.
        let left = old
            .run(move |vault| {
                for row in &answered {
                    vault.db.clear(row.id)?;
                }
                for (form, _, _) in &drafts {
                    vault.db.discard_draft(form)?;
                }
                Ok::<_, RecoveryError>(vault.db.unsent_work()?)
            })
            .await
            .map_err(flatten)?;
        old.close().await;
        recovery.removed = left.is_empty();
        let (shared, copy) = (vaults.clone(), copy.to_owned());
        off_thread(move || {
            if left.is_empty() {
                shared.remove(&copy)?;
            } else {
                shared.note_unsent(&copy, left)?;
            }
            Ok(())
        })
        .await?;
        active.set_previous(previous_copies(&vaults, &profile));
        Ok(recovery)
    }
}

fn flatten(error: crate::vault::handle::HandleError<RecoveryError>) -> RecoveryError {
    use crate::vault::handle::HandleError;
    match error {
        HandleError::Closed => RecoveryError::Session(SessionError::NotSignedIn),
        HandleError::Task(reason) => RecoveryError::Session(SessionError::Task(reason)),
        HandleError::Work(error) => error,
    }
}
