//! `SignedIn`: the employee named by a valid `Authorization: Bearer` access token.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use masar_protocol::NationalId;

use super::store::{self, AccessCheck};
use crate::AppState;
use crate::error::ApiError;

#[derive(Debug, Clone)]
pub struct SignedIn(pub NationalId);

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
            .ok_or(ApiError::Unauthenticated)?
            .to_owned();
        let now = state.clock.now_ms();
        match state.db.call(move |conn| store::check_access(conn, &token, now)).await? {
            AccessCheck::Valid(id) => Ok(Self(id)),
            AccessCheck::Expired => Err(ApiError::SessionExpired),
            AccessCheck::Invalid => Err(ApiError::Unauthenticated),
        }
    }
}
