//! Gathering what waits in the vault and writing it sealed: the mutations not yet answered (in
//! their order, with their ids and base versions), the files their requests attach (each once,
//! streamed out of the encrypted store), to a file made whole or not at all.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use atomic_write_file::AtomicWriteFile;
use chrono::Utc;
use ed25519_dalek::SigningKey;
use masar_protocol::sealed::{Manifest, SealError, SealedAttachment, device_key_hex, seal};
use masar_protocol::sync::MutationBody;

use super::{ExportError, Exported};
use crate::active::{ActiveSession, SessionError};
use crate::attachments::{AttachmentStore, store_of};
use crate::vault::VaultError;

/// What goes into one export, read from the vault in one go.
pub struct ExportContents {
    pub manifest: Manifest,
    key: SigningKey,
    store: AttachmentStore,
}

impl std::fmt::Debug for ExportContents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key, nor the employee's data.
        f.debug_struct("ExportContents")
            .field("mutations", &self.manifest.mutations.len())
            .field("attachments", &self.manifest.attachments.len())
            .finish_non_exhaustive()
    }
}

/// Numbers the requests still waiting for their files (they take their ids now) and reads every
/// mutation not yet answered, with the files they attach.
pub(super) async fn collect(active: &ActiveSession) -> Result<ExportContents, SessionError> {
    let national_id = active.national_id().as_str().to_owned();
    active
        .vault(move |vault| {
            let key = vault.db.device_key().map_err(VaultError::from)?;
            vault.db.number_held_for_export().map_err(VaultError::from)?;
            let rows = vault.db.unanswered().map_err(VaultError::from)?;
            let client_id = vault.db.client_id().map_err(VaultError::from)?;
            let mut seen = HashSet::new();
            let mut attachments = Vec::new();
            for row in &rows {
                if let MutationBody::SubmitQualification(request) = &row.body {
                    for file in &request.attachments {
                        if seen.insert(file.sha256.clone()) {
                            attachments.push(SealedAttachment {
                                sha256: file.sha256.clone(),
                                size: file.size,
                                name: file.name.clone(),
                            });
                        }
                    }
                }
            }
            let manifest = Manifest {
                national_id,
                client_id,
                device_key: device_key_hex(&key.verifying_key()),
                created_at: Utc::now(),
                mutations: rows.iter().map(|row| row.as_mutation()).collect(),
                attachments,
            };
            let store = store_of(vault)?;
            vault.note_unsent()?;
            Ok(ExportContents { manifest, key, store })
        })
        .await
}

/// Seals `contents` to the server's `recipient` into `path`, off the async threads.
pub(super) async fn seal_to(
    contents: ExportContents,
    recipient: &str,
    path: PathBuf,
) -> Result<Exported, ExportError> {
    let recipient: age::x25519::Recipient = recipient.parse().map_err(|_| ExportError::NoRecipient)?;
    tokio::task::spawn_blocking(move || write_file(&contents, &recipient, &path))
        .await
        .map_err(|e| SessionError::Task(e.to_string()))?
}

fn write_file(
    contents: &ExportContents,
    recipient: &age::x25519::Recipient,
    path: &std::path::Path,
) -> Result<Exported, ExportError> {
    let file = AtomicWriteFile::open(path).map_err(ExportError::Write)?;
    let sealed = seal(BufWriter::new(file), recipient, &contents.key, &contents.manifest, |_, attachment| {
        contents.store.open(&attachment.sha256)
    })
    .map_err(|error| match error {
        SealError::AttachmentChanged { name } => ExportError::Attachment(name),
        SealError::Io(error) => ExportError::Write(error),
        other => ExportError::Write(std::io::Error::other(other.to_string())),
    })?;
    let mut file = sealed.into_inner().map_err(|error| ExportError::Write(error.into_error()))?;
    file.flush().map_err(ExportError::Write)?;
    file.commit().map_err(ExportError::Write)?;
    let bytes = std::fs::metadata(path).map_err(ExportError::Write)?.len();
    let name = |p: Option<&std::ffi::OsStr>| p.map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Exported {
        file_name: name(path.file_name()),
        folder: name(path.parent().map(std::path::Path::as_os_str)),
        items: u32::try_from(contents.manifest.mutations.len()).unwrap_or(u32::MAX),
        files: u32::try_from(contents.manifest.attachments.len()).unwrap_or(u32::MAX),
        bytes,
    })
}
