//! Each employee who signs in on this workstation gets an encrypted local database (the vault)
//! under `profiles/<profile id>/`. See `crypto` for the keys.

pub mod crypto;
pub mod db;
pub mod handle;
pub mod profile;
pub mod protection;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use masar_protocol::NationalId;

use crate::keychain::{Keychain, KeychainError};
use crate::secret::{ExposeSecret, Key, SecretString};
use crypto::{CryptoError, KdfParams};
pub use db::VaultDb;
use db::VaultDbError;
pub use profile::{KeyProtection, ProfileMeta, ProfileStore, UnsentWork, profile_id};
pub use protection::KeyNotice;
use protection::secret_account;

/// Wrong offline passwords before the profile locks.
pub const MAX_FAILED_UNLOCKS: u32 = 5;
/// How long it then stays locked.
pub const UNLOCK_LOCKOUT_MINUTES: i64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("wrong password ({remaining} tries left before the profile locks)")]
    WrongPassword { remaining: u32 },
    #[error("profile locked until {until}")]
    Locked { until: DateTime<Utc> },
    #[error("no profile for this employee on this workstation")]
    NoProfile,
    #[error("the profile's keychain secret is gone")]
    SecretMissing,
    /// A sign-in the server confirmed, with a password that does not open the vault: it was
    /// changed since the vault was made.
    #[error("the password changed since this vault was made")]
    PasswordChanged,
    #[error("the previous password does not open this vault")]
    PreviousPasswordWrong,
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error("vault file error: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Db(#[from] VaultDbError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// An unlocked vault: the open database. Dropping it closes the database; the data key itself
/// is not kept once SQLCipher has it.
#[derive(Debug)]
pub struct OpenVault {
    pub profile_id: String,
    pub db: VaultDb,
    /// How the vault is protected now.
    pub protection: KeyProtection,
    /// What changed in that at this opening, to tell the employee once.
    pub notice: Option<KeyNotice>,
    /// Seals the refresh token where there is no keychain to keep it (derived from the data
    /// key, one way).
    pub refresh_key: std::sync::Arc<Key>,
}

impl OpenVault {
    fn new(profile_id: String, db: VaultDb, data_key: &Key, protection: KeyProtection) -> Self {
        let refresh_key = crypto::subkey(data_key, protection::REFRESH_TOKEN_PURPOSE);
        Self { profile_id, db, protection, notice: None, refresh_key: std::sync::Arc::new(refresh_key) }
    }
}

#[derive(Debug, Clone)]
pub struct Vaults {
    profiles: ProfileStore,
    keychain: Keychain,
    kdf: KdfParams,
}

impl Vaults {
    pub fn new(root: &Path, keychain: Keychain, kdf: KdfParams) -> Self {
        Self { profiles: ProfileStore::new(root), keychain, kdf }
    }

    pub fn profiles(&self) -> &ProfileStore {
        &self.profiles
    }

    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }

    /// A new vault for `id`. A folder already there (a vault whose profile was never written, or
    /// one the caller decided to replace) is set aside first, never deleted.
    pub fn create(
        &self,
        id: &NationalId,
        display_name: &str,
        password: &SecretString,
        now: DateTime<Utc>,
    ) -> Result<OpenVault, VaultError> {
        let profile_id = profile_id(id);
        if self.profiles.dir(&profile_id).exists() {
            self.set_aside(&profile_id, now)?;
        }
        let dir = self.profiles.dir(&profile_id);
        std::fs::create_dir_all(&dir)?;
        let secret = self.new_secret(&profile_id)?;
        let data_key = crate::secret::key(crypto::random::<32>()?);
        let mut meta = ProfileMeta {
            version: profile::PROFILE_VERSION,
            profile_id: profile_id.clone(),
            national_id: id.to_string(),
            masked_id: id.masked(),
            display_name: display_name.to_owned(),
            kdf: self.kdf,
            salt: String::new(),
            wrapped_key: crypto::WrappedKey { nonce: String::new(), ciphertext: String::new() },
            failed_unlocks: 0,
            locked_until: None,
            last_sign_in: now,
            unsent: Some(UnsentWork::default()),
            protection: KeyProtection::Keychain,
        };
        self.wrap_into(&mut meta, &data_key, password, secret.as_ref().map(<[u8; 32]>::as_slice))?;
        let db = VaultDb::open(&self.profiles.vault_path(&profile_id), &data_key)?;
        self.profiles.save(&meta)?;
        let mut vault = OpenVault::new(profile_id, db, &data_key, meta.protection);
        if meta.protection == KeyProtection::PasswordOnly {
            vault.notice = Some(KeyNotice::NoKeychain);
        }
        Ok(vault)
    }

    /// Opens a vault with the password, offline. Wrong passwords are counted; too many lock the
    /// profile for a while (this is what stops guessing on a stolen or shared workstation).
    pub fn unlock(
        &self,
        profile_id: &str,
        password: &SecretString,
        now: DateTime<Utc>,
    ) -> Result<OpenVault, VaultError> {
        let mut meta = self.profiles.load(profile_id)?.ok_or(VaultError::NoProfile)?;
        if let Some(until) = meta.locked_until.filter(|until| *until > now) {
            return Err(VaultError::Locked { until });
        }
        match self.data_key(profile_id, &meta, password) {
            Ok(data_key) => self.opened_with(profile_id, meta, &data_key, password, now),
            Err(VaultError::Crypto(CryptoError::WrongKey)) => {
                meta.failed_unlocks += 1;
                let error = if meta.failed_unlocks >= MAX_FAILED_UNLOCKS {
                    let until = now + Duration::minutes(UNLOCK_LOCKOUT_MINUTES);
                    meta.failed_unlocks = 0;
                    meta.locked_until = Some(until);
                    VaultError::Locked { until }
                } else {
                    VaultError::WrongPassword { remaining: MAX_FAILED_UNLOCKS - meta.failed_unlocks }
                };
                self.profiles.save(&meta)?;
                Err(error)
            }
            Err(other) => Err(other),
        }
    }

    /// Opens a vault after the server has just confirmed who this is (password and SMS code).
    /// The offline lockout guards against guessing here, not against its owner, so it neither
    /// applies nor counts; a success clears it. A password that no longer opens the vault (it
    /// was changed elsewhere) is [`VaultError::PasswordChanged`].
    pub fn unlock_confirmed(
        &self,
        profile_id: &str,
        password: &SecretString,
        now: DateTime<Utc>,
    ) -> Result<OpenVault, VaultError> {
        let meta = self.profiles.load(profile_id)?.ok_or(VaultError::NoProfile)?;
        match self.data_key(profile_id, &meta, password) {
            Ok(data_key) => self.opened_with(profile_id, meta, &data_key, password, now),
            Err(VaultError::Crypto(CryptoError::WrongKey)) => Err(VaultError::PasswordChanged),
            Err(other) => Err(other),
        }
    }

    /// After a password change: opens the vault with the previous password and wraps its key
    /// under the current one. Everything in it stays (queued edits with their ids, drafts, the
    /// sync cursor); nothing is copied or sent again.
    pub fn rewrap(
        &self,
        profile_id: &str,
        previous: &SecretString,
        current: &SecretString,
        now: DateTime<Utc>,
    ) -> Result<OpenVault, VaultError> {
        let mut meta = self.profiles.load(profile_id)?.ok_or(VaultError::NoProfile)?;
        let data_key = match self.data_key(profile_id, &meta, previous) {
            Err(VaultError::Crypto(CryptoError::WrongKey)) => return Err(VaultError::PreviousPasswordWrong),
            other => other?,
        };
        // A keychain profile keeps its secret (it is already where the profile says); a
        // password-only one takes the keychain if there is one now.
        match self.kek_secret(profile_id, &meta)? {
            Some(secret) => {
                self.wrap_into(&mut meta, &data_key, current, Some(secret.expose_secret()))?;
                self.opened(profile_id, meta, &data_key, None, now)
            }
            None => {
                let moved = self.move_to_keychain(profile_id, &mut meta, &data_key, current)?;
                if !moved {
                    self.wrap_into(&mut meta, &data_key, current, None)?;
                }
                self.opened(profile_id, meta, &data_key, moved.then_some(KeyNotice::MovedToKeychain), now)
            }
        }
    }

    /// Opens a vault set aside earlier (see [`Vaults::set_aside`]) with the password it had.
    pub fn unlock_set_aside(&self, folder: &str, password: &SecretString) -> Result<OpenVault, VaultError> {
        let meta = self.profiles.load(folder)?.ok_or(VaultError::NoProfile)?;
        let data_key = match self.data_key(folder, &meta, password) {
            Err(VaultError::Crypto(CryptoError::WrongKey)) => return Err(VaultError::PreviousPasswordWrong),
            other => other?,
        };
        let db = VaultDb::open(&self.profiles.vault_path(folder), &data_key)?;
        Ok(OpenVault::new(meta.profile_id, db, &data_key, meta.protection))
    }

    /// Moves a vault out of the way, whole, with its keychain secret: it keeps what it holds and
    /// opens later with the password it had. Returns the folder it now lives in.
    pub fn set_aside(&self, profile_id: &str, now: DateTime<Utc>) -> Result<String, VaultError> {
        let protection = self.profiles.load(profile_id).ok().flatten().map(|meta| meta.protection);
        // Read before anything moves: a keychain copy that cannot take its secret along stays put.
        let secret = match self.keychain.get(&secret_account(profile_id)) {
            Ok(secret) => secret,
            // Nothing to carry: a password-only copy, or a folder whose profile was never written.
            Err(KeychainError::Unavailable(_)) if protection != Some(KeyProtection::Keychain) => None,
            Err(other) => return Err(other.into()),
        };
        let folder = profile::set_aside_folder(profile_id, now.timestamp_millis());
        std::fs::rename(self.profiles.dir(profile_id), self.profiles.dir(&folder))?;
        profile::sync_dir(self.profiles.root())?;
        if let Some(secret) = secret {
            self.keychain.set(&secret_account(&folder), secret.expose_secret())?;
            self.keychain.delete(&secret_account(profile_id))?;
        }
        Ok(folder)
    }

    /// Deletes a vault (its folder and keychain secret). Only for one that holds nothing the
    /// server lacks: a set-aside copy whose edits all went, or a profile known to be empty.
    pub fn remove(&self, folder: &str) -> Result<(), VaultError> {
        std::fs::remove_dir_all(self.profiles.dir(folder))?;
        profile::sync_dir(self.profiles.root())?;
        self.drop_secret(folder)
    }

    /// Keeps the profile's count of unsent work (see [`ProfileMeta::unsent`]) in `folder`.
    pub fn note_unsent(&self, folder: &str, work: UnsentWork) -> Result<(), VaultError> {
        let Some(mut meta) = self.profiles.load(folder)? else { return Ok(()) };
        if meta.unsent != Some(work) {
            meta.unsent = Some(work);
            self.profiles.save_in(folder, &meta)?;
        }
        Ok(())
    }

    /// Forgets the profile's keychain secret: the vault can no longer be opened offline.
    pub fn forget_secret(&self, profile_id: &str) -> Result<(), VaultError> {
        Ok(self.keychain.delete(&secret_account(profile_id))?)
    }

    /// Unwraps the data key of the vault in `folder`; the wrong password is `Crypto(WrongKey)`.
    fn data_key(&self, folder: &str, meta: &ProfileMeta, password: &SecretString) -> Result<Key, VaultError> {
        // A profile.json carried into another folder is not that folder's profile.
        let own = folder == meta.profile_id
            || folder
                .strip_prefix(meta.profile_id.as_str())
                .is_some_and(|rest| rest.starts_with(".previous-"));
        if !own {
            return Err(CryptoError::WrongKey.into());
        }
        let secret = self.kek_secret(folder, meta)?;
        let secret = secret.as_ref().map(ExposeSecret::expose_secret);
        let salt = hex::decode(&meta.salt).map_err(|_| CryptoError::Malformed)?;
        let kek = crypto::derive_kek(password.expose_secret(), &salt, secret.unwrap_or_default(), meta.kdf)?;
        Ok(crypto::unwrap(&kek, &meta.wrapped_key, &meta.profile_id)?)
    }

    /// [`Self::opened`] after the password opened the key: a password-only profile moves to
    /// the keychain if there is one now.
    fn opened_with(
        &self,
        profile_id: &str,
        mut meta: ProfileMeta,
        data_key: &Key,
        password: &SecretString,
        now: DateTime<Utc>,
    ) -> Result<OpenVault, VaultError> {
        let moved = self.move_to_keychain(profile_id, &mut meta, data_key, password)?;
        self.opened(profile_id, meta, data_key, moved.then_some(KeyNotice::MovedToKeychain), now)
    }

    /// Opens the database, clears the lockout and remembers the sign-in.
    fn opened(
        &self,
        profile_id: &str,
        mut meta: ProfileMeta,
        data_key: &Key,
        notice: Option<KeyNotice>,
        now: DateTime<Utc>,
    ) -> Result<OpenVault, VaultError> {
        let db = VaultDb::open(&self.profiles.vault_path(profile_id), data_key)?;
        meta.failed_unlocks = 0;
        meta.locked_until = None;
        meta.last_sign_in = now;
        self.profiles.save(&meta)?;
        let mut vault = OpenVault::new(profile_id.to_owned(), db, data_key, meta.protection);
        vault.notice = notice;
        Ok(vault)
    }
}

#[cfg(test)]
pub(crate) mod tests;
