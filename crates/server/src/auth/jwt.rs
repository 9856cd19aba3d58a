//! masar-server as a resource server: an access token that is a JWT is checked against the
//! issuer's keys — the algorithm from an allow-list of asymmetric ones (never `none`, never a
//! shared secret), the signature by the key its `kid` names, `iss`, `aud`, `exp` and `nbf` on the
//! server's clock — and names the employee by its national-ID claim. Roles stay Masar's own data.

use std::sync::Arc;

use jsonwebtoken::{Algorithm, Validation};
use masar_protocol::NationalId;
use serde::Deserialize;

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

/// The checks for one issuer.
#[derive(Debug)]
pub struct JwtVerifier {
    pub issuer: String,
    pub audience: String,
    /// The claim holding the national ID.
    pub national_id_claim: String,
    keys: Arc<dyn KeySource>,
}

impl JwtVerifier {
    pub fn new(issuer: &str, audience: &str, national_id_claim: &str, keys: Arc<dyn KeySource>) -> Self {
        Self {
            issuer: issuer.trim_end_matches('/').to_owned(),
            audience: audience.to_owned(),
            national_id_claim: national_id_claim.to_owned(),
            keys,
        }
    }

    /// Checks `token` at `now_ms` (the server's clock).
    pub async fn check(&self, token: &str, now_ms: i64) -> anyhow::Result<JwtCheck> {
        let Ok(header) = jsonwebtoken::decode_header(token) else { return Ok(JwtCheck::Invalid) };
        if !ALLOWED.contains(&header.alg) {
            return Ok(JwtCheck::Invalid);
        }
        let Some(kid) = header.kid else { return Ok(JwtCheck::Invalid) };
        let Some(key) = self.keys.verifying_key(&kid, now_ms).await? else { return Ok(JwtCheck::Invalid) };
        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Times are checked below against the server's clock, not the process's.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let Ok(data) = jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation) else {
            return Ok(JwtCheck::Invalid);
        };
        let Ok(times) = serde_json::from_value::<TimeClaims>(data.claims.clone()) else {
            return Ok(JwtCheck::Invalid);
        };
        if times.nbf.is_some_and(|nbf| nbf * 1000 > now_ms + LEEWAY_MS) {
            return Ok(JwtCheck::Invalid);
        }
        let state = TokenState { expires_at: times.exp * 1000 + LEEWAY_MS, revoked: false, used: false };
        match access(Some(state), now_ms) {
            AccessVerdict::Valid => {}
            AccessVerdict::Expired => return Ok(JwtCheck::Expired),
            AccessVerdict::Invalid => return Ok(JwtCheck::Invalid),
        }
        let id = data
            .claims
            .get(&self.national_id_claim)
            .and_then(|value| value.as_str())
            .and_then(|text| NationalId::parse(text).ok());
        Ok(id.map_or(JwtCheck::Invalid, JwtCheck::Valid))
    }
}
