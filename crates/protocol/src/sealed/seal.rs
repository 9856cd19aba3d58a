//! Writing a sealed export (see the module's documentation for the format).

use std::io::{self, Read, Write};

use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};

use super::{MAGIC, MAX_MANIFEST_BYTES, Manifest, SealedAttachment};

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the export cannot be written: {0}")]
    Io(#[from] io::Error),
    #[error("the manifest is larger than a sealed export may hold")]
    TooLarge,
    /// A file's bytes on this workstation are not the ones its request names (its size or
    /// SHA-256 differ): nothing that does not match is sealed.
    #[error("the attachment «{name}» is not the file its request names")]
    AttachmentChanged { name: String },
    #[error("the manifest cannot be encoded: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the export cannot be encrypted: {0}")]
    Encrypt(#[from] age::EncryptError),
}

/// Writes `manifest` and its attachments into `output`, encrypted to `recipient` and signed by
/// `signer`; `attachment` opens each file's bytes (called in the manifest's order, once each).
/// The files stream through in 64 KiB pieces. Returns `output` once the age stream is finished.
pub fn seal<W, R, F>(
    output: W,
    recipient: &age::x25519::Recipient,
    signer: &SigningKey,
    manifest: &Manifest,
    mut attachment: F,
) -> Result<W, SealError>
where
    W: Write,
    R: Read,
    F: FnMut(usize, &SealedAttachment) -> io::Result<R>,
{
    let json = serde_json::to_vec(manifest)?;
    let length = u32::try_from(json.len())
        .ok()
        .filter(|length| *length <= MAX_MANIFEST_BYTES)
        .ok_or(SealError::TooLarge)?;
    let signature = signer.sign(&Manifest::signed_bytes(&json));
    let encryptor = age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient))?;
    let mut writer = encryptor.wrap_output(output)?;
    writer.write_all(MAGIC)?;
    writer.write_all(&length.to_be_bytes())?;
    writer.write_all(&json)?;
    writer.write_all(&signature.to_bytes())?;
    for (index, sealed) in manifest.attachments.iter().enumerate() {
        copy_checked(attachment(index, sealed)?, &mut writer, sealed)?;
    }
    Ok(writer.finish()?)
}

/// Copies exactly the file's size, hashing as it goes; the source must end there and hash to
/// the manifest's SHA-256.
fn copy_checked(
    mut source: impl Read,
    to: &mut impl Write,
    sealed: &SealedAttachment,
) -> Result<(), SealError> {
    let changed = || SealError::AttachmentChanged { name: sealed.name.clone() };
    let mut buffer = vec![0_u8; 64 * 1024];
    let mut hasher = Sha256::new();
    let mut left = sealed.size;
    while left > 0 {
        let want = usize::try_from(left.min(buffer.len() as u64)).unwrap_or(buffer.len());
        let read = source.read(&mut buffer[..want])?;
        if read == 0 {
            return Err(changed());
        }
        hasher.update(&buffer[..read]);
        to.write_all(&buffer[..read])?;
        left -= read as u64;
    }
    if source.read(&mut buffer[..1])? != 0 || hex::encode(hasher.finalize()) != sealed.sha256 {
        return Err(changed());
    }
    Ok(())
}
