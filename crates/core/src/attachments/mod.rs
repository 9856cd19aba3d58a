//! Attached documents on the workstation: the encrypted, content-addressed store (`store`) and
//! its at-rest format (`sealed`).

pub mod sealed;
pub mod store;

pub use store::{AttachmentStore, ImportError, StoredFile};
