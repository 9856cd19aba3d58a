//! The app's attachment store: each attached file copied in once, streamed (never whole in
//! memory) through SHA-256 and encryption, fsynced, then named. Content-addressed — the same file
//! twice is stored once — but by a name keyed with the vault's attachment key, so neither the
//! names nor the bytes on disk say anything of the document.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use masar_protocol::attachments::{AttachmentKind, AttachmentLimits, FileProblem, inspect};
use sha2::{Digest, Sha256};

use super::sealed::{OpenReader, SealWriter};
use crate::secret::{ExposeSecret, Key};

/// A file in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// Of the plaintext, hex: what the server is told and verifies.
    pub sha256: String,
    pub size: u64,
    pub kind: AttachmentKind,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Not a document the service accepts (by its content), damaged, too large, a bomb.
    #[error("file refused: {0}")]
    Refused(FileProblem),
    /// The file changed while it was read (saved over by a scanner, say): try again.
    #[error("the file changed while it was being read")]
    Changed,
    #[error(transparent)]
    Io(#[from] io::Error),
}

#[derive(Debug)]
pub struct AttachmentStore {
    dir: PathBuf,
    key: Key,
}

impl AttachmentStore {
    pub fn new(dir: PathBuf, key: Key) -> Self {
        Self { dir, key }
    }

    /// Where a file of this content lives: a name keyed with the vault's key.
    fn path_of(&self, sha256: &str) -> PathBuf {
        let mut name = Sha256::new();
        name.update(b"masar attachment name\0");
        name.update(self.key.expose_secret());
        name.update(sha256.as_bytes());
        self.dir.join(hex::encode(name.finalize()))
    }

    pub fn contains(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_file()
    }

    /// Copies `source` in: checked by content against `limits`, hashed and encrypted in one pass
    /// into a temporary file, fsynced, then renamed to its name (already there: the same bytes,
    /// kept once).
    pub fn import(&self, source: &Path, limits: &AttachmentLimits) -> Result<StoredFile, ImportError> {
        let mut input = File::open(source)?;
        let size = input.metadata()?.len();
        let kind = inspect(&mut input, size, limits)?.map_err(ImportError::Refused)?;
        input.seek(SeekFrom::Start(0))?;
        fs::create_dir_all(&self.dir)?;
        let temporary = self.dir.join(format!(".incoming-{}", hex::encode(random_prefix()?)));
        let result = self.seal_into(&mut BufReader::with_capacity(256 * 1024, input), &temporary, size);
        let sha256 = match result {
            Ok(sha256) => sha256,
            Err(error) => {
                let _ = fs::remove_file(&temporary);
                return Err(error);
            }
        };
        let target = self.path_of(&sha256);
        if target.exists() {
            fs::remove_file(&temporary)?;
        } else {
            fs::rename(&temporary, &target)?;
            File::open(&self.dir)?.sync_all()?;
        }
        Ok(StoredFile { sha256, size, kind })
    }

    fn seal_into(&self, input: &mut impl Read, temporary: &Path, size: u64) -> Result<String, ImportError> {
        let file = File::create(temporary)?;
        let mut sealed =
            SealWriter::new(BufWriter::with_capacity(256 * 1024, file), &self.key, random_prefix()?)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0_u8; 256 * 1024];
        let mut read_total = 0_u64;
        loop {
            let n = input.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            sealed.write_all(&buffer[..n])?;
            read_total += n as u64;
        }
        if read_total != size {
            return Err(ImportError::Changed);
        }
        let file = sealed.finish()?.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        Ok(hex::encode(hasher.finalize()))
    }

    /// The plaintext of a stored file, decrypted as it is read.
    pub fn open(&self, sha256: &str) -> io::Result<OpenReader<BufReader<File>>> {
        let file = File::open(self.path_of(sha256))?;
        OpenReader::new(BufReader::with_capacity(256 * 1024, file), &self.key)
    }

    /// The plaintext from `offset` on (to resume an upload there).
    pub fn open_at(&self, sha256: &str, offset: u64) -> io::Result<OpenReader<BufReader<File>>> {
        let file = File::open(self.path_of(sha256))?;
        OpenReader::at(BufReader::with_capacity(256 * 1024, file), &self.key, offset)
    }

    pub fn remove(&self, sha256: &str) -> io::Result<()> {
        match fs::remove_file(self.path_of(sha256)) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

fn random_prefix() -> io::Result<[u8; 19]> {
    let mut bytes = [0_u8; 19];
    getrandom::fill(&mut bytes).map_err(|error| io::Error::other(error.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &Path) -> AttachmentStore {
        AttachmentStore::new(dir.join("attachments"), crate::secret::key([3; 32]))
    }

    use masar_test_utils::marked_pdf as pdf_with;

    #[test]
    fn a_file_goes_in_once_encrypted_and_comes_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("شهادة.pdf");
        let bytes = pdf_with("MASAR-PLAINTEXT-MARKER", 20_000);
        std::fs::write(&source, &bytes).unwrap();
        let store = store(dir.path());
        let stored = store.import(&source, &AttachmentLimits::default()).unwrap();
        assert_eq!(stored.sha256, hex::encode(Sha256::digest(&bytes)));
        assert_eq!((stored.size, stored.kind), (bytes.len() as u64, AttachmentKind::Pdf));
        let again = store.import(&source, &AttachmentLimits::default()).unwrap();
        assert_eq!(again, stored);

        let files: Vec<PathBuf> =
            std::fs::read_dir(dir.path().join("attachments")).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1, "the same file twice is stored once, no temporary left");
        let on_disk = std::fs::read(&files[0]).unwrap();
        let marker = b"MASAR-PLAINTEXT-MARKER";
        assert!(!on_disk.windows(marker.len()).any(|w| w == marker), "nothing of the document on disk");
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert_ne!(name, stored.sha256, "the name is not the document's hash");

        let mut back = Vec::new();
        store.open(&stored.sha256).unwrap().read_to_end(&mut back).unwrap();
        assert_eq!(back, bytes);
        let mut tail = Vec::new();
        store.open_at(&stored.sha256, 100_000).unwrap().read_to_end(&mut tail).unwrap();
        assert_eq!(tail, &bytes[100_000..]);
    }

    #[test]
    fn a_program_named_pdf_is_refused_and_nothing_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("cv.pdf");
        let mut program = b"MZ\x90\0\x03\0\0\0".to_vec();
        program.resize(10_000, 0);
        std::fs::write(&source, program).unwrap();
        let store = store(dir.path());
        let refused = store.import(&source, &AttachmentLimits::default()).unwrap_err();
        assert!(matches!(refused, ImportError::Refused(FileProblem::NotADocument)), "{refused:?}");
        assert!(
            !dir.path().join("attachments").exists()
                || std::fs::read_dir(dir.path().join("attachments")).unwrap().count() == 0
        );
    }
}
