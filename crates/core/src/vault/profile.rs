//! `profile.json`: what the workstation knows about an employee without opening the vault —
//! enough to list them on the start screen and to unwrap their key, nothing more.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::crypto::{KdfParams, WrappedKey};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileMeta {
    pub version: u32,
    /// The vault's id (and its folder's name): random, it says nothing about whose it is. The
    /// server keeps the vault's escrow key under it for its employee alone.
    pub profile_id: String,
    /// `1********1`: the start screen's tile. No full national ID is kept outside the vault.
    pub masked_id: String,
    /// The given name only, for the start screen.
    pub display_name: String,
    pub kdf: KdfParams,
    pub salt: String,
    /// The data key wrapped under the passphrase (with the keychain's secret where there is one).
    pub wrapped_key: WrappedKey,
    /// The data key wrapped under the escrow key the server keeps for this employee and vault:
    /// a single sign-on opens the vault whatever happened to the passphrase.
    #[serde(default)]
    pub escrow_key: Option<WrappedKey>,
    /// Wrong passphrases in a row.
    pub failed_unlocks: u32,
    /// Too many wrong passphrases: only a single sign-on opens the vault now.
    #[serde(default)]
    pub needs_sign_on: bool,
    pub last_sign_in: DateTime<Utc>,
    /// At least as much work as the vault holds that the server has not taken yet, kept here so
    /// the start screen, and a sign-in whose password no longer opens the vault, know what is at
    /// stake without opening it. Raised before a change that may add to it and set exactly
    /// after, so a crash in between leaves it too high, never too low. `None`: a profile written
    /// before it was kept (unknown, so treated as possibly holding work).
    #[serde(default)]
    pub unsent: Option<UnsentWork>,
    /// What guards the wrapped key besides the password. Profiles written before this was kept
    /// all used the keychain.
    #[serde(default)]
    pub protection: KeyProtection,
}

/// What the key that unwraps the vault's data key is derived from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum KeyProtection {
    /// The password and a per-profile secret kept in the system keychain: the files and the
    /// password together still do not open the vault.
    #[default]
    Keychain,
    /// The password alone (Argon2id): a workstation without a system keychain. Moves to the
    /// keychain at the first unlock that finds one.
    PasswordOnly,
}

/// Work in a vault that exists nowhere else yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UnsentWork {
    /// Edits the server has not applied: waiting to be sent, or in conflict and waiting for the
    /// employee's choice.
    pub edits: u32,
    /// Forms typed into and not yet saved.
    pub drafts: u32,
}

impl UnsentWork {
    pub fn is_empty(self) -> bool {
        self.edits == 0 && self.drafts == 0
    }

    /// This much and up to `edits` and `drafts` more: the bound kept before a change.
    #[must_use]
    pub fn plus(self, edits: u32, drafts: u32) -> Self {
        Self { edits: self.edits.saturating_add(edits), drafts: self.drafts.saturating_add(drafts) }
    }
}

/// 2: the vault id, no national ID, the escrow key (the single sign-on).
pub const PROFILE_VERSION: u32 = 2;

/// The file in a profile's folder that holds its session's refresh token, sealed by the vault
/// (see `crate::tokens`).
pub const SEALED_SESSION_FILE: &str = "refresh-token.sealed";

/// A folder set aside beside the profiles: `<profile id>.previous-<unix seconds>`.
pub fn set_aside_folder(profile_id: &str, stamp: i64) -> String {
    format!("{profile_id}.previous-{stamp}")
}

#[derive(Debug, Clone)]
pub struct ProfileStore {
    root: PathBuf,
}

impl ProfileStore {
    pub fn new(root: &Path) -> Self {
        Self { root: root.to_owned() }
    }

    pub fn root(&self) -> &Path {
        &self.root
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
        let mut profiles: Vec<ProfileMeta> =
            self.folders(|name| !name.contains('.')).into_iter().map(|(_, meta)| meta).collect();
        profiles.sort_by_key(|meta| std::cmp::Reverse(meta.last_sign_in));
        profiles
    }

    /// Vaults set aside (a sign-in replaced them while they still held work), by folder name.
    pub fn set_aside(&self) -> Vec<(String, ProfileMeta)> {
        let mut found = self.folders(|name| name.contains(".previous-"));
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    fn folders(&self, keep: impl Fn(&str) -> bool) -> Vec<(String, ProfileMeta)> {
        let Ok(entries) = std::fs::read_dir(&self.root) else { return Vec::new() };
        entries
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
            .filter(|name| keep(name))
            .filter_map(|folder| self.load(&folder).ok().flatten().map(|meta| (folder, meta)))
            .collect()
    }

    /// Saves the profile of its own folder.
    pub fn save(&self, meta: &ProfileMeta) -> std::io::Result<()> {
        self.save_in(&meta.profile_id, meta)
    }

    /// Durably (see [`crate::files`]): a crash leaves the old or the new file, never half of
    /// one, and the rename itself survives a power cut.
    pub fn save_in(&self, folder: &str, meta: &ProfileMeta) -> std::io::Result<()> {
        std::fs::create_dir_all(self.dir(folder))?;
        let json = serde_json::to_vec_pretty(meta).map_err(std::io::Error::other)?;
        crate::files::write_durably(&self.meta_path(folder), &json, true)
    }
}

/// Makes a rename or a new entry in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsent_work_adds_up_and_knows_when_it_is_none() {
        let work = UnsentWork { edits: 2, drafts: 1 };
        assert_eq!(work.plus(1, 0), UnsentWork { edits: 3, drafts: 1 });
        assert_eq!(work.plus(0, 1), UnsentWork { edits: 2, drafts: 2 });
        assert_eq!(UnsentWork { edits: u32::MAX, drafts: 0 }.plus(1, 0).edits, u32::MAX);
        assert!(UnsentWork::default().is_empty());
        assert!(!UnsentWork { edits: 0, drafts: 1 }.is_empty());
        assert!(!UnsentWork { edits: 1, drafts: 0 }.is_empty());
    }
}
