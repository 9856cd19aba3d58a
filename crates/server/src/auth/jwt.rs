//! masar-server as a resource server: an access token that is a JWT is checked against the
//! issuer's keys — the algorithm from an allow-list of asymmetric ones (never `none`, never a
//! shared secret), the signature by the key its `kid` names, `iss`, `aud`, `exp` and `nbf` on the
//! server's clock — and names the employee by its national-ID claim. Roles stay Masar's own data.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jsonwebtoken::{Algorithm, Validation};
use masar_protocol::NationalId;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::rules::signin::{AccessVerdict, TokenState, access};

/// Where the issuer's public keys come from: the built-in provider's own keys, or (for an outside
/// issuer) its JWKS.
#[async_trait::async_trait]
pub trait KeySource: Send + Sync + std::fmt::Debug {
    /// The key to verify a token signed by `kid` with, if the issuer has one by that id.
    async fn verifying_key(
        &self,
        kid: &str,
        now_ms: i64,
    ) -> anyhow::Result<Option<jsonwebtoken::DecodingKey>>;
}

/// Signature algorithms a token may use: asymmetric only.
const ALLOWED: [Algorithm; 8] = [
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::EdDSA,
];

/// Clocks of the issuer and this server may differ by this much.
const LEEWAY_MS: i64 = 60_000;

/// What a token names when it is good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtCheck {
    Valid(NationalId),
    Expired,
    Invalid,
}

/// Whether a bearer token is a JWT (three base64url parts) rather than an opaque token.
pub fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3
}

#[derive(Debug, Deserialize)]
struct TimeClaims {
    exp: i64,
    nbf: Option<i64>,
}

/// Tokens verified already, by their digest: whose they are and when they expire. An access
/// token cannot be revoked before it expires, so a poll every few seconds with the same token
/// needs its signature checked once, not each time.
#[derive(Default)]
struct Verified {
    tokens: HashMap<[u8; 32], (NationalId, i64)>,
}

/// Entries kept before the expired ones are dropped (and, if none has, all of them).
const VERIFIED_CAPACITY: usize = 20_000;

impl Verified {
    fn get(&self, digest: &[u8; 32]) -> Option<(NationalId, i64)> {
        self.tokens.get(digest).cloned()
    }

    fn insert(&mut self, digest: [u8; 32], who: NationalId, expires_at: i64, now_ms: i64) {
        if self.tokens.len() >= VERIFIED_CAPACITY {
            self.tokens.retain(|_, (_, expires)| time_verdict(*expires, now_ms) == AccessVerdict::Valid);
            if self.tokens.len() >= VERIFIED_CAPACITY {
                self.tokens.clear();
            }
        }
        self.tokens.insert(digest, (who, expires_at));
    }
}

/// The checks for one issuer.
pub struct JwtVerifier {
    pub issuer: String,
    pub audience: String,
    /// The claim holding the national ID.
    pub national_id_claim: String,
    keys: Arc<dyn KeySource>,
    verified: Mutex<Verified>,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("national_id_claim", &self.national_id_claim)
            .finish_non_exhaustive()
    }
}

/// When a token whose `exp` is `expires_at` ms has expired at `now_ms`, the leeway given.
fn time_verdict(expires_at: i64, now_ms: i64) -> AccessVerdict {
    access(Some(TokenState { expires_at: expires_at + LEEWAY_MS, revoked: false, used: false }), now_ms)
}

impl JwtVerifier {
    pub fn new(issuer: &str, audience: &str, national_id_claim: &str, keys: Arc<dyn KeySource>) -> Self {
        Self {
            issuer: issuer.trim_end_matches('/').to_owned(),
            audience: audience.to_owned(),
            national_id_claim: national_id_claim.to_owned(),
            keys,
            verified: Mutex::new(Verified::default()),
        }
    }

    /// Checks `token` at `now_ms` (the server's clock): its signature once, its time each time.
    pub async fn check(&self, token: &str, now_ms: i64) -> anyhow::Result<JwtCheck> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let known = self.verified.lock().ok().and_then(|verified| verified.get(&digest));
        if let Some((who, expires_at)) = known {
            return Ok(match time_verdict(expires_at, now_ms) {
                AccessVerdict::Valid => JwtCheck::Valid(who),
                AccessVerdict::Expired | AccessVerdict::Invalid => JwtCheck::Expired,
            });
        }
        Ok(match self.check_signed(token, now_ms).await? {
            Signed::Good(who, expires_at) => {
                if let Ok(mut verified) = self.verified.lock() {
                    verified.insert(digest, who.clone(), expires_at, now_ms);
                }
                JwtCheck::Valid(who)
            }
            Signed::Expired => JwtCheck::Expired,
            Signed::Invalid => JwtCheck::Invalid,
        })
    }

    /// Every check, the signature's included.
    async fn check_signed(&self, token: &str, now_ms: i64) -> anyhow::Result<Signed> {
        let Ok(header) = jsonwebtoken::decode_header(token) else { return Ok(Signed::Invalid) };
        if !ALLOWED.contains(&header.alg) {
            return Ok(Signed::Invalid);
        }
        let Some(kid) = header.kid else { return Ok(Signed::Invalid) };
        let Some(key) = self.keys.verifying_key(&kid, now_ms).await? else { return Ok(Signed::Invalid) };
        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Times are checked below against the server's clock, not the process's.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let Ok(data) = jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation) else {
            return Ok(Signed::Invalid);
        };
        let Ok(times) = serde_json::from_value::<TimeClaims>(data.claims.clone()) else {
            return Ok(Signed::Invalid);
        };
        if times.nbf.is_some_and(|nbf| nbf * 1000 > now_ms + LEEWAY_MS) {
            return Ok(Signed::Invalid);
        }
        let expires_at = times.exp.saturating_mul(1000);
        match time_verdict(expires_at, now_ms) {
            AccessVerdict::Valid => {}
            AccessVerdict::Expired => return Ok(Signed::Expired),
            AccessVerdict::Invalid => return Ok(Signed::Invalid),
        }
        let id = data
            .claims
            .get(&self.national_id_claim)
            .and_then(|value| value.as_str())
            .and_then(|text| NationalId::parse(text).ok());
        Ok(id.map_or(Signed::Invalid, |who| Signed::Good(who, expires_at)))
    }
}

/// What the full check of a token finds.
enum Signed {
    /// Whose it is, and its `exp` in ms.
    Good(NationalId, i64),
    Expired,
    Invalid,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> NationalId {
        NationalId::parse(text).unwrap_or_else(|_| panic!("{text} is a test ID"))
    }

    fn digest(n: usize, tag: u8) -> [u8; 32] {
        let mut digest = [tag; 32];
        digest[..8].copy_from_slice(&(n as u64).to_le_bytes());
        digest
    }

    #[test]
    fn a_full_cache_drops_the_expired_tokens_first_then_everything() {
        let mut verified = Verified::default();
        let who = id("1000000008");
        // Every other token expires (with its minute of leeway) at 62 000 ms, the rest later.
        for n in 0..VERIFIED_CAPACITY {
            verified.insert(digest(n, 0), who.clone(), if n % 2 == 0 { 2_000 } else { 10_000 }, 0);
        }
        assert_eq!(verified.tokens.len(), VERIFIED_CAPACITY);
        verified.insert(digest(0, 1), who.clone(), 10_000, 62_000);
        assert_eq!(verified.tokens.len(), VERIFIED_CAPACITY / 2 + 1, "the expired half dropped");
        assert!(verified.get(&digest(0, 1)).is_some());
        assert!(verified.get(&digest(0, 0)).is_none());
        // Full again with nothing expired: all dropped, the new one kept.
        for n in 1..VERIFIED_CAPACITY / 2 {
            verified.insert(digest(n, 1), who.clone(), 10_000, 62_000);
        }
        assert_eq!(verified.tokens.len(), VERIFIED_CAPACITY);
        verified.insert(digest(0, 2), who.clone(), 10_000, 62_000);
        assert_eq!(verified.tokens.len(), 1);
    }

    #[test]
    fn the_leeway_is_one_minute_past_exp() {
        assert_eq!(time_verdict(10_000, 70_000 - 1), AccessVerdict::Valid);
        assert_eq!(time_verdict(10_000, 70_000), AccessVerdict::Expired);
    }

    /// One P-256 key that verifies what it signs, as an issuer's JWKS would give it.
    #[derive(Debug)]
    struct OneKey(jsonwebtoken::DecodingKey);

    #[async_trait::async_trait]
    impl KeySource for OneKey {
        async fn verifying_key(
            &self,
            kid: &str,
            _now_ms: i64,
        ) -> anyhow::Result<Option<jsonwebtoken::DecodingKey>> {
            Ok((kid == "k1").then(|| self.0.clone()))
        }
    }

    fn signer() -> (jsonwebtoken::EncodingKey, jsonwebtoken::DecodingKey) {
        use p256::pkcs8::EncodePrivateKey;
        let key = p256::ecdsa::SigningKey::from_slice(&[7; 32]).unwrap_or_else(|_| panic!("a valid scalar"));
        let der = key.to_pkcs8_der().unwrap_or_else(|_| panic!("encodes"));
        let encoding = jsonwebtoken::EncodingKey::from_ec_der(der.as_bytes());
        let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&encoding, Algorithm::ES256)
            .unwrap_or_else(|_| panic!("a public JWK"));
        (encoding, jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap_or_else(|_| panic!("a key")))
    }

    const NOW_S: i64 = 1_800_000_000;

    fn token(encoding: &jsonwebtoken::EncodingKey, nbf: Option<i64>) -> String {
        let mut claims = serde_json::json!({
            "iss": "https://issuer.example", "aud": "masar", "sub": "1000000008",
            "national_id": "1000000008", "iat": NOW_S, "exp": NOW_S + 900,
        });
        if let Some(nbf) = nbf {
            claims["nbf"] = nbf.into();
        }
        let header =
            jsonwebtoken::Header { kid: Some("k1".into()), ..jsonwebtoken::Header::new(Algorithm::ES256) };
        jsonwebtoken::encode(&header, &claims, encoding).unwrap_or_else(|_| panic!("signs"))
    }

    #[tokio::test]
    async fn a_token_not_yet_valid_by_more_than_the_leeway_is_refused() {
        let (encoding, decoding) = signer();
        let verifier = || {
            JwtVerifier::new(
                "https://issuer.example/",
                "masar",
                "national_id",
                Arc::new(OneKey(decoding.clone())),
            )
        };
        let now_ms = NOW_S * 1000;
        let valid = JwtCheck::Valid(id("1000000008"));
        let table =
            [(None, valid.clone()), (Some(NOW_S + 60), valid.clone()), (Some(NOW_S + 61), JwtCheck::Invalid)];
        for (nbf, expected) in table {
            // A new verifier each time: the cache must not answer for a token it has not seen.
            let checked =
                verifier().check(&token(&encoding, nbf), now_ms).await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(checked, expected, "nbf {nbf:?}");
        }
        // A millisecond past the leeway's last one.
        let checked = verifier().check(&token(&encoding, Some(NOW_S + 60)), now_ms - 1).await;
        assert_eq!(checked.unwrap_or_else(|e| panic!("{e}")), JwtCheck::Invalid);
    }

    #[tokio::test]
    async fn a_verified_token_is_answered_from_the_cache_until_it_expires() {
        let (encoding, decoding) = signer();
        let verifier =
            JwtVerifier::new("https://issuer.example", "masar", "national_id", Arc::new(OneKey(decoding)));
        let token = token(&encoding, None);
        let now_ms = NOW_S * 1000;
        assert_eq!(verifier.check(&token, now_ms).await.ok(), Some(JwtCheck::Valid(id("1000000008"))));
        assert_eq!(verifier.verified.lock().map(|v| v.tokens.len()).ok(), Some(1));
        assert_eq!(
            verifier.check(&token, now_ms + 959_999).await.ok(),
            Some(JwtCheck::Valid(id("1000000008")))
        );
        assert_eq!(verifier.check(&token, now_ms + 960_000).await.ok(), Some(JwtCheck::Expired));
    }

    #[test]
    fn the_verifier_prints_its_issuer_and_audience_and_no_token() {
        let (_, decoding) = signer();
        let verifier =
            JwtVerifier::new("https://issuer.example", "masar", "national_id", Arc::new(OneKey(decoding)));
        let printed = format!("{verifier:?}");
        assert!(printed.contains("https://issuer.example") && printed.contains("masar"), "{printed}");
        assert!(!printed.contains("tokens"), "{printed}");
    }
}
