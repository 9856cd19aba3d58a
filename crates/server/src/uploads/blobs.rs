//! Where upload bytes live: `partial/<upload id>` while they arrive, then `sha256/<ab>/<hash>`
//! once whole and verified (one file per distinct content, however many send it). Every write
//! is fsynced before the database says it happened, so an offset the server announced is on disk.

use std::io::Read;
use std::path::{Path, PathBuf};

use masar_protocol::attachments::{AttachmentKind, AttachmentLimits, FileProblem, inspect};
use sha2::{Digest, Sha256};
use tokio::fs::{self, File, OpenOptions};
use tokio::io::AsyncSeekExt;

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

    /// An empty file for a new upload.
    pub async fn create(&self, id: &str) -> std::io::Result<()> {
        let path = self.partial(id)?;
        let dir = path.parent().map(Path::to_owned).unwrap_or_default();
        fs::create_dir_all(&dir).await?;
        let file = OpenOptions::new().write(true).create_new(true).open(&path).await?;
        file.sync_all().await?;
        sync_dir(&dir).await
    }

    /// The upload's file positioned at `offset`, anything after it cut off (bytes a PATCH wrote
    /// but never counted: the database's offset is the truth).
    pub async fn open_at(&self, id: &str, offset: u64) -> std::io::Result<File> {
        let mut file = OpenOptions::new().write(true).open(self.partial(id)?).await?;
        file.set_len(offset).await?;
        file.seek(std::io::SeekFrom::Start(offset)).await?;
        Ok(file)
    }

    /// Cuts the upload's file back to `offset` (a chunk that failed its checksum).
    pub async fn cut(&self, id: &str, offset: u64) -> std::io::Result<()> {
        let file = OpenOptions::new().write(true).open(self.partial(id)?).await?;
        file.set_len(offset).await?;
        file.sync_all().await
    }

    /// The whole upload's SHA-256 (hex) and what it is, read from disk in a blocking task.
    pub async fn verify(
        &self,
        id: &str,
        size: u64,
        limits: AttachmentLimits,
    ) -> std::io::Result<(String, Result<AttachmentKind, FileProblem>)> {
        let path = self.partial(id)?;
        tokio::task::spawn_blocking(move || {
            let mut file = std::fs::File::open(&path)?;
            let kind = inspect(&mut file, size, &limits)?;
            let hash = hash_file(&path)?;
            Ok((hash, kind))
        })
        .await
        .map_err(std::io::Error::other)?
    }

    /// The verified upload becomes the blob of its hash (if that blob exists already, the bytes
    /// are the same: the upload's copy is dropped).
    pub async fn promote(&self, id: &str, sha256: &str) -> std::io::Result<()> {
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

    /// Drops an upload's bytes (ended, refused or expired); no file is fine.
    pub async fn remove(&self, id: &str) -> std::io::Result<()> {
        match fs::remove_file(self.partial(id)?).await {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
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
