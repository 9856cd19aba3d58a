//! The vault's key hierarchy: a random data key encrypts the database (SQLCipher); it is stored
//! only wrapped (XChaCha20-Poly1305) under a key derived from the user's password with Argon2id,
//! keyed with a per-profile secret from the OS keychain where the workstation has one (then
//! neither the password alone nor the files alone open the vault), the password alone where it
//! has none (see `protection`).

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};

use crate::secret::{ExposeSecret, ExposeSecretMut, Key};

/// Argon2id cost of deriving the wrapping key; stored per profile so it can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

/// Chosen with `cargo bench -p masar-core` so unlocking stays well under 0.5 s on a 2-core
/// office machine (see the README's figures).
pub const DEFAULT_KDF: KdfParams = KdfParams { memory_kib: 128 * 1024, iterations: 2, parallelism: 1 };

/// The wrapped data key as stored in `profile.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    pub nonce: String,
    pub ciphertext: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("key derivation failed: {0}")]
    Kdf(String),
    /// Wrong password, wrong keychain secret, or a profile copied from elsewhere.
    #[error("the key does not open this vault")]
    WrongKey,
    #[error("no randomness available: {0}")]
    Random(String),
    #[error("malformed wrapped key")]
    Malformed,
}

pub fn random<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(bytes)
}

/// The key that wraps the data key.
pub fn derive_kek(
    password: &str,
    salt: &[u8],
    keychain_secret: &[u8],
    params: KdfParams,
) -> Result<Key, CryptoError> {
    let params = Params::new(params.memory_kib, params.iterations, params.parallelism, Some(32))
        .map_err(|e| CryptoError::Kdf(e.to_string()))?;
    let argon = Argon2::new_with_secret(keychain_secret, Algorithm::Argon2id, Version::V0x13, params)
        .map_err(|e| CryptoError::Kdf(e.to_string()))?;
    let mut kek = crate::secret::key([0_u8; 32]);
    argon
        .hash_password_into(password.as_bytes(), salt, kek.expose_secret_mut())
        .map_err(|e| CryptoError::Kdf(e.to_string()))?;
    Ok(kek)
}

fn cipher(kek: &Key) -> Result<XChaCha20Poly1305, CryptoError> {
    XChaCha20Poly1305::new_from_slice(kek.expose_secret()).map_err(|_| CryptoError::Malformed)
}

/// Wraps `data_key`; `context` (the profile id) is authenticated, so a wrapped key moved to
/// another profile does not open.
pub fn wrap(kek: &Key, data_key: &Key, context: &str) -> Result<WrappedKey, CryptoError> {
    seal(kek, data_key.expose_secret(), context)
}

pub fn unwrap(kek: &Key, wrapped: &WrappedKey, context: &str) -> Result<Key, CryptoError> {
    let mut plain = open(kek, wrapped, context)?;
    let key: Result<[u8; 32], _> = plain.as_slice().try_into();
    zeroize::Zeroize::zeroize(&mut plain);
    key.map(crate::secret::key).map_err(|_| CryptoError::Malformed)
}

/// Encrypts `plain` under `key` with a fresh nonce; `context` is authenticated with it.
pub fn seal(key: &Key, plain: &[u8], context: &str) -> Result<WrappedKey, CryptoError> {
    let nonce_bytes = random::<24>()?;
    let nonce = XNonce::from(nonce_bytes);
    let ciphertext = cipher(key)?
        .encrypt(&nonce, Payload { msg: plain, aad: context.as_bytes() })
        .map_err(|_| CryptoError::Malformed)?;
    Ok(WrappedKey { nonce: hex::encode(nonce_bytes), ciphertext: hex::encode(ciphertext) })
}

/// What [`seal`] sealed, if `key` and `context` are the ones it was sealed with.
pub fn open(key: &Key, sealed: &WrappedKey, context: &str) -> Result<Vec<u8>, CryptoError> {
    let nonce_bytes: [u8; 24] =
        hex::decode(&sealed.nonce).ok().and_then(|b| b.try_into().ok()).ok_or(CryptoError::Malformed)?;
    let ciphertext = hex::decode(&sealed.ciphertext).map_err(|_| CryptoError::Malformed)?;
    cipher(key)?
        .decrypt(&XNonce::from(nonce_bytes), Payload { msg: &ciphertext, aad: context.as_bytes() })
        .map_err(|_| CryptoError::WrongKey)
}

/// A key for something kept beside the vault (the refresh token on a workstation without a
/// keychain), derived one way from the data key: holding it does not give the data key.
pub fn subkey(data_key: &Key, purpose: &str) -> Key {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"masar-desktop-subkey\0")
        .chain_update(purpose.as_bytes())
        .chain_update(b"\0")
        .chain_update(data_key.expose_secret())
        .finalize();
    crate::secret::key(digest.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small cost so the tests stay fast; the real cost is measured by the benchmark.
    const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

    #[test]
    fn wrap_and_unwrap_with_the_same_inputs() {
        let data_key = crate::secret::key(random::<32>().unwrap());
        let kek = derive_kek("Masar@4101", b"0123456789abcdef", b"keychain-secret", FAST).unwrap();
        let wrapped = wrap(&kek, &data_key, "profile-a").unwrap();
        let again = derive_kek("Masar@4101", b"0123456789abcdef", b"keychain-secret", FAST).unwrap();
        assert_eq!(unwrap(&again, &wrapped, "profile-a").unwrap().expose_secret(), data_key.expose_secret());
    }

    #[test]
    fn any_wrong_input_fails_cleanly() {
        let data_key = crate::secret::key(random::<32>().unwrap());
        let kek = derive_kek("Masar@4101", b"0123456789abcdef", b"secret-1", FAST).unwrap();
        let wrapped = wrap(&kek, &data_key, "profile-a").unwrap();
        let wrong_password = derive_kek("Masar@4102", b"0123456789abcdef", b"secret-1", FAST).unwrap();
        let wrong_secret = derive_kek("Masar@4101", b"0123456789abcdef", b"secret-2", FAST).unwrap();
        assert!(matches!(unwrap(&wrong_password, &wrapped, "profile-a"), Err(CryptoError::WrongKey)));
        assert!(matches!(unwrap(&wrong_secret, &wrapped, "profile-a"), Err(CryptoError::WrongKey)));
        assert!(matches!(unwrap(&kek, &wrapped, "profile-b"), Err(CryptoError::WrongKey)));
        let garbled = WrappedKey { nonce: "zz".into(), ..wrapped };
        assert!(matches!(unwrap(&kek, &garbled, "profile-a"), Err(CryptoError::Malformed)));
    }
}
