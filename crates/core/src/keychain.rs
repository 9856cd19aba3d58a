//! The OS keychain (Secret Service on Linux, Credential Manager on Windows, Keychain on macOS)
//! through keyring-core. Holds each profile's vault secret and refresh token.

use std::sync::{Arc, OnceLock};

use keyring_core::{CredentialStore, Entry, Error as StoreError};

use crate::secret::SecretSlice;

const SERVICE: &str = "sa.gov.masar.desktop";

#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    /// No keychain service (no session bus, locked and no prompt possible, …).
    #[error("the OS keychain is not available: {0}")]
    Unavailable(String),
    #[error("the OS keychain failed: {0}")]
    Failed(String),
}

type Store = Result<Arc<CredentialStore>, String>;

#[derive(Clone)]
pub struct Keychain {
    /// The platform's store is looked for at the first use, not at start-up: on a desktop that
    /// means a D-Bus connection, which should not delay the window.
    store: Arc<OnceLock<Store>>,
    /// Set for `Keychain::file` (feature `test-support` only): secrets in a JSON file instead.
    #[cfg(feature = "test-support")]
    file: Option<std::path::PathBuf>,
    /// Set for `Keychain::with_fault` (feature `test-support` only): while on, every use fails.
    #[cfg(feature = "test-support")]
    fault: Option<KeychainFault>,
}

/// A switch that makes a test keychain answer every request with an error (a keychain that is
/// there but fails, unlike an absent one), and answer again when switched off.
#[cfg(feature = "test-support")]
#[derive(Debug, Clone, Default)]
pub struct KeychainFault(Arc<std::sync::atomic::AtomicBool>);

#[cfg(feature = "test-support")]
impl KeychainFault {
    pub fn fail(&self, on: bool) {
        self.0.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    fn check(&self) -> Result<(), KeychainError> {
        if self.0.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(KeychainError::Failed("the keychain answered with an error".into()));
        }
        Ok(())
    }
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.store.get() {
            Some(Ok(store)) => f.debug_struct("Keychain").field("store", &store.vendor()).finish(),
            Some(Err(reason)) => f.debug_struct("Keychain").field("unavailable", reason).finish(),
            None => f.debug_struct("Keychain").field("store", &"not looked for yet").finish(),
        }
    }
}

fn classify(error: StoreError) -> KeychainError {
    match error {
        StoreError::PlatformFailure(e) | StoreError::NoStorageAccess(e) => {
            KeychainError::Unavailable(e.to_string())
        }
        StoreError::NoDefaultStore => KeychainError::Unavailable("no credential store".into()),
        other => KeychainError::Failed(other.to_string()),
    }
}

impl Keychain {
    /// The platform keychain, looked for at the first use. When there is none, every use says
    /// so (the vault is then protected by the password alone) instead of the app failing to start.
    pub fn os() -> Self {
        Self {
            store: Arc::new(OnceLock::new()),
            #[cfg(feature = "test-support")]
            file: None,
            #[cfg(feature = "test-support")]
            fault: None,
        }
    }

    fn with_store(store: Store) -> Self {
        Self {
            store: Arc::new(OnceLock::from(store)),
            #[cfg(feature = "test-support")]
            file: None,
            #[cfg(feature = "test-support")]
            fault: None,
        }
    }

    fn store(&self) -> &Store {
        self.store.get_or_init(|| {
            let store = match keyring::Entry::store_status() {
                Err(error) => Err(error.to_string()),
                Ok(()) => keyring_core::get_default_store().ok_or_else(|| "no credential store".to_owned()),
            };
            if let Err(reason) = &store {
                tracing::warn!(%reason, "the OS keychain is not available");
            }
            store
        })
    }

    /// Secrets in a plain file readable by the owner only. For the headless sync probe that the
    /// crash tests kill and restart (a test process has no Secret Service). Only with the
    /// `test-support` feature: the shipped library has no way to keep a secret in a file.
    #[cfg(feature = "test-support")]
    pub fn file(path: &std::path::Path) -> Self {
        Self {
            store: Arc::new(OnceLock::from(Err("file keychain".into()))),
            file: Some(path.to_owned()),
            fault: None,
        }
    }

    #[cfg(feature = "test-support")]
    fn read_file(
        path: &std::path::Path,
    ) -> Result<std::collections::BTreeMap<String, String>, KeychainError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| KeychainError::Failed(e.to_string())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
            Err(error) => Err(KeychainError::Failed(error.to_string())),
        }
    }

    #[cfg(feature = "test-support")]
    fn write_file(
        path: &std::path::Path,
        entries: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), KeychainError> {
        let json = serde_json::to_vec(entries).map_err(|e| KeychainError::Failed(e.to_string()))?;
        crate::files::write_durably(path, &json, true).map_err(|e| KeychainError::Failed(e.to_string()))
    }

    /// No keychain, as on a workstation without one: every use is `Unavailable`.
    pub fn absent() -> Self {
        Self::with_store(Err("no keychain on this workstation".into()))
    }

    /// A keychain in this process's memory only (tests; nothing survives the process).
    pub fn in_memory() -> Result<Self, KeychainError> {
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new().map_err(classify)?;
        Ok(Self::with_store(Ok(store)))
    }

    /// A keychain in this process's memory whose every use fails while `fault` is on (tests).
    #[cfg(feature = "test-support")]
    pub fn with_fault(fault: &KeychainFault) -> Result<Self, KeychainError> {
        Ok(Self { fault: Some(fault.clone()), ..Self::in_memory()? })
    }

    fn entry(&self, account: &str) -> Result<Entry, KeychainError> {
        #[cfg(feature = "test-support")]
        if let Some(fault) = &self.fault {
            fault.check()?;
        }
        let store = self.store().as_ref().map_err(|reason| KeychainError::Unavailable(reason.clone()))?;
        Entry::new_in_store(store, SERVICE, account).map_err(classify)
    }

    /// The secret, or `None` when there is none.
    pub fn get(&self, account: &str) -> Result<Option<SecretSlice<u8>>, KeychainError> {
        #[cfg(feature = "test-support")]
        if let Some(path) = &self.file {
            let entries = Self::read_file(path)?;
            return Ok(entries
                .get(account)
                .and_then(|hex_value| hex::decode(hex_value).ok())
                .map(SecretSlice::from));
        }
        match self.entry(account)?.get_secret() {
            Ok(secret) => Ok(Some(SecretSlice::from(secret))),
            Err(StoreError::NoEntry) => Ok(None),
            Err(error) => Err(classify(error)),
        }
    }

    pub fn set(&self, account: &str, secret: &[u8]) -> Result<(), KeychainError> {
        #[cfg(feature = "test-support")]
        if let Some(path) = &self.file {
            let mut entries = Self::read_file(path)?;
            entries.insert(account.to_owned(), hex::encode(secret));
            return Self::write_file(path, &entries);
        }
        self.entry(account)?.set_secret(secret).map_err(classify)
    }

    /// Removes the secret; removing one that is not there is fine.
    pub fn delete(&self, account: &str) -> Result<(), KeychainError> {
        #[cfg(feature = "test-support")]
        if let Some(path) = &self.file {
            let mut entries = Self::read_file(path)?;
            entries.remove(account);
            return Self::write_file(path, &entries);
        }
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(StoreError::NoEntry) => Ok(()),
            Err(error) => Err(classify(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::ExposeSecret;

    #[test]
    fn set_get_delete() {
        let keychain = Keychain::in_memory().unwrap();
        assert!(keychain.get("a").unwrap().is_none());
        keychain.set("a", b"secret").unwrap();
        assert_eq!(keychain.get("a").unwrap().unwrap().expose_secret(), b"secret".as_slice());
        keychain.delete("a").unwrap();
        keychain.delete("a").unwrap();
        assert!(keychain.get("a").unwrap().is_none());
    }
}
