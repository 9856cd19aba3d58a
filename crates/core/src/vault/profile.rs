//! `profile.json`: what the workstation knows about an employee without opening the vault —
//! enough to list them on the start screen and to unwrap their key, nothing more.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use masar_protocol::NationalId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::crypto::{KdfParams, WrappedKey};

/// A profile's folder name: derived from the national ID, not the ID itself.
pub fn profile_id(id: &NationalId) -> String {
    let digest = Sha256::new().chain_update(b"masar-desktop-profile\0").chain_update(id.as_str()).finalize();
    hex::encode(&digest[..8])
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileMeta {
    pub version: u32,
    pub profile_id: String,
    /// Kept so the start screen can fill it in when the employee picks their tile; shown masked.
    pub national_id: String,
    /// `1********1`.
    pub masked_id: String,
    /// The given name only, for the start screen.
    pub display_name: String,
    pub kdf: KdfParams,
    pub salt: String,
    pub wrapped_key: WrappedKey,
    pub failed_unlocks: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_sign_in: DateTime<Utc>,
}

pub const PROFILE_VERSION: u32 = 1;

#[derive(Debug, Clone)]
pub struct ProfileStore {
    root: PathBuf,
}

impl ProfileStore {
    pub fn new(root: &Path) -> Self {
        Self { root: root.to_owned() }
    }

    pub fn dir(&self, profile_id: &str) -> PathBuf {
        self.root.join(profile_id)
    }

    pub fn vault_path(&self, profile_id: &str) -> PathBuf {
        self.dir(profile_id).join("vault.db")
    }

    fn meta_path(&self, profile_id: &str) -> PathBuf {
        self.dir(profile_id).join("profile.json")
    }

    pub fn load(&self, profile_id: &str) -> std::io::Result<Option<ProfileMeta>> {
        match std::fs::read(self.meta_path(profile_id)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(std::io::Error::other),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Every readable profile, most recent sign-in first.
    pub fn list(&self) -> Vec<ProfileMeta> {
        let Ok(entries) = std::fs::read_dir(&self.root) else { return Vec::new() };
        let mut profiles: Vec<ProfileMeta> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
            .filter(|name| !name.contains('.'))
            .filter_map(|id| self.load(&id).ok().flatten())
            .collect();
        profiles.sort_by_key(|meta| std::cmp::Reverse(meta.last_sign_in));
        profiles
    }

    /// Temp file, fsync, rename: a crash leaves the old or the new file, never half of one.
    pub fn save(&self, meta: &ProfileMeta) -> std::io::Result<()> {
        let dir = self.dir(&meta.profile_id);
        std::fs::create_dir_all(&dir)?;
        let json = serde_json::to_vec_pretty(meta).map_err(std::io::Error::other)?;
        let temporary = dir.join("profile.json.tmp");
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(&json)?;
        file.sync_all()?;
        std::fs::rename(&temporary, self.meta_path(&meta.profile_id))
    }
}
