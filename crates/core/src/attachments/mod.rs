//! Attached documents on the workstation: the encrypted, content-addressed store (`store`) and
//! its at-rest format (`sealed`).

pub mod sealed;
pub mod store;

pub use store::{AttachmentStore, ImportError, StoredFile};

use crate::active::SessionError;
use crate::vault::VaultError;
use crate::vault::handle::VaultAccess;

/// The open vault's attachment store (beside its database, encrypted with the vault's key).
pub(crate) fn store_of(vault: &mut VaultAccess<'_>) -> Result<AttachmentStore, SessionError> {
    let key = vault.db.attachment_key().map_err(VaultError::from)?;
    Ok(AttachmentStore::new(vault.db.folder().join("attachments"), key))
}
