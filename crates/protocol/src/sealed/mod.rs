//! The sealed export: everything an employee has not sent, carried out of a workstation as one
//! file and applied exactly once wherever it arrives (`POST /v1/imports`).
//!
//! The file is an [age](https://age-encryption.org/v1) file encrypted to masar-server's X25519
//! recipient, so nothing in it can be read on the way, and age's payload is authenticated chunk
//! by chunk (a changed or missing byte anywhere fails). Its plaintext is:
//!
//! ```text
//! "masar-sealed/1\n"
//! u32 big-endian length, then the manifest as JSON (whose, which client, which device key,
//!     when, the queued mutations, and each attachment's SHA-256, size and name)
//! 64 bytes: the device key's Ed25519 signature over "masar-sealed/1\n" followed by the manifest
//! each attachment's bytes, in the manifest's order, exactly its size
//! ```
//!
//! Anyone can encrypt to the server's public key, so the signature is what says who wrote it:
//! the workstation's device key, registered with the server for the employee at sign-in. The
//! manifest names each attachment by its SHA-256, so the signature covers the files too; they
//! stream through (nothing is held whole in memory) and are checked as they pass.

mod open;
mod seal;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::sync::Mutation;

pub use open::{AttachmentReader, OpenError, Opened, open};
pub use seal::{SealError, seal};

/// The first line of the plaintext: the format and its version.
pub const MAGIC: &[u8] = b"masar-sealed/1\n";
/// The largest manifest accepted (the mutations' JSON; the files are outside it).
pub const MAX_MANIFEST_BYTES: u32 = 16 * 1024 * 1024;
/// An Ed25519 signature's length.
pub const SIGNATURE_BYTES: usize = 64;
/// The file name's extension.
pub const EXTENSION: &str = "masar";
/// The first bytes of every sealed export: the age format's header line.
pub const AGE_HEADER: &[u8] = b"age-encryption.org/v1\n";

/// Whether the first bytes of a file (however few) may begin a sealed export.
pub fn may_be_sealed(head: &[u8]) -> bool {
    let n = head.len().min(AGE_HEADER.len());
    head[..n] == AGE_HEADER[..n]
}

/// What the file holds besides the files' bytes. Signed whole by the device key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// The employee whose work this is.
    pub national_id: String,
    /// The installation's client id the mutations were queued under: applied under it, so
    /// whatever was applied before (or is sent later by that workstation) counts once.
    pub client_id: String,
    /// The workstation's Ed25519 public key (hex), registered for the employee at sign-in.
    pub device_key: String,
    /// When the file was written (the server refuses files older than its limit).
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The queued mutations, in their order, with their ids and base versions.
    pub mutations: Vec<Mutation>,
    /// The files the mutations' qualification requests attach, in the order their bytes follow.
    pub attachments: Vec<SealedAttachment>,
}

/// One file carried in the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SealedAttachment {
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    pub size: u64,
    /// The name the employee attached it under.
    pub name: String,
}

impl Manifest {
    /// The bytes the device key signs: the format line, then the manifest.
    pub fn signed_bytes(json: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(MAGIC.len() + json.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(json);
        bytes
    }

    /// The plaintext's length: what a progress bar and a size check go by.
    pub fn attachments_bytes(&self) -> u64 {
        self.attachments.iter().map(|a| a.size).sum()
    }
}

/// A device key's public half as the manifest and the server keep it.
pub fn device_key_hex(key: &ed25519_dalek::VerifyingKey) -> String {
    hex::encode(key.as_bytes())
}

/// The public half from its hex form; `None` when it is not a valid Ed25519 point.
pub fn parse_device_key(text: &str) -> Option<ed25519_dalek::VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text).ok()?.try_into().ok()?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes).ok()
}
