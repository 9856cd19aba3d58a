//! The tokens the provider signs: the access token (a JWT for Masar's API, RFC 9068's
//! `at+jwt`) and the ID token (OpenID Connect Core §2), both ES256 and short-lived. The refresh
//! token stays opaque and rotating, kept as a digest in the store.

use masar_protocol::NationalId;
use serde::{Deserialize, Serialize};

use super::Provider;
use crate::rules::signin::ACCESS_TOKEN_SECONDS;

/// The claim that names the employee in the provider's tokens (the resource server's
/// `--oidc-national-id-claim` default).
pub const NATIONAL_ID_CLAIM: &str = "national_id";

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
    pub national_id: String,
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
    /// An access token for `who`, for Masar's API.
    pub async fn access_token(
        &self,
        who: &NationalId,
        client_id: &str,
        scope: &str,
        now_ms: i64,
    ) -> anyhow::Result<String> {
        let now = seconds(now_ms);
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            sub: who.as_str().to_owned(),
            aud: self.audience.clone(),
            exp: now + i64::from(ACCESS_TOKEN_SECONDS),
            iat: now,
            nbf: now,
            jti: crate::secrets::new_id()?,
            client_id: client_id.to_owned(),
            scope: scope.to_owned(),
            national_id: who.as_str().to_owned(),
        };
        self.keys.sign("at+jwt", &claims, now_ms).await
    }

    /// An ID token for `who`, for the client that asked (`nonce` from its request).
    pub async fn id_token(
        &self,
        who: &NationalId,
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
            national_id: who.as_str().to_owned(),
        };
        self.keys.sign("JWT", &claims, now_ms).await
    }
}
