//! The provider's signing keys: ES256 (ECDSA on P-256), kept in the store so that every node
//! signs with the same key and publishes the same set. A key signs for 30 days; the one it
//! replaced stays in the JWKS while tokens it signed may still be valid. Each node reloads the
//! set every few minutes, and at once when asked for a key id it does not know.

use std::sync::{Arc, Mutex};

use anyhow::Context;
use jsonwebtoken::jwk::{Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use p256::pkcs8::EncodePrivateKey;
use serde::Serialize;

use crate::rules::oidc::{self, KeyAge};
use crate::rules::oidc_rows::KeyCandidate;
use crate::storage::Store;

/// How long a node trusts the set it loaded before reading it again.
const RELOAD_AFTER_MS: i64 = 5 * 60 * 1000;

/// The longest-lived token a key signs (an ID token or access token: 15 minutes), for how long a
/// replaced key stays published. A little more, for clocks that differ between nodes.
const LONGEST_TOKEN_SECONDS: u32 = crate::rules::signin::ACCESS_TOKEN_SECONDS + 5 * 60;

/// A key ready to sign and to verify. `Debug` names it only.
struct Loaded {
    age: KeyAge,
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwk: Jwk,
}

struct KeySet {
    loaded_at: i64,
    keys: Vec<Loaded>,
}

impl KeySet {
    fn ages(&self) -> Vec<KeyAge> {
        self.keys.iter().map(|key| key.age.clone()).collect()
    }

    /// The newest key has signed long enough: the store makes the next one on the next read.
    fn due_for_a_new_key(&self, now_ms: i64) -> bool {
        oidc::needs_new_key(&self.ages(), now_ms)
    }
}

/// The provider's keys, shared by the handlers.
pub struct SigningKeys {
    store: Arc<dyn Store>,
    set: Mutex<Option<Arc<KeySet>>>,
}

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeys").finish_non_exhaustive()
    }
}

/// A new P-256 key, in case the store needs one: 32 random bytes (drawn again in the rare case
/// they are not a valid scalar).
fn candidate() -> anyhow::Result<KeyCandidate> {
    let key = loop {
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        if let Ok(key) = p256::ecdsa::SigningKey::from_slice(&bytes) {
            break key;
        }
    };
    let pkcs8 = key.to_pkcs8_der().map_err(|e| anyhow::anyhow!("cannot encode a new signing key: {e}"))?;
    Ok(KeyCandidate { kid: crate::secrets::new_id()?, pkcs8: pkcs8.as_bytes().to_vec() })
}

fn load(age: KeyAge, pkcs8: &[u8]) -> anyhow::Result<Loaded> {
    let encoding = EncodingKey::from_ec_der(pkcs8);
    let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::ES256).context("a stored signing key")?;
    jwk.common.key_id = Some(age.kid.clone());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    jwk.common.key_algorithm = Some(KeyAlgorithm::ES256);
    let decoding = DecodingKey::from_jwk(&jwk).context("a stored signing key's public half")?;
    Ok(Loaded { age, encoding, decoding, jwk })
}

impl SigningKeys {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, set: Mutex::new(None) }
    }

    fn cached(&self) -> Option<Arc<KeySet>> {
        self.set.lock().ok().and_then(|set| set.clone())
    }

    async fn reload(&self, now_ms: i64) -> anyhow::Result<Arc<KeySet>> {
        let stored = self.store.signing_keys(now_ms, candidate()?).await?;
        let keys = stored.into_iter().map(|key| load(key.age, &key.pkcs8)).collect::<anyhow::Result<_>>()?;
        let set = Arc::new(KeySet { loaded_at: now_ms, keys });
        if let Ok(mut slot) = self.set.lock() {
            *slot = Some(Arc::clone(&set));
        }
        Ok(set)
    }

    async fn current(&self, now_ms: i64) -> anyhow::Result<Arc<KeySet>> {
        match self.cached() {
            Some(set) if now_ms - set.loaded_at < RELOAD_AFTER_MS && !set.due_for_a_new_key(now_ms) => {
                Ok(set)
            }
            _ => self.reload(now_ms).await,
        }
    }

    /// `claims` signed with the key that signs now, as a compact JWT.
    pub async fn sign<T: Serialize>(&self, typ: &str, claims: &T, now_ms: i64) -> anyhow::Result<String> {
        let set = self.current(now_ms).await?;
        let ages = set.ages();
        let kid = oidc::signing_key(&ages).context("no signing key")?.kid.clone();
        let key = set.keys.iter().find(|key| key.age.kid == kid).context("the signing key is not loaded")?;
        let header = Header { typ: Some(typ.to_owned()), kid: Some(kid), ..Header::new(Algorithm::ES256) };
        jsonwebtoken::encode(&header, claims, &key.encoding).context("cannot sign a token")
    }

    /// The public keys a client verifies with.
    pub async fn jwks(&self, now_ms: i64) -> anyhow::Result<JwkSet> {
        let set = self.current(now_ms).await?;
        let ages = set.ages();
        let published = oidc::published(&ages, now_ms, LONGEST_TOKEN_SECONDS);
        let keys = published
            .iter()
            .filter_map(|age| set.keys.iter().find(|key| key.age.kid == age.kid))
            .map(|key| key.jwk.clone())
            .collect();
        Ok(JwkSet { keys })
    }
}

/// The built-in provider is the resource server's key source when it is the issuer.
#[async_trait::async_trait]
impl crate::auth::jwt::KeySource for SigningKeys {
    /// The key to verify a token signed by `kid` with (read again once when not known here).
    async fn verifying_key(&self, kid: &str, now_ms: i64) -> anyhow::Result<Option<DecodingKey>> {
        let find =
            |set: &KeySet| set.keys.iter().find(|key| key.age.kid == kid).map(|key| key.decoding.clone());
        let set = self.current(now_ms).await?;
        if let Some(key) = find(&set) {
            return Ok(Some(key));
        }
        let fresh_enough = now_ms - set.loaded_at < 1_000;
        if fresh_enough {
            return Ok(None);
        }
        Ok(find(&*self.reload(now_ms).await?))
    }
}
