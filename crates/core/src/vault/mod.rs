//! Each employee who signs in on this workstation gets an encrypted local database (the vault)
//! under `profiles/<profile id>/`. See `crypto` for the keys.

pub mod crypto;
pub mod db;
pub mod handle;
pub mod profile;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use masar_protocol::NationalId;

use crate::keychain::{Keychain, KeychainError};
use crate::secret::{ExposeSecret, Key, SecretSlice, SecretString};
use crypto::{CryptoError, KdfParams};
pub use db::VaultDb;
use db::VaultDbError;
pub use profile::{ProfileMeta, ProfileStore, UnsentWork, profile_id};

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
}

#[derive(Debug, Clone)]
pub struct Vaults {
    profiles: ProfileStore,
    keychain: Keychain,
    kdf: KdfParams,
}

fn secret_account(profile_id: &str) -> String {
    format!("vault-secret:{profile_id}")
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
        let secret = crypto::random::<32>()?;
        self.keychain.set(&secret_account(&profile_id), &secret)?;
        let salt = crypto::random::<16>()?;
        let data_key = crate::secret::key(crypto::random::<32>()?);
        let kek = crypto::derive_kek(password.expose_secret(), &salt, &secret, self.kdf)?;
        let wrapped_key = crypto::wrap(&kek, &data_key, &profile_id)?;
        let db = VaultDb::open(&self.profiles.vault_path(&profile_id), &data_key)?;
        self.profiles.save(&ProfileMeta {
            version: profile::PROFILE_VERSION,
            profile_id: profile_id.clone(),
            national_id: id.to_string(),
            masked_id: id.masked(),
            display_name: display_name.to_owned(),
            kdf: self.kdf,
            salt: hex::encode(salt),
            wrapped_key,
            failed_unlocks: 0,
            locked_until: None,
            last_sign_in: now,
            unsent: Some(UnsentWork::default()),
        })?;
        Ok(OpenVault { profile_id, db })
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
            Ok(data_key) => self.opened(profile_id, meta, &data_key, now),
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
            Ok(data_key) => self.opened(profile_id, meta, &data_key, now),
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
        let secret = self.secret(profile_id)?;
        let salt = crypto::random::<16>()?;
        let kek = crypto::derive_kek(current.expose_secret(), &salt, secret.expose_secret(), self.kdf)?;
        meta.wrapped_key = crypto::wrap(&kek, &data_key, &meta.profile_id)?;
        meta.salt = hex::encode(salt);
        meta.kdf = self.kdf;
        self.opened(profile_id, meta, &data_key, now)
    }

    /// Opens a vault set aside earlier (see [`Vaults::set_aside`]) with the password it had.
    pub fn unlock_set_aside(&self, folder: &str, password: &SecretString) -> Result<OpenVault, VaultError> {
        let meta = self.profiles.load(folder)?.ok_or(VaultError::NoProfile)?;
        let data_key = match self.data_key(folder, &meta, password) {
            Err(VaultError::Crypto(CryptoError::WrongKey)) => return Err(VaultError::PreviousPasswordWrong),
            other => other?,
        };
        let db = VaultDb::open(&self.profiles.vault_path(folder), &data_key)?;
        Ok(OpenVault { profile_id: meta.profile_id, db })
    }

    /// Moves a vault out of the way, whole, with its keychain secret: it keeps what it holds and
    /// opens later with the password it had. Returns the folder it now lives in.
    pub fn set_aside(&self, profile_id: &str, now: DateTime<Utc>) -> Result<String, VaultError> {
        let folder = profile::set_aside_folder(profile_id, now.timestamp_millis());
        std::fs::rename(self.profiles.dir(profile_id), self.profiles.dir(&folder))?;
        profile::sync_dir(self.profiles.root())?;
        if let Some(secret) = self.keychain.get(&secret_account(profile_id))? {
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
        self.keychain.delete(&secret_account(folder))?;
        Ok(())
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

    fn secret(&self, folder: &str) -> Result<SecretSlice<u8>, VaultError> {
        self.keychain.get(&secret_account(folder))?.ok_or(VaultError::SecretMissing)
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
        let secret = self.secret(folder)?;
        let salt = hex::decode(&meta.salt).map_err(|_| CryptoError::Malformed)?;
        let kek = crypto::derive_kek(password.expose_secret(), &salt, secret.expose_secret(), meta.kdf)?;
        Ok(crypto::unwrap(&kek, &meta.wrapped_key, &meta.profile_id)?)
    }

    /// Opens the database, clears the lockout and remembers the sign-in.
    fn opened(
        &self,
        profile_id: &str,
        mut meta: ProfileMeta,
        data_key: &Key,
        now: DateTime<Utc>,
    ) -> Result<OpenVault, VaultError> {
        let db = VaultDb::open(&self.profiles.vault_path(profile_id), data_key)?;
        meta.failed_unlocks = 0;
        meta.locked_until = None;
        meta.last_sign_in = now;
        self.profiles.save(&meta)?;
        Ok(OpenVault { profile_id: profile_id.to_owned(), db })
    }
}

#[cfg(test)]
pub(crate) mod tests;
