//! Each employee who signs in on this workstation gets an encrypted local database (the vault)
//! under `profiles/<profile id>/`. See `crypto` for the keys.

pub mod crypto;
pub mod db;
pub mod handle;
pub mod profile;
pub mod protection;

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::keychain::{Keychain, KeychainError};
use crate::secret::{ExposeSecret, Key, SecretString};
use crypto::{CryptoError, KdfParams};
pub use db::VaultDb;
use db::VaultDbError;
pub use profile::{KeyProtection, ProfileMeta, ProfileStore, UnsentWork};
pub use protection::KeyNotice;
use protection::secret_account;

/// Wrong passphrases in a row before only a single sign-on opens the vault.
pub const MAX_FAILED_UNLOCKS: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("wrong passphrase ({remaining} tries left before only a single sign-on opens it)")]
    WrongPassword { remaining: u32 },
    /// Too many wrong passphrases: the vault opens only after a single sign-on now.
    #[error("too many wrong passphrases: only a single sign-on opens this vault")]
    NeedsSignOn,
    #[error("no profile for this employee on this workstation")]
    NoProfile,
    #[error("the profile's keychain secret is gone")]
    SecretMissing,
    /// The escrow key the server gave does not open this vault (the server's copy was lost).
    #[error("the server's key does not open this vault")]
    EscrowWrong,
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

/// A vault a single sign-on opened.
#[derive(Debug)]
pub struct OpenedBySignOn {
    pub vault: OpenVault,
    /// The passphrase no longer opens it: a new one is needed.
    pub passphrase_lost: bool,
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
    /// Seals the refresh token beside the vault (derived from the data key, one way): it is
    /// readable only while the vault is open.
    pub refresh_key: std::sync::Arc<Key>,
}

impl OpenVault {
    fn new(profile_id: String, db: VaultDb, data_key: &Key, protection: KeyProtection) -> Self {
        let refresh_key = crypto::subkey(data_key, protection::REFRESH_TOKEN_PURPOSE);
        Self { profile_id, db, protection, notice: None, refresh_key: std::sync::Arc::new(refresh_key) }
    }
}

/// Who a new vault is for, as the start screen will show them (nothing more is kept outside).
#[derive(Debug, Clone)]
pub struct NewVault {
    /// The vault's id, given to the server with its escrow key (see [`new_vault_id`]).
    pub vault_id: String,
    pub masked_id: String,
    pub display_name: String,
}

/// A new vault id: 128 random bits in hex. It says nothing about whose the vault is.
pub fn new_vault_id() -> Result<String, VaultError> {
    Ok(hex::encode(crypto::random::<16>()?))
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

    /// A new vault, its data key wrapped under the passphrase (with the keychain's secret where
    /// there is one) and under the server's escrow key. A folder already there under the same
    /// id is set aside first, never deleted.
    pub fn create(
        &self,
        new: &NewVault,
        passphrase: &SecretString,
        escrow: &Key,
        now: DateTime<Utc>,
    ) -> Result<OpenVault, VaultError> {
        let profile_id = new.vault_id.clone();
        if self.profiles.dir(&profile_id).exists() {
            self.set_aside(&profile_id, now)?;
        }
        std::fs::create_dir_all(self.profiles.dir(&profile_id))?;
        let secret = self.new_secret(&profile_id)?;
        let data_key = crate::secret::key(crypto::random::<32>()?);
        let mut meta = ProfileMeta {
            version: profile::PROFILE_VERSION,
            profile_id: profile_id.clone(),
            masked_id: new.masked_id.clone(),
            display_name: new.display_name.clone(),
            kdf: self.kdf,
            salt: String::new(),
            wrapped_key: crypto::WrappedKey { nonce: String::new(), ciphertext: String::new() },
            escrow_key: Some(crypto::wrap(escrow, &data_key, &profile_id)?),
            failed_unlocks: 0,
            needs_sign_on: false,
            last_sign_in: now,
            unsent: Some(UnsentWork::default()),
            protection: KeyProtection::Keychain,
        };
        self.wrap_into(&mut meta, &data_key, passphrase, secret.as_ref().map(<[u8; 32]>::as_slice))?;
        let db = VaultDb::open(&self.profiles.vault_path(&profile_id), &data_key)?;
        self.profiles.save(&meta)?;
        let mut vault = OpenVault::new(profile_id, db, &data_key, meta.protection);
        if meta.protection == KeyProtection::PasswordOnly {
            vault.notice = Some(KeyNotice::NoKeychain);
        }
        Ok(vault)
    }

    /// Opens a vault with the passphrase, offline. Wrong passphrases are counted; after
    /// [`MAX_FAILED_UNLOCKS`] in a row only a single sign-on opens it (this is what stops
    /// guessing on a stolen or shared workstation).
    pub fn unlock(
        &self,
        profile_id: &str,
        passphrase: &SecretString,
        now: DateTime<Utc>,
    ) -> Result<OpenVault, VaultError> {
        let mut meta = self.profiles.load(profile_id)?.ok_or(VaultError::NoProfile)?;
        if meta.needs_sign_on {
            return Err(VaultError::NeedsSignOn);
        }
        match self.data_key(profile_id, &meta, passphrase) {
            Ok(data_key) => self.opened_with(profile_id, meta, &data_key, passphrase, now),
            Err(VaultError::Crypto(CryptoError::WrongKey)) => {
                meta.failed_unlocks += 1;
                let error = if meta.failed_unlocks >= MAX_FAILED_UNLOCKS {
                    meta.needs_sign_on = true;
                    VaultError::NeedsSignOn
                } else {
                    VaultError::WrongPassword { remaining: MAX_FAILED_UNLOCKS - meta.failed_unlocks }
                };
                self.profiles.save(&meta)?;
                Err(error)
            }
            Err(other) => Err(other),
        }
    }

    /// Opens a vault after a single sign-on, with the escrow key the server gave this employee
    /// for it. Clears the count of wrong passphrases. [`OpenedBySignOn::passphrase_lost`] says
    /// when the passphrase can no longer open it (its keychain secret is gone or out of reach):
    /// the employee then chooses a new one.
    pub fn unlock_with_escrow(
        &self,
        profile_id: &str,
        escrow: &Key,
        now: DateTime<Utc>,
    ) -> Result<OpenedBySignOn, VaultError> {
        let meta = self.profiles.load(profile_id)?.ok_or(VaultError::NoProfile)?;
        let data_key = self.escrowed_key(&meta, escrow)?;
        let passphrase_lost = match self.kek_secret(profile_id, &meta) {
            Ok(_) => false,
            Err(VaultError::SecretMissing | VaultError::Keychain(KeychainError::Unavailable(_))) => true,
            Err(other) => return Err(other),
        };
        let vault = self.opened(profile_id, meta, &data_key, None, now)?;
        Ok(OpenedBySignOn { vault, passphrase_lost })
    }

    /// A new passphrase, after a single sign-on (forgotten, or its keychain secret lost): the
    /// escrow key opens the vault and its key is wrapped under the new passphrase. Everything
    /// in it stays (queued edits with their ids, drafts, the sync cursor).
    pub fn set_passphrase(
        &self,
        profile_id: &str,
        escrow: &Key,
        passphrase: &SecretString,
        now: DateTime<Utc>,
    ) -> Result<OpenVault, VaultError> {
        let mut meta = self.profiles.load(profile_id)?.ok_or(VaultError::NoProfile)?;
        let data_key = self.escrowed_key(&meta, escrow)?;
        // A keychain profile keeps its secret if the keychain still has it; else a new one (or
        // none where there is no keychain now).
        let secret = match self.kek_secret(profile_id, &meta) {
            Ok(Some(secret)) => Some(secret.expose_secret().to_vec()),
            Ok(None)
            | Err(VaultError::SecretMissing | VaultError::Keychain(KeychainError::Unavailable(_))) => {
                self.new_secret(profile_id)?.map(|secret| secret.to_vec())
            }
            Err(other) => return Err(other),
        };
        self.wrap_into(&mut meta, &data_key, passphrase, secret.as_deref())?;
        let notice = (meta.protection == KeyProtection::PasswordOnly).then_some(KeyNotice::NoKeychain);
        self.opened(profile_id, meta, &data_key, notice, now)
    }

    /// The data key, unwrapped with the server's escrow key.
    fn escrowed_key(&self, meta: &ProfileMeta, escrow: &Key) -> Result<Key, VaultError> {
        let wrapped = meta.escrow_key.as_ref().ok_or(VaultError::EscrowWrong)?;
        crypto::unwrap(escrow, wrapped, &meta.profile_id).map_err(|error| match error {
            CryptoError::WrongKey => VaultError::EscrowWrong,
            other => other.into(),
        })
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

    /// Removes every profile's sealed session (refresh token): after the server address changed,
    /// each employee signs on again at the new one.
    pub fn forget_sessions(&self) {
        for meta in self.profiles.list() {
            let sealed = self.profiles.dir(&meta.profile_id).join(profile::SEALED_SESSION_FILE);
            match std::fs::remove_file(&sealed) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    tracing::warn!(%error, "cannot remove a sealed session");
                }
                _ => {}
            }
        }
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

    /// Opens the database, clears the count of wrong passphrases and remembers the sign-in.
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
        meta.needs_sign_on = false;
        meta.last_sign_in = now;
        self.profiles.save(&meta)?;
        let mut vault = OpenVault::new(profile_id.to_owned(), db, data_key, meta.protection);
        vault.notice = notice;
        Ok(vault)
    }
}

#[cfg(test)]
pub(crate) mod tests;
