//! «تصدير ما لم يُرسل» and «استيراد ملف»: everything this employee has not sent carried out of the
//! workstation as one sealed file (see `masar_protocol::sealed`), and such a file sent to Masar
//! from another workstation or HR's screen. The workstation's device key (Ed25519) lives in the
//! vault and is registered for the employee at each online sign-in; the server's recipient key is
//! kept in the vault then, so an export is written offline.

mod write;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;
use masar_protocol::imports::ImportReport;
use serde::Serialize;

use crate::active::SessionError;
use crate::client::ImportDoor;
use crate::codes::{ErrorCode, UiError};
use crate::context::Context;
use crate::signin::device::RECIPIENT_KEPT;
use crate::vault::VaultError;

pub use write::ExportContents;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    /// The file's name and the folder it is in (shown, never a path the webview sends back).
    pub file_name: String,
    pub folder: String,
    /// Edits, requests and applications in it.
    pub items: u32,
    /// Attachments carried.
    pub files: u32,
    #[specta(type = f64)]
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Nothing waits: there is nothing to carry.
    #[error("nothing to export")]
    NothingToExport,
    /// This workstation never reached the server since exports exist: it does not know the key
    /// to seal to.
    #[error("the server's export key is not known on this workstation")]
    NoRecipient,
    /// An attachment is missing from the store or changed there.
    #[error("an attachment cannot be read from the store: {0}")]
    Attachment(String),
    /// The chosen place cannot be written (no permission, the disk or stick is full).
    #[error("the export cannot be written: {0}")]
    Write(std::io::Error),
    #[error(transparent)]
    Session(#[from] SessionError),
}

impl ExportError {
    pub fn to_ui(&self) -> UiError {
        match self {
            Self::NothingToExport => UiError::new(ErrorCode::NothingToExport),
            Self::NoRecipient => UiError::new(ErrorCode::ExportNeedsConnection),
            Self::Attachment(_) | Self::Write(_) => UiError::new(ErrorCode::FileUnreadable),
            Self::Session(error) => error.to_ui(),
        }
    }
}

impl From<VaultError> for ExportError {
    fn from(error: VaultError) -> Self {
        Self::Session(error.into())
    }
}

#[derive(Debug, Clone)]
pub struct Exports {
    cx: Arc<Context>,
}

impl Exports {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    /// The name an export written now gets: whose (masked) and when.
    pub fn suggested_name(&self) -> Result<String, SessionError> {
        let id = self.cx.active()?.national_id().masked().replace('*', "x");
        Ok(format!(
            "masar-unsent-{id}-{}.{}",
            Utc::now().format("%Y%m%d-%H%M"),
            masar_protocol::sealed::EXTENSION
        ))
    }

    /// Writes everything this employee has not sent to `path`, sealed to the server and signed
    /// by this workstation. A request whose files are still to go up takes its mutation id now
    /// (the file carries it); this workstation's own sync still sends its files first, then it.
    pub async fn export_to(&self, path: PathBuf) -> Result<Exported, ExportError> {
        let active = self.cx.active()?;
        let recipient = active
            .vault(|vault| Ok(vault.db.kept(RECIPIENT_KEPT).map_err(VaultError::from)?))
            .await?
            .ok_or(ExportError::NoRecipient)?;
        let contents = write::collect(&active).await?;
        if contents.manifest.mutations.is_empty() {
            return Err(ExportError::NothingToExport);
        }
        write::seal_to(contents, &recipient, path).await
    }

    /// Sends a sealed file to Masar, through the employee's door or HR's; a sync round follows so
    /// what it applied shows here.
    pub async fn import(&self, path: PathBuf, door: ImportDoor) -> Result<ImportReport, SessionError> {
        let (active, client) = (self.cx.active()?, self.cx.client());
        let (client, path) = (&*client, path.as_path());
        let report = active
            .with_token(client, |token| async move { client.import_sealed(&token, path, door).await })
            .await?;
        self.cx.wake_sync.notify_one();
        Ok(report)
    }
}
