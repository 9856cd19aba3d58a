//! توثيق المؤهل on the workstation: drafts (حفظ), files attached into the encrypted store, sending
//! (إرسال) with a local receipt number at once and the submission into the outbox, held there
//! until sync has uploaded its files and the server has verified them, and the list with each one's state
//! (draft, waiting, uploading n %, under review, verified, rejected with HR's reason).

pub mod form;
pub mod kind;
mod on_record;
mod state;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use masar_protocol::attachments::{AttachmentLimits, check_name};
use masar_protocol::qualification::QualificationSubmission;
use masar_protocol::qualification::{
    AttachmentRef, AttachmentRole, QualificationRecord, QualificationStatus,
};
use masar_protocol::sync::{MutationBody, RecordKind};
use masar_protocol::validate::FieldError;
use serde::{Deserialize, Serialize};

use masar_protocol::attachments::FileProblem;

use crate::active::SessionError;
use crate::attachments::{ImportError, store_of};
use crate::client::Document;
use crate::codes::{ErrorCode, ErrorDetail, ErrorParams, UiError};
use crate::context::Context;
use crate::stage::Stage;
use crate::vault::VaultError;
use crate::vault::db::{DraftState, UploadState};
use crate::vault::handle::VaultAccess;
pub use form::QualificationForm;
pub use on_record::UpdateDraft;
pub use state::{FileProgress, ItemState};

/// What a sent qualification was sent with (kept until the server has it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sent {
    pub receipt: String,
    pub form: QualificationForm,
    pub accepted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct QualificationItem {
    pub id: String,
    pub receipt: Option<String>,
    /// The server's transaction number once it accepted the submission.
    pub transaction_number: Option<String>,
    pub form: QualificationForm,
    pub state: ItemState,
    /// Where it stands in the model every screen shares; none for a draft (never sent).
    pub stage: Option<Stage>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum QualificationError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error("file not accepted: {0}")]
    File(#[from] ImportError),
    #[error("the file's name is not accepted")]
    Name,
    /// What the server would refuse, per field; nothing was sent.
    #[error("the qualification is not complete")]
    Invalid(Vec<FieldError>),
    #[error("no such qualification")]
    NoSuchQualification,
}

impl QualificationError {
    pub fn to_ui(&self) -> UiError {
        let file = |detail| {
            UiError::with(
                ErrorCode::FileNotAccepted,
                ErrorParams { detail: Some(detail), ..ErrorParams::default() },
            )
        };
        match self {
            Self::Session(error) => error.to_ui(),
            Self::File(ImportError::Refused(problem)) => file(match problem {
                FileProblem::Empty => ErrorDetail::FileEmpty,
                FileProblem::NotADocument => ErrorDetail::FileNotADocument,
                FileProblem::Truncated => ErrorDetail::FileTruncated,
                FileProblem::TooManyPixels { .. } => ErrorDetail::FileTooManyPixels,
                FileProblem::TooLarge { .. } => ErrorDetail::FileTooLarge,
            }),
            Self::File(ImportError::Changed) => file(ErrorDetail::FileChanged),
            Self::File(ImportError::Io(_)) => UiError::new(ErrorCode::FileUnreadable),
            Self::Name => file(ErrorDetail::FileName),
            Self::Invalid(errors) => {
                UiError { fields: errors.clone(), ..UiError::new(ErrorCode::InvalidInput) }
            }
            Self::NoSuchQualification => UiError::new(ErrorCode::NotFound),
        }
    }
}

/// A new random id (32 hex characters), as the server expects.
fn new_id() -> Result<String, SessionError> {
    crate::ids::new_record_id().map_err(|e| SessionError::Task(e.to_string()))
}

#[derive(Debug, Clone)]
pub struct Qualifications {
    cx: Arc<Context>,
}

impl Qualifications {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    /// What the server accepts: asked when it answers (and kept in the vault), else what it
    /// said last, else the protocol's defaults. The server checks again whatever this says.
    pub async fn limits(&self) -> Result<AttachmentLimits, QualificationError> {
        let active = self.cx.active()?;
        let fresh =
            tokio::time::timeout(std::time::Duration::from_secs(3), self.cx.client().attachment_limits())
                .await;
        if let Ok(Ok(limits)) = fresh {
            let json = serde_json::to_string(&limits).map_err(|e| SessionError::Task(e.to_string()))?;
            active.vault(move |vault| Ok(vault.db.set_kept("attachment_limits", &json)?)).await?;
            return Ok(limits);
        }
        let kept = active.vault(|vault| Ok(vault.db.kept("attachment_limits")?)).await?;
        Ok(kept.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default())
    }

    /// A new, empty draft's id.
    pub fn new_draft(&self) -> Result<String, QualificationError> {
        Ok(new_id()?)
    }

    /// Copies a file into the encrypted store (checked by content) and returns what the form
    /// attaches. The file is recorded with the draft when the draft is saved.
    pub async fn attach(
        &self,
        path: PathBuf,
        role: AttachmentRole,
    ) -> Result<AttachmentRef, QualificationError> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        check_name(&name).map_err(|_| QualificationError::Name)?;
        let active = self.cx.active()?;
        let limits = self.limits().await?;
        let store = active.vault(store_of).await?;
        let stored = tokio::task::spawn_blocking(move || store.import(&path, &limits))
            .await
            .map_err(|e| SessionError::Task(e.to_string()))??;
        Ok(AttachmentRef { sha256: stored.sha256, name, kind: stored.kind, size: stored.size, role })
    }

    /// حفظ: the draft and its files, in one vault transaction.
    pub async fn save(&self, id: String, form: QualificationForm) -> Result<(), QualificationError> {
        let json = serde_json::to_string(&form).map_err(|e| SessionError::Task(e.to_string()))?;
        let active = self.cx.active()?;
        active
            .vault(move |vault| {
                let files: Vec<(String, u64, String, String)> = form
                    .attachments
                    .iter()
                    .map(|a| (a.sha256.clone(), a.size, a.kind.as_str().to_owned(), a.name.clone()))
                    .collect();
                let entries: Vec<_> =
                    files.iter().map(|(s, z, k, n)| (s.as_str(), *z, k.as_str(), n.as_str())).collect();
                vault.expect_more(0, 1)?;
                vault.db.save_qualification(&id, &json, &entries, Utc::now())?;
                Ok(vault.note_unsent()?)
            })
            .await?;
        Ok(())
    }

    /// إرسال: checked as the server will check it; then it has its receipt number at once and
    /// waits for its files to upload (the sync loop sends them).
    pub async fn send(&self, id: String, form: QualificationForm) -> Result<String, QualificationError> {
        let errors = form.check(&self.limits().await?, Utc::now().date_naive());
        if !errors.is_empty() {
            return Err(QualificationError::Invalid(errors));
        }
        self.save(id.clone(), form.clone()).await?;
        let active = self.cx.active()?;
        let receipt = active
            .vault(move |vault| {
                let receipt = vault.db.next_receipt(Utc::now())?;
                let sent = Sent { receipt: receipt.clone(), form, accepted_at: Utc::now() };
                let json = serde_json::to_string(&sent).map_err(|e| SessionError::Task(e.to_string()))?;
                let (body, blobs) = submission(&id, sent)?;
                vault.expect_more(1, 0)?;
                vault.db.send_qualification(&id, &receipt, &json, &body, &blobs, Utc::now())?;
                vault.note_unsent()?;
                Ok(receipt)
            })
            .await?;
        self.cx.wake_sync.notify_one();
        Ok(receipt)
    }

    /// A rejected (or verified) qualification amended: a draft again with what the server holds,
    /// its files kept (they are verified already); returns the form to edit.
    pub async fn amend(&self, id: String) -> Result<QualificationForm, QualificationError> {
        let active = self.cx.active()?;
        active
            .vault(move |vault| {
                let record = vault
                    .db
                    .server_records(RecordKind::Qualification)?
                    .into_iter()
                    .filter_map(|json| serde_json::from_str::<QualificationRecord>(&json).ok())
                    .find(|record| record.id == id);
                let Some(record) = record else { return Ok(Err(QualificationError::NoSuchQualification)) };
                let form = QualificationForm::from_record(&record);
                let json = serde_json::to_string(&form).map_err(|e| SessionError::Task(e.to_string()))?;
                vault.expect_more(0, 1)?;
                vault.db.reopen_qualification(&id, &json, Utc::now())?;
                vault.note_unsent()?;
                Ok(Ok(form))
            })
            .await?
    }

    /// An attached file decrypted into memory (for its preview in the form); never written out.
    pub async fn document(&self, sha256: String) -> Result<Document, QualificationError> {
        let active = self.cx.active()?;
        let store = active.vault(store_of).await?;
        let bytes = tokio::task::spawn_blocking(move || {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut store.open(&sha256)?, &mut bytes)?;
            Ok::<_, std::io::Error>(bytes)
        })
        .await
        .map_err(|e| SessionError::Task(e.to_string()))?
        .map_err(|e| QualificationError::File(ImportError::Io(e)))?;
        let kind =
            masar_protocol::attachments::sniff(&bytes).ok_or(QualificationError::NoSuchQualification)?;
        Ok(Document { kind, bytes: bytes.into() })
    }

    /// Every qualification: drafts and sent ones here, and what the server holds.
    pub async fn list(&self) -> Result<Vec<QualificationItem>, QualificationError> {
        let active = self.cx.active()?;
        Ok(active.vault(list).await?)
    }
}

/// What goes into the outbox for a sent qualification: the submission, and the files the server
/// must have verified before it is pushed.
pub(crate) fn submission(id: &str, sent: Sent) -> Result<(MutationBody, Vec<String>), SessionError> {
    let Sent { receipt, form, accepted_at } = sent;
    let details =
        form.details().map_err(|_| SessionError::Task("a sent qualification lost its details".into()))?;
    let blobs = form.attachments.iter().map(|a| a.sha256.clone()).collect();
    let submission = QualificationSubmission {
        id: id.to_owned(),
        receipt,
        details,
        attachments: form.attachments,
        terms_version: masar_protocol::qualification::TERMS_VERSION.into(),
        accepted_at,
        updates: form.updates,
    };
    Ok((MutationBody::SubmitQualification(Box::new(submission)), blobs))
}

pub(crate) fn list(vault: &mut VaultAccess<'_>) -> Result<Vec<QualificationItem>, SessionError> {
    let mut items = Vec::new();
    let server: Vec<QualificationRecord> = vault
        .db
        .server_records(RecordKind::Qualification)?
        .into_iter()
        .filter_map(|json| serde_json::from_str(&json).ok())
        .collect();
    for row in vault.db.qualification_rows()? {
        let on_server = server.iter().find(|q| q.id == row.id);
        let (form, state) = match row.state {
            DraftState::Draft => (serde_json::from_str(&row.json).unwrap_or_default(), ItemState::Draft),
            DraftState::Waiting | DraftState::Queued => {
                let sent: Option<Sent> = serde_json::from_str(&row.json).ok();
                let form = sent.map(|s| s.form).unwrap_or_default();
                // In the outbox with its mutation id: on its way; else still waiting for its files.
                let held = row.state == DraftState::Waiting
                    || vault.db.is_held(&row.id).map_err(VaultError::from)?;
                let state = if held { progress(vault, &form)? } else { ItemState::Queued };
                (form, state)
            }
        };
        // Once the server has this send (its receipt), the server's state is the one to show; an
        // older answer (the rejection an amendment replies to) is not.
        let state = match on_server {
            Some(record)
                if row.state == DraftState::Queued && row.receipt.as_deref() == Some(&record.receipt) =>
            {
                server_state(record)
            }
            _ => state,
        };
        items.push(QualificationItem {
            id: row.id.clone(),
            receipt: row.receipt.clone(),
            transaction_number: on_server.map(|q| q.transaction_number.clone()),
            form,
            stage: state.stage(),
            state,
            updated_at: row.updated_at,
        });
    }
    let here: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    for record in server.iter().filter(|q| !here.contains(&q.id)) {
        items.push(QualificationItem {
            id: record.id.clone(),
            receipt: Some(record.receipt.clone()),
            transaction_number: Some(record.transaction_number.clone()),
            form: QualificationForm::from_record(record),
            stage: server_state(record).stage(),
            state: server_state(record),
            updated_at: record.decided_at.unwrap_or(record.submitted_at),
        });
    }
    Ok(items)
}

fn server_state(record: &QualificationRecord) -> ItemState {
    match record.state {
        QualificationStatus::UnderReview => ItemState::UnderReview,
        QualificationStatus::Verified => ItemState::Verified,
        QualificationStatus::Rejected => {
            ItemState::Rejected { reason: record.reason.clone().unwrap_or_default() }
        }
    }
}

fn progress(vault: &mut VaultAccess<'_>, form: &QualificationForm) -> Result<ItemState, SessionError> {
    let mut files = Vec::new();
    for attachment in &form.attachments {
        let Some(upload) = vault.db.upload(&attachment.sha256).map_err(VaultError::from)? else { continue };
        if upload.state == UploadState::Refused {
            return Ok(ItemState::FileRefused { name: upload.name });
        }
        let sent = if upload.state == UploadState::Verified { upload.size } else { upload.sent };
        #[allow(clippy::cast_precision_loss, reason = "byte counts shown as a percentage")]
        files.push(FileProgress {
            sha256: upload.sha256,
            name: upload.name,
            sent_bytes: sent as f64,
            total_bytes: upload.size as f64,
        });
    }
    let sent_bytes = files.iter().map(|f| f.sent_bytes).sum();
    let total_bytes = files.iter().map(|f| f.total_bytes).sum();
    Ok(ItemState::Waiting { sent_bytes, total_bytes, files })
}
