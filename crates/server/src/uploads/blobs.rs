//! Where upload bytes live, behind [`BlobStore`]: an upload's bytes while they arrive, then the
//! blob of their SHA-256 once whole and verified (one copy per distinct content, however many
//! send it). Every write is durable before the database says it happened, so an offset the server
//! announced is kept.
//!
//! [`BlobDir`] keeps them in a directory every server node sees (`partial/<upload id>`, then
//! `sha256/<ab>/<hash>`). An S3-compatible store would map the same calls onto objects: an
//! upload's chunks as the parts of a multipart upload (`cut` drops the parts after the offset),
//! `verify` reading the assembled object, `promote` a copy to `sha256/<hash>` (conditional, so an
//! existing blob is kept), `read` a GET.

use std::io::Read;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use masar_protocol::attachments::{AttachmentKind, AttachmentLimits, FileProblem, inspect};
use sha2::{Digest, Sha256};
use tokio::fs::{self, File, OpenOptions};
use tokio::io::{AsyncRead, AsyncSeekExt, AsyncWriteExt};

/// The bytes of one upload from an offset on: written in order, then made durable.
#[async_trait]
pub trait PartWriter: Send {
    async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()>;
    /// Everything written is kept (fsynced, or acknowledged by the store) when this returns.
    async fn finish(self: Box<Self>) -> std::io::Result<()>;
}

/// Where uploads and blobs are kept.
#[async_trait]
pub trait BlobStore: std::fmt::Debug + Send + Sync {
    /// An empty upload.
    async fn create(&self, id: &str) -> std::io::Result<()>;
    /// The upload from `offset` on (anything after it is dropped: the database's offset is the
    /// truth).
    async fn open_at(&self, id: &str, offset: u64) -> std::io::Result<Box<dyn PartWriter>>;
    /// Cuts the upload back to `offset` (a chunk that failed its checksum).
    async fn cut(&self, id: &str, offset: u64) -> std::io::Result<()>;
    /// The whole upload's SHA-256 (hex) and what it is. `known`: its hash as computed while its
    /// bytes were written (then not read again).
    async fn verify(
        &self,
        id: &str,
        size: u64,
        limits: AttachmentLimits,
        known: Option<String>,
    ) -> std::io::Result<(String, Result<AttachmentKind, FileProblem>)>;
    /// The verified upload becomes the blob of its hash.
    async fn promote(&self, id: &str, sha256: &str) -> std::io::Result<()>;
    /// Drops an upload's bytes (ended, refused or expired); none is fine.
    async fn remove(&self, id: &str) -> std::io::Result<()>;
    /// Drops a blob nothing uses any more (see the collector); none is fine.
    async fn remove_blob(&self, sha256: &str) -> std::io::Result<()>;
    /// A verified blob's bytes.
    async fn read(&self, sha256: &str) -> std::io::Result<Box<dyn AsyncRead + Send + Unpin>>;
    /// A whole upload's bytes that do not become a blob (a sealed export brought to be imported).
    async fn read_upload(&self, id: &str) -> std::io::Result<Box<dyn AsyncRead + Send + Unpin>>;
    /// Whether bytes can be written and made durable now (readiness): a small file written,
    /// synced and removed.
    async fn probe(&self) -> std::io::Result<()>;
}

#[async_trait]
impl PartWriter for File {
    async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write_all(bytes).await
    }

    async fn finish(self: Box<Self>) -> std::io::Result<()> {
        self.sync_all().await
    }
}

#[derive(Debug, Clone)]
pub struct BlobDir {
    root: PathBuf,
}

/// Upload ids are ours (hex); anything else never reaches the file system.
fn is_upload_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_sha256(hex: &str) -> bool {
    hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl BlobDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn partial(&self, id: &str) -> std::io::Result<PathBuf> {
        if !is_upload_id(id) {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not an upload id"));
        }
        Ok(self.root.join("partial").join(id))
    }

    /// The verified blob of `sha256` (hex).
    pub fn blob(&self, sha256: &str) -> std::io::Result<PathBuf> {
        if !is_sha256(sha256) {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a SHA-256"));
        }
        Ok(self.root.join("sha256").join(&sha256[..2]).join(sha256))
    }
}

#[async_trait]
impl BlobStore for BlobDir {
    async fn create(&self, id: &str) -> std::io::Result<()> {
        let path = self.partial(id)?;
        let dir = path.parent().map(Path::to_owned).unwrap_or_default();
        fs::create_dir_all(&dir).await?;
        let file = OpenOptions::new().write(true).create_new(true).open(&path).await?;
        file.sync_all().await?;
        sync_dir(&dir).await
    }

    async fn open_at(&self, id: &str, offset: u64) -> std::io::Result<Box<dyn PartWriter>> {
        let mut file = OpenOptions::new().write(true).open(self.partial(id)?).await?;
        file.set_len(offset).await?;
        file.seek(std::io::SeekFrom::Start(offset)).await?;
        Ok(Box::new(file))
    }

    async fn cut(&self, id: &str, offset: u64) -> std::io::Result<()> {
        let file = OpenOptions::new().write(true).open(self.partial(id)?).await?;
        file.set_len(offset).await?;
        file.sync_all().await
    }

    async fn verify(
        &self,
        id: &str,
        size: u64,
        limits: AttachmentLimits,
        known: Option<String>,
    ) -> std::io::Result<(String, Result<AttachmentKind, FileProblem>)> {
        let path = self.partial(id)?;
        tokio::task::spawn_blocking(move || {
            let mut file = std::fs::File::open(&path)?;
            let kind = inspect(&mut file, size, &limits)?;
            let hash = match known {
                Some(hash) => hash,
                None => hash_file(&path)?,
            };
            Ok((hash, kind))
        })
        .await
        .map_err(std::io::Error::other)?
    }

    /// If that blob exists already, the bytes are the same: the upload's copy is dropped.
    async fn promote(&self, id: &str, sha256: &str) -> std::io::Result<()> {
        let from = self.partial(id)?;
        let to = self.blob(sha256)?;
        let dir = to.parent().map(Path::to_owned).unwrap_or_default();
        fs::create_dir_all(&dir).await?;
        if fs::try_exists(&to).await? {
            fs::remove_file(&from).await?;
        } else {
            fs::rename(&from, &to).await?;
            sync_dir(&dir).await?;
        }
        Ok(())
    }

    async fn remove(&self, id: &str) -> std::io::Result<()> {
        match fs::remove_file(self.partial(id)?).await {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    async fn remove_blob(&self, sha256: &str) -> std::io::Result<()> {
        match fs::remove_file(self.blob(sha256)?).await {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    async fn read(&self, sha256: &str) -> std::io::Result<Box<dyn AsyncRead + Send + Unpin>> {
        Ok(Box::new(File::open(self.blob(sha256)?).await?))
    }

    async fn read_upload(&self, id: &str) -> std::io::Result<Box<dyn AsyncRead + Send + Unpin>> {
        Ok(Box::new(File::open(self.partial(id)?).await?))
    }

    async fn probe(&self) -> std::io::Result<()> {
        let dir = self.root.join("partial");
        fs::create_dir_all(&dir).await?;
        let mut name = [0_u8; 8];
        getrandom::fill(&mut name).map_err(std::io::Error::other)?;
        let path = dir.join(format!("probe-{}", hex::encode(name)));
        let mut file = File::create(&path).await?;
        let written = async {
            file.write_all(b"ready").await?;
            file.sync_all().await
        }
        .await;
        let removed = fs::remove_file(&path).await;
        written.and(removed)
    }
}

/// SHA-256 of a file, streamed (never the whole file in memory).
pub fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0_u8; 256 * 1024];
    loop {
        match file.read(&mut buffer)? {
            0 => break,
            n => hasher.update(&buffer[..n]),
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

async fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir).await?.sync_all().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_ids_and_real_hashes_become_paths() {
        let blobs = BlobDir::new("/data/blobs");
        assert!(blobs.partial("../../etc/passwd").is_err());
        assert!(blobs.partial("0123456789abcdef0123456789abcdef").is_ok());
        assert!(blobs.blob(&"A".repeat(64)).is_err(), "upper case is not how we name blobs");
        let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(blobs.blob(hash).unwrap(), PathBuf::from(format!("/data/blobs/sha256/9f/{hash}")));
    }
}
