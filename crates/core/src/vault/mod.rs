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
use crate::secret::Sensitive;
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
        password: &Sensitive<String>,
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
        let data_key = Sensitive::new(crypto::random::<32>()?);
        let kek = crypto::derive_kek(password.expose(), &salt, &secret, self.kdf)?;
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
        password: &Sensitive<String>,
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
        password: &Sensitive<String>,
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
        previous: &Sensitive<String>,
        current: &Sensitive<String>,
        now: DateTime<Utc>,
    ) -> Result<OpenVault, VaultError> {
        let mut meta = self.profiles.load(profile_id)?.ok_or(VaultError::NoProfile)?;
        let data_key = match self.data_key(profile_id, &meta, previous) {
            Err(VaultError::Crypto(CryptoError::WrongKey)) => return Err(VaultError::PreviousPasswordWrong),
            other => other?,
        };
        let secret = self.secret(profile_id)?;
        let salt = crypto::random::<16>()?;
        let kek = crypto::derive_kek(current.expose(), &salt, secret.expose(), self.kdf)?;
        meta.wrapped_key = crypto::wrap(&kek, &data_key, &meta.profile_id)?;
        meta.salt = hex::encode(salt);
        meta.kdf = self.kdf;
        self.opened(profile_id, meta, &data_key, now)
    }

    /// Opens a vault set aside earlier (see [`Vaults::set_aside`]) with the password it had.
    pub fn unlock_set_aside(
        &self,
        folder: &str,
        password: &Sensitive<String>,
    ) -> Result<OpenVault, VaultError> {
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
            self.keychain.set(&secret_account(&folder), secret.expose())?;
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

    fn secret(&self, folder: &str) -> Result<Sensitive<Vec<u8>>, VaultError> {
        self.keychain.get(&secret_account(folder))?.ok_or(VaultError::SecretMissing)
    }

    /// Unwraps the data key of the vault in `folder`; the wrong password is `Crypto(WrongKey)`.
    fn data_key(
        &self,
        folder: &str,
        meta: &ProfileMeta,
        password: &Sensitive<String>,
    ) -> Result<Sensitive<[u8; 32]>, VaultError> {
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
        let kek = crypto::derive_kek(password.expose(), &salt, secret.expose(), meta.kdf)?;
        Ok(crypto::unwrap(&kek, &meta.wrapped_key, &meta.profile_id)?)
    }

    /// Opens the database, clears the lockout and remembers the sign-in.
    fn opened(
        &self,
        profile_id: &str,
        mut meta: ProfileMeta,
        data_key: &Sensitive<[u8; 32]>,
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
pub(crate) mod tests {
    use masar_protocol::EmployeeRecord;

    use super::*;

    const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

    fn vaults(root: &Path, keychain: &Keychain) -> Vaults {
        Vaults::new(root, keychain.clone(), FAST)
    }

    fn id() -> NationalId {
        NationalId::parse("1000000008").unwrap()
    }

    fn password(text: &str) -> Sensitive<String> {
        Sensitive::new(text.to_owned())
    }

    /// An employee record as the demo server sends it (shared by the core's unit tests).
    pub(crate) fn sample_record() -> EmployeeRecord {
        let data = serde_json::json!({
            "profile": {
                "nationalId": "1000000008", "employeeNumber": "410001",
                "nameAr": {"first": "منيرة", "father": "عمر", "grandfather": "إبراهيم", "family": "الشمري"},
                "nameEn": {"first": "Munira", "father": "Omar", "grandfather": "Ibrahim", "family": "Alshammari"},
                "gender": "female", "birthDate": "1984-12-26", "nationality": "سعودية",
                "entity": "وزارة المالية", "jobTitle": "محاسب", "jobNumber": "05666", "rank": 8, "step": 3,
                "appointmentDate": "2006-09-14", "mobile": "+966591544275", "email": "m@mof.gov.sa",
                "address": {"buildingNumber": "4719", "street": "شارع التخصصي", "district": "العليا",
                            "city": "الرياض", "postalCode": "11738", "additionalNumber": "9574"}
            },
            "employmentEvents": [], "qualifications": [], "transactions": [], "sickLeaves": []
        });
        serde_json::from_value(data).unwrap()
    }

    #[test]
    fn a_created_vault_opens_again_with_the_password_and_keeps_the_record() {
        let dir = tempfile::tempdir().unwrap();
        let keychain = Keychain::in_memory().unwrap();
        let vaults = vaults(dir.path(), &keychain);
        let created = vaults.create(&id(), "منيرة", &password("Masar@0008"), Utc::now()).unwrap();
        created.db.save_record(&sample_record(), Utc::now()).unwrap();
        let profile = created.profile_id.clone();
        drop(created);

        let opened = vaults.unlock(&profile, &password("Masar@0008"), Utc::now()).unwrap();
        let (record, _) = opened.db.load_record().unwrap().unwrap();
        assert_eq!(record, sample_record());
        let listed = vaults.profiles().list();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].masked_id, "1********8");
        assert_eq!(listed[0].display_name, "منيرة");
    }

    #[test]
    fn a_wrong_password_is_an_answer_not_a_crash_and_five_lock_the_profile() {
        let dir = tempfile::tempdir().unwrap();
        let keychain = Keychain::in_memory().unwrap();
        let vaults = vaults(dir.path(), &keychain);
        let profile = vaults.create(&id(), "منيرة", &password("right"), Utc::now()).unwrap().profile_id;
        let now = Utc::now();
        for remaining in (1..MAX_FAILED_UNLOCKS).rev() {
            match vaults.unlock(&profile, &password("wrong"), now) {
                Err(VaultError::WrongPassword { remaining: r }) => assert_eq!(r, remaining),
                other => panic!("expected a wrong password, got {other:?}"),
            }
        }
        assert!(matches!(vaults.unlock(&profile, &password("wrong"), now), Err(VaultError::Locked { .. })));
        // Locked: even the right password waits.
        assert!(matches!(vaults.unlock(&profile, &password("right"), now), Err(VaultError::Locked { .. })));
        let later = now + Duration::minutes(UNLOCK_LOCKOUT_MINUTES) + Duration::seconds(1);
        assert!(vaults.unlock(&profile, &password("right"), later).is_ok());
    }

    #[test]
    fn a_vault_copied_into_another_profile_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let keychain = Keychain::in_memory().unwrap();
        let vaults = vaults(dir.path(), &keychain);
        let other_id = NationalId::with_check_digit("100000001").unwrap();
        let mine = vaults.create(&id(), "منيرة", &password("same-password"), Utc::now()).unwrap().profile_id;
        let theirs =
            vaults.create(&other_id, "سارة", &password("same-password"), Utc::now()).unwrap().profile_id;
        // Copy my vault file over theirs: their key (and keychain secret) does not open it.
        std::fs::copy(vaults.profiles().vault_path(&mine), vaults.profiles().vault_path(&theirs)).unwrap();
        match vaults.unlock(&theirs, &password("same-password"), Utc::now()) {
            Err(VaultError::Db(VaultDbError::WrongKey)) => {}
            other => panic!("expected the copied vault to stay shut, got {other:?}"),
        }
        // And my profile.json moved over theirs does not unwrap (the profile id is authenticated).
        let mut meta = vaults.profiles().load(&mine).unwrap().unwrap();
        meta.profile_id = theirs.clone();
        vaults.profiles().save(&meta).unwrap();
        assert!(matches!(
            vaults.unlock(&theirs, &password("same-password"), Utc::now()),
            Err(VaultError::WrongPassword { .. })
        ));
    }

    #[test]
    fn without_the_keychain_secret_the_password_alone_does_not_open_it() {
        let dir = tempfile::tempdir().unwrap();
        let keychain = Keychain::in_memory().unwrap();
        let vaults = vaults(dir.path(), &keychain);
        let profile = vaults.create(&id(), "منيرة", &password("right"), Utc::now()).unwrap().profile_id;
        vaults.forget_secret(&profile).unwrap();
        assert!(matches!(
            vaults.unlock(&profile, &password("right"), Utc::now()),
            Err(VaultError::SecretMissing)
        ));
        // Another workstation's keychain (a different store) has no secret either.
        let elsewhere = Vaults::new(dir.path(), Keychain::in_memory().unwrap(), FAST);
        assert!(matches!(
            elsewhere.unlock(&profile, &password("right"), Utc::now()),
            Err(VaultError::SecretMissing)
        ));
    }

    #[test]
    fn the_vault_file_holds_no_plaintext_id_or_name() {
        let dir = tempfile::tempdir().unwrap();
        let keychain = Keychain::in_memory().unwrap();
        let vaults = vaults(dir.path(), &keychain);
        let vault = vaults.create(&id(), "منيرة", &password("right"), Utc::now()).unwrap();
        vault.db.save_record(&sample_record(), Utc::now()).unwrap();
        let path = vaults.profiles().vault_path(&vault.profile_id);
        drop(vault);
        let mut bytes = std::fs::read(&path).unwrap();
        if let Ok(wal) = std::fs::read(path.with_extension("db-wal")) {
            bytes.extend(wal);
        }
        assert!(bytes.len() > 1000, "the vault has content");
        for needle in ["1000000008", "الشمري", "Alshammari", "وزارة المالية", "SQLite format"]
        {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "found {needle:?} in the vault file"
            );
        }
    }
}
