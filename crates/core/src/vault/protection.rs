//! What guards a vault's wrapped key besides the password. Where the workstation has a system
//! keychain, a per-profile secret kept there is mixed into the key derivation; where it has none
//! (no Secret Service on the session, a terminal without a session bus), the password alone
//! protects it — a supported case, said once to the employee, and moved to the keychain at the
//! first unlock that finds one.

use serde::Serialize;

use super::crypto;
use super::{KeyProtection, ProfileMeta, VaultError, Vaults};
use crate::keychain::KeychainError;
use crate::secret::Key;
use crate::secret::{ExposeSecret, SecretSlice, SecretString};

/// The keychain account of the secret of the vault in `folder`.
pub(super) fn secret_account(folder: &str) -> String {
    format!("vault-secret:{folder}")
}

/// What changed in how the vault is protected at this sign-in: told to the employee once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum KeyNotice {
    /// A new local copy on a workstation without a system keychain: the password alone guards it.
    NoKeychain,
    /// A password-only copy found a keychain and now uses it.
    MovedToKeychain,
}

/// The purpose string of the key that seals the refresh token of a password-only profile.
pub const REFRESH_TOKEN_PURPOSE: &str = "refresh-token";

impl Vaults {
    /// A secret for a new vault in `folder`, kept in the keychain; `None` where there is no
    /// keychain (the vault is then protected by the password alone).
    pub(super) fn new_secret(&self, folder: &str) -> Result<Option<[u8; 32]>, VaultError> {
        let secret = crypto::random::<32>()?;
        match self.keychain.set(&secret_account(folder), &secret) {
            Ok(()) => Ok(Some(secret)),
            Err(KeychainError::Unavailable(reason)) => {
                tracing::warn!(%reason, "no system keychain: the new local copy is protected by the password alone");
                Ok(None)
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The keychain secret the key of the vault in `folder` was derived with; `None` for a
    /// password-only profile.
    pub(super) fn kek_secret(
        &self,
        folder: &str,
        meta: &ProfileMeta,
    ) -> Result<Option<SecretSlice<u8>>, VaultError> {
        match meta.protection {
            KeyProtection::PasswordOnly => Ok(None),
            KeyProtection::Keychain => {
                Ok(Some(self.keychain.get(&secret_account(folder))?.ok_or(VaultError::SecretMissing)?))
            }
        }
    }

    /// Wraps `data_key` under `password` and `secret` (none: the password alone) with a new salt.
    pub(super) fn wrap_into(
        &self,
        meta: &mut ProfileMeta,
        data_key: &Key,
        password: &SecretString,
        secret: Option<&[u8]>,
    ) -> Result<(), VaultError> {
        let salt = crypto::random::<16>()?;
        let kek = crypto::derive_kek(password.expose_secret(), &salt, secret.unwrap_or_default(), self.kdf)?;
        meta.wrapped_key = crypto::wrap(&kek, data_key, &meta.profile_id)?;
        meta.salt = hex::encode(salt);
        meta.kdf = self.kdf;
        meta.protection =
            if secret.is_some() { KeyProtection::Keychain } else { KeyProtection::PasswordOnly };
        Ok(())
    }

    /// A password-only profile moves to the keychain when there is one now: a new secret there,
    /// the data key wrapped again. True when it moved. The secret is in the keychain before the
    /// profile says so, and the account held nothing the profile needed, so a crash in between
    /// leaves a profile that still opens with the password alone.
    pub(super) fn move_to_keychain(
        &self,
        folder: &str,
        meta: &mut ProfileMeta,
        data_key: &Key,
        password: &SecretString,
    ) -> Result<bool, VaultError> {
        if meta.protection != KeyProtection::PasswordOnly {
            return Ok(false);
        }
        let secret = crypto::random::<32>()?;
        match self.keychain.set(&secret_account(folder), &secret) {
            Ok(()) => {}
            Err(KeychainError::Unavailable(_)) => return Ok(false),
            Err(error) => {
                // The copy opens either way; the move is tried again at the next unlock.
                tracing::warn!(%error, "the keychain refused the vault secret; the profile stays password-only");
                return Ok(false);
            }
        }
        self.wrap_into(meta, data_key, password, Some(&secret))?;
        tracing::info!("the local copy's key moved to the system keychain");
        Ok(true)
    }

    /// Removes the keychain secret of `folder`. With no keychain to reach there is nothing this
    /// workstation could do with it anyway: the caller goes on.
    pub(super) fn drop_secret(&self, folder: &str) -> Result<(), VaultError> {
        match self.keychain.delete(&secret_account(folder)) {
            Ok(()) | Err(KeychainError::Unavailable(_)) => Ok(()),
            Err(other) => Err(other.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::keychain::Keychain;
    use crate::vault::crypto::KdfParams;
    use crate::vault::tests::{create, escrow, password, sample_record};

    const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

    #[test]
    fn without_a_keychain_the_password_alone_opens_the_vault_and_nothing_else_does() {
        let dir = tempfile::tempdir().unwrap();
        let vaults = Vaults::new(dir.path(), Keychain::absent(), FAST);
        let created = create(&vaults, "right");
        assert_eq!(created.protection, KeyProtection::PasswordOnly);
        assert_eq!(created.notice, Some(KeyNotice::NoKeychain));
        created.db.save_record(&sample_record(), Utc::now()).unwrap();
        let profile = created.profile_id.clone();
        drop(created);

        let meta = std::fs::read(dir.path().join(&profile).join("profile.json")).unwrap();
        let meta: serde_json::Value = serde_json::from_slice(&meta).unwrap();
        assert_eq!(meta["protection"], "passwordOnly");
        assert!(matches!(
            vaults.unlock(&profile, &password("wrong"), Utc::now()),
            Err(VaultError::WrongPassword { remaining: 4 })
        ));
        let opened = vaults.unlock(&profile, &password("right"), Utc::now()).unwrap();
        assert_eq!(opened.notice, None, "told once, at the sign-in that made it");
        assert_eq!(opened.db.load_record().unwrap().unwrap().0, sample_record());
    }

    #[test]
    fn a_password_only_vault_moves_to_a_keychain_that_appears_and_then_needs_it() {
        let dir = tempfile::tempdir().unwrap();
        let bare = Vaults::new(dir.path(), Keychain::absent(), FAST);
        let profile = create(&bare, "right").profile_id;

        let keychain = Keychain::in_memory().unwrap();
        let with_keychain = Vaults::new(dir.path(), keychain.clone(), FAST);
        let moved = with_keychain.unlock(&profile, &password("right"), Utc::now()).unwrap();
        assert_eq!(
            (moved.protection, moved.notice),
            (KeyProtection::Keychain, Some(KeyNotice::MovedToKeychain))
        );
        drop(moved);
        assert!(keychain.get(&secret_account(&profile)).unwrap().is_some());
        let again = with_keychain.unlock(&profile, &password("right"), Utc::now()).unwrap();
        assert_eq!(again.notice, None);
        drop(again);

        // The password alone no longer opens it: the keychain's secret is part of the key now.
        assert!(matches!(
            bare.unlock(&profile, &password("right"), Utc::now()),
            Err(VaultError::Keychain(KeychainError::Unavailable(_)))
        ));
        keychain.delete(&secret_account(&profile)).unwrap();
        assert!(matches!(
            with_keychain.unlock(&profile, &password("right"), Utc::now()),
            Err(VaultError::SecretMissing)
        ));
    }

    #[test]
    fn a_new_passphrase_on_a_passphrase_only_vault_replaces_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let vaults = Vaults::new(dir.path(), Keychain::absent(), FAST);
        let profile = create(&vaults, "old").profile_id;
        let rewrapped = vaults.set_passphrase(&profile, &escrow(1), &password("new"), Utc::now()).unwrap();
        assert_eq!(
            (rewrapped.protection, rewrapped.notice),
            (KeyProtection::PasswordOnly, Some(KeyNotice::NoKeychain))
        );
        drop(rewrapped);
        assert!(matches!(
            vaults.unlock(&profile, &password("old"), Utc::now()),
            Err(VaultError::WrongPassword { .. })
        ));
        assert!(vaults.unlock(&profile, &password("new"), Utc::now()).is_ok());
    }

    #[test]
    fn a_password_only_vault_is_set_aside_and_removed_without_a_keychain() {
        let dir = tempfile::tempdir().unwrap();
        let vaults = Vaults::new(dir.path(), Keychain::absent(), FAST);
        let profile = create(&vaults, "right").profile_id;
        let folder = vaults.set_aside(&profile, Utc::now()).unwrap();
        assert!(vaults.unlock_set_aside(&folder, &password("right")).is_ok());
        vaults.remove(&folder).unwrap();
        assert!(!dir.path().join(&folder).exists());
    }

    #[test]
    fn a_keychain_vault_is_not_set_aside_while_its_keychain_is_out_of_reach() {
        let dir = tempfile::tempdir().unwrap();
        let keychain = Keychain::in_memory().unwrap();
        let profile = create(&Vaults::new(dir.path(), keychain, FAST), "right").profile_id;
        let bare = Vaults::new(dir.path(), Keychain::absent(), FAST);
        assert!(matches!(bare.set_aside(&profile, Utc::now()), Err(VaultError::Keychain(_))));
        assert!(dir.path().join(&profile).join("vault.db").exists(), "left where its secret points");
    }

    #[test]
    fn a_profile_written_before_protection_was_kept_reads_as_keychain() {
        let dir = tempfile::tempdir().unwrap();
        let vaults = Vaults::new(dir.path(), Keychain::in_memory().unwrap(), FAST);
        let profile = create(&vaults, "right").profile_id;
        let path = dir.path().join(&profile).join("profile.json");
        let mut meta: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(meta["protection"], "keychain");
        meta.as_object_mut().unwrap().remove("protection");
        std::fs::write(&path, serde_json::to_vec(&meta).unwrap()).unwrap();
        assert_eq!(vaults.profiles().load(&profile).unwrap().unwrap().protection, KeyProtection::Keychain);
        assert!(vaults.unlock(&profile, &password("right"), Utc::now()).is_ok());
    }
}
