//! Who is asking: [`Caller`] is any request's network address and the server's time for it;
//! [`SignedIn`] is the account named by a valid `Authorization: Bearer` access token, with its
//! role (a JWT of the configured issuer, its role Masar's own data);
//! [`HrOfficer`] is a signed-in HR officer (anyone else gets 403).

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use masar_protocol::NationalId;
use masar_protocol::auth::Role;

use super::client_address::client_address;
use super::jwt::{JwtCheck, looks_like_jwt};
use crate::AppState;
use crate::error::ApiError;
use crate::storage::Caller;
use crate::tls::PeerAddr;

/// The one place a request's address and time are taken: every handler that audits or limits
/// asks for a [`Caller`].
impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ConnectInfo(PeerAddr(peer)) = parts
            .extensions
            .get::<ConnectInfo<PeerAddr>>()
            .copied()
            .ok_or_else(|| anyhow::anyhow!("the server was started without the peer's address"))?;
        let forwarded =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|value| value.to_str().ok());
        let client = client_address(peer.ip(), forwarded, &state.trusted_proxies);
        Ok(Self { address: client.to_string(), now_ms: state.clock.now_ms() })
    }
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub national_id: NationalId,
    pub role: Role,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or(ApiError::Unauthenticated)?;
        let now_ms = state.clock.now_ms();
        if !looks_like_jwt(token) {
            return Err(ApiError::Unauthenticated);
        }
        match state.verifier.check(token, now_ms).await? {
            JwtCheck::Valid(national_id) => {
                // Roles are Masar's own data: an ID with no account here is nobody Masar knows.
                let role = state.store.role_of(&national_id).await?.ok_or(ApiError::Unauthenticated)?;
                Ok(Self { national_id, role })
            }
            JwtCheck::Expired => Err(ApiError::SessionExpired),
            JwtCheck::Invalid => Err(ApiError::Unauthenticated),
        }
    }
}

/// A signed-in HR officer.
#[derive(Debug, Clone)]
pub struct HrOfficer(pub NationalId);

impl FromRequestParts<AppState> for HrOfficer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        match signed_in.role {
            Role::HrOfficer => Ok(Self(signed_in.national_id)),
            Role::Employee => Err(ApiError::Forbidden),
        }
    }
}
