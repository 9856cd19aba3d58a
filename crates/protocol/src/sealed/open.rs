//! Opening a sealed export: decrypting, checking the device key's signature, and handing out
//! each attachment as a stream that checks its size and SHA-256 as it is read.

use std::io::{self, Read};

use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

use super::{MAGIC, MAX_MANIFEST_BYTES, Manifest, SIGNATURE_BYTES, SealedAttachment, parse_device_key};

/// Why a file is not a sealed export this server may apply. Nothing of a file that fails is
/// applied: the caller reads it to its end before acting on it.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Not an age file at all (a wrong file chosen, or its start cut off).
    #[error("the file is not a sealed export")]
    NotSealed,
    /// Sealed for another server (no recipient stanza this server's key opens).
    #[error("the file was sealed for another server")]
    NotForThisServer,
    /// A byte changed, missing or added anywhere in the encrypted file.
    #[error("the file is damaged or was altered")]
    Damaged,
    /// Decrypted, but its plaintext is not this format (a version this server does not read).
    #[error("the file's content is not in the sealed export format")]
    BadFormat,
    /// The manifest's signature is not its device key's.
    #[error("the file's signature does not match its device key")]
    BadSignature,
    /// An attachment's bytes are not the ones the signed manifest names.
    #[error("the attachment «{name}» is not the file the manifest names")]
    AttachmentAltered { name: String },
    #[error("the file cannot be read: {0}")]
    Io(io::Error),
}

impl OpenError {
    /// A read error of the decrypted stream: age reports a failed chunk (changed, truncated) as
    /// invalid data or an early end.
    fn reading(error: io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => Self::Damaged,
            _ => match error.downcast::<OpenError>() {
                Ok(open) => open,
                Err(error) => Self::Io(error),
            },
        }
    }
}

/// A decrypted export whose manifest is signed by the key it names; the attachments follow.
pub struct Opened<R: Read> {
    pub manifest: Manifest,
    /// The key that signed it (the manifest's `device_key`, checked).
    pub device_key: VerifyingKey,
    reader: age::stream::StreamReader<R>,
    next: usize,
}

impl<R: Read> std::fmt::Debug for Opened<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("client_id", &self.manifest.client_id)
            .field("next", &self.next)
            .finish()
    }
}

/// Decrypts `input` with the server's identity and checks the manifest's signature.
pub fn open<R: Read>(input: R, identity: &age::x25519::Identity) -> Result<Opened<R>, OpenError> {
    // An empty or cut-short start is no age file either; only a failure to read is an error.
    let decryptor = age::Decryptor::new(input).map_err(|error| match error {
        age::DecryptError::Io(error)
            if !matches!(error.kind(), io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof) =>
        {
            OpenError::Io(error)
        }
        _ => OpenError::NotSealed,
    })?;
    let mut reader =
        decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(|error| match error {
            age::DecryptError::NoMatchingKeys => OpenError::NotForThisServer,
            age::DecryptError::Io(error) => OpenError::reading(error),
            _ => OpenError::Damaged,
        })?;
    let mut magic = [0_u8; MAGIC.len()];
    reader.read_exact(&mut magic).map_err(OpenError::reading)?;
    if magic != MAGIC {
        return Err(OpenError::BadFormat);
    }
    let mut length = [0_u8; 4];
    reader.read_exact(&mut length).map_err(OpenError::reading)?;
    let length = u32::from_be_bytes(length);
    if length > MAX_MANIFEST_BYTES {
        return Err(OpenError::BadFormat);
    }
    let mut json = vec![0_u8; length as usize];
    reader.read_exact(&mut json).map_err(OpenError::reading)?;
    let mut signature = [0_u8; SIGNATURE_BYTES];
    reader.read_exact(&mut signature).map_err(OpenError::reading)?;
    let manifest: Manifest = serde_json::from_slice(&json).map_err(|_| OpenError::BadFormat)?;
    if !manifest.attachments.iter().all(well_named) {
        return Err(OpenError::BadFormat);
    }
    let device_key = parse_device_key(&manifest.device_key).ok_or(OpenError::BadSignature)?;
    device_key
        .verify_strict(&Manifest::signed_bytes(&json), &Signature::from_bytes(&signature))
        .map_err(|_| OpenError::BadSignature)?;
    Ok(Opened { manifest, device_key, reader, next: 0 })
}

/// A SHA-256 in the form the server names blobs by: 64 lower-case hex digits.
fn well_named(attachment: &SealedAttachment) -> bool {
    attachment.sha256.len() == 64
        && attachment.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl<R: Read> Opened<R> {
    /// The next attachment's bytes, with its manifest entry; read each to its end before asking
    /// for the next. `None` after the last.
    pub fn next_attachment(&mut self) -> Option<AttachmentReader<'_, R>> {
        let sealed = self.manifest.attachments.get(self.next)?.clone();
        self.next += 1;
        Some(AttachmentReader { left: sealed.size, sealed, hasher: Sha256::new(), reader: &mut self.reader })
    }

    /// After the last attachment: every attachment was handed out and nothing follows it (age
    /// checks the last chunk is the last). Only then is the file whole and genuine.
    pub fn finish(mut self) -> Result<Manifest, OpenError> {
        if self.next != self.manifest.attachments.len() {
            return Err(OpenError::BadFormat);
        }
        let mut extra = [0_u8; 1];
        match self.reader.read(&mut extra).map_err(OpenError::reading)? {
            0 => Ok(self.manifest),
            _ => Err(OpenError::BadFormat),
        }
    }
}

/// One attachment's bytes as they are decrypted; the read that reaches its end checks its
/// SHA-256 and fails with [`OpenError::AttachmentAltered`] (inside the `io::Error`) if it differs.
pub struct AttachmentReader<'a, R: Read> {
    pub sealed: SealedAttachment,
    left: u64,
    hasher: Sha256,
    reader: &'a mut age::stream::StreamReader<R>,
}

impl<R: Read> std::fmt::Debug for AttachmentReader<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentReader")
            .field("sha256", &self.sealed.sha256)
            .field("left", &self.left)
            .finish()
    }
}

impl<R: Read> AttachmentReader<'_, R> {
    /// Reads the next piece into `buffer`: `Ok(0)` once the whole attachment was read and
    /// matched its SHA-256.
    pub fn read_checked(&mut self, buffer: &mut [u8]) -> Result<usize, OpenError> {
        if self.left == 0 {
            return Ok(0);
        }
        let want = usize::try_from(self.left.min(buffer.len() as u64)).unwrap_or(buffer.len());
        let read = self.reader.read(&mut buffer[..want]).map_err(OpenError::reading)?;
        if read == 0 {
            return Err(OpenError::Damaged);
        }
        self.hasher.update(&buffer[..read]);
        self.left -= read as u64;
        if self.left == 0 && hex::encode(self.hasher.finalize_reset()) != self.sealed.sha256 {
            return Err(OpenError::AttachmentAltered { name: self.sealed.name.clone() });
        }
        Ok(read)
    }
}

impl<R: Read> Read for AttachmentReader<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.read_checked(buffer).map_err(|error| match error {
            OpenError::Io(error) => error,
            other => io::Error::other(other),
        })
    }
}
