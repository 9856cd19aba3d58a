//! The tokens the provider signs: the access token (a JWT for Masar's API, RFC 9068's
//! `at+jwt`) and the ID token (OpenID Connect Core §2), both ES256 and short-lived. The refresh
//! token stays opaque and rotating, kept as a digest in the store.

use jsonwebtoken::{Algorithm, Validation};
use masar_protocol::NationalId;
use serde::{Deserialize, Serialize};

use super::Provider;
use crate::auth::jwt::KeySource;
use crate::rules::signin::ACCESS_TOKEN_SECONDS;

/// The claim that names the employee in the provider's tokens (the resource server's
/// `--oidc-national-id-claim` default).
pub const NATIONAL_ID_CLAIM: &str = "national_id";

/// The `typ` of an ID token's header (an access token's is `at+jwt`).
const ID_TOKEN_TYPE: &str = "JWT";

/// An access token's claims (RFC 9068 §2.2).
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    pub client_id: String,
    pub scope: String,
    pub national_id: String,
}

/// An ID token's claims (OpenID Connect Core §2).
#[derive(Debug, Serialize, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub azp: String,
    pub exp: i64,
    pub iat: i64,
    pub auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The session (RP-Initiated Logout: the end-session endpoint ends it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub national_id: String,
}

/// What an ID token is about, for the end-session endpoint.
#[derive(Debug, Clone)]
pub struct IdTokenHint {
    pub client_id: String,
    pub national_id: NationalId,
    pub sid: Option<String>,
}

/// What the token endpoint answers (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3).
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u32,
    pub refresh_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    pub scope: String,
}

fn seconds(ms: i64) -> i64 {
    ms.div_euclid(1000)
}

impl Provider {
    /// An access token for `who`, for Masar's API, valid `lifetime` seconds (never past the end of
    /// its session: see `rules::signin::access_lifetime`).
    pub async fn access_token(
        &self,
        who: &NationalId,
        client_id: &str,
        scope: &str,
        lifetime: u32,
        now_ms: i64,
    ) -> anyhow::Result<String> {
        let now = seconds(now_ms);
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            sub: who.as_str().to_owned(),
            aud: self.audience.clone(),
            exp: now + i64::from(lifetime),
            iat: now,
            nbf: now,
            jti: crate::secrets::new_id()?,
            client_id: client_id.to_owned(),
            scope: scope.to_owned(),
            national_id: who.as_str().to_owned(),
        };
        self.keys.sign("at+jwt", &claims, now_ms).await
    }

    /// An ID token for `who`'s session `sid`, for the client that asked (`nonce` from its
    /// request).
    pub async fn id_token(
        &self,
        who: &NationalId,
        sid: &str,
        client_id: &str,
        nonce: Option<String>,
        auth_time_ms: i64,
        now_ms: i64,
    ) -> anyhow::Result<String> {
        let now = seconds(now_ms);
        let claims = IdClaims {
            iss: self.issuer.clone(),
            sub: who.as_str().to_owned(),
            aud: client_id.to_owned(),
            azp: client_id.to_owned(),
            exp: now + i64::from(ACCESS_TOKEN_SECONDS),
            iat: now,
            auth_time: seconds(auth_time_ms),
            nonce,
            sid: Some(sid.to_owned()),
            national_id: who.as_str().to_owned(),
        };
        self.keys.sign(ID_TOKEN_TYPE, &claims, now_ms).await
    }

    /// An ID token given back as a hint (RP-Initiated Logout 1.0 §2): one of this provider's own
    /// (its signature, with a key still published, and its issuer), expired or not.
    pub async fn read_id_token_hint(&self, token: &str, now_ms: i64) -> anyhow::Result<Option<IdTokenHint>> {
        let Ok(header) = jsonwebtoken::decode_header(token) else { return Ok(None) };
        let (Algorithm::ES256, Some(ID_TOKEN_TYPE), Some(kid)) =
            (header.alg, header.typ.as_deref(), header.kid)
        else {
            return Ok(None);
        };
        let Some(key) = KeySource::verifying_key(&*self.keys, &kid, now_ms).await? else { return Ok(None) };
        let mut validation = Validation::new(Algorithm::ES256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["iss", "sub", "aud"]);
        validation.validate_exp = false;
        validation.validate_aud = false;
        let Ok(data) = jsonwebtoken::decode::<IdClaims>(token, &key, &validation) else { return Ok(None) };
        let Ok(national_id) = NationalId::parse(&data.claims.national_id) else { return Ok(None) };
        Ok(Some(IdTokenHint { client_id: data.claims.aud, national_id, sid: data.claims.sid }))
    }
}
