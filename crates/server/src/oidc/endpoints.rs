//! The provider's machine-facing endpoints: discovery (OpenID Connect Discovery 1.0), the JWKS,
//! the token endpoint (RFC 6749 §3.2: the code with its PKCE verifier, or a refresh token),
//! userinfo, revocation (RFC 7009), and the pages' style sheet and fonts.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::json;

use super::tokens::{NATIONAL_ID_CLAIM, TokenResponse};
use crate::AppState;
use crate::auth::SignedIn;
use crate::auth::admission::admit;
use crate::error::ApiError;
use crate::rules::oidc_rows::Exchanged;
use crate::rules::signin::access_lifetime;
use crate::storage::{Caller, RefreshOutcome};

/// `GET /.well-known/openid-configuration`.
pub async fn discovery(State(state): State<AppState>) -> Response {
    let p = &state.provider;
    let document = json!({
        "issuer": p.issuer,
        "authorization_endpoint": p.url("/oidc/authorize"),
        "token_endpoint": p.url("/oidc/token"),
        "userinfo_endpoint": p.url("/oidc/userinfo"),
        "jwks_uri": p.url("/oidc/jwks"),
        "revocation_endpoint": p.url("/oidc/revoke"),
        "end_session_endpoint": p.url("/oidc/logout"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "scopes_supported": ["openid"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp", "sid", NATIONAL_ID_CLAIM, "name"],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "ui_locales_supported": ["ar", "en"],
        "authorization_response_iss_parameter_supported": true,
    });
    cacheable(Json(document).into_response())
}

fn cacheable(mut response: Response) -> Response {
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    response
}

/// `GET /oidc/jwks`: the keys tokens are signed with.
pub async fn jwks(State(state): State<AppState>) -> Response {
    match state.provider.keys.jwks(state.clock.now_ms()).await {
        Ok(set) => cacheable(Json(set).into_response()),
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "cannot read the signing keys");
            oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "The keys cannot be read now.")
        }
    }
}

/// An error of the token endpoint (RFC 6749 §5.2), never cached.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    no_store((status, Json(json!({ "error": error, "error_description": description }))).into_response())
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

#[derive(Deserialize)]
pub struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

/// Codes, verifiers and tokens are secrets: never printed.
impl std::fmt::Debug for TokenForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenForm")
            .field("grant_type", &self.grant_type)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// `POST /oidc/token`.
pub async fn token(State(state): State<AppState>, caller: Caller, Form(form): Form<TokenForm>) -> Response {
    match admit(&state, &caller).await {
        Ok(()) => {}
        Err(ApiError::RateLimited { .. }) => {
            return oauth_error(
                StatusCode::TOO_MANY_REQUESTS,
                "slow_down",
                "Too many requests: wait and try again.",
            );
        }
        Err(error) => {
            tracing::error!(%error, "the token request's rate could not be checked");
            return oauth_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "Try again later.",
            );
        }
    }
    let Some(client) = form.client_id.as_deref().and_then(|id| state.provider.client(id)).cloned() else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Unknown client.");
    };
    let answer = match form.grant_type.as_deref() {
        Some("authorization_code") => authorization_code(&state, &caller, &client.id, &form).await,
        Some("refresh_token") => refresh(&state, &caller, &client.id, &form).await,
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "authorization_code or refresh_token.",
            );
        }
    };
    match answer {
        Ok(Ok(tokens)) => no_store(Json(tokens).into_response()),
        Ok(Err(description)) => oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description),
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "token request failed");
            oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "Try again later.")
        }
    }
}

async fn authorization_code(
    state: &AppState,
    caller: &Caller,
    client_id: &str,
    form: &TokenForm,
) -> anyhow::Result<Result<TokenResponse, &'static str>> {
    let (Some(code), Some(redirect_uri), Some(verifier)) =
        (&form.code, &form.redirect_uri, &form.code_verifier)
    else {
        return Ok(Err("code, redirect_uri and code_verifier are required."));
    };
    let session = match state.store.exchange_code(code, client_id, redirect_uri, verifier, caller).await? {
        Exchanged::Issued(session) => session,
        Exchanged::Invalid => {
            return Ok(Err("The code is not valid for this client, redirect URI and verifier."));
        }
        Exchanged::Replayed => return Ok(Err("The code was used already: its session is ended.")),
    };
    let p = &state.provider;
    let lifetime = access_lifetime(session.tokens.refresh_expires_in);
    let access = p.access_token(&session.national_id, client_id, "openid", lifetime, caller.now_ms).await?;
    let id_token = p
        .id_token(
            &session.national_id,
            &session.id,
            client_id,
            session.nonce.clone(),
            session.auth_time,
            caller.now_ms,
        )
        .await?;
    Ok(Ok(TokenResponse {
        access_token: access,
        token_type: "Bearer",
        expires_in: lifetime,
        refresh_token: session.tokens.refresh.expose().to_owned(),
        id_token: Some(id_token),
        scope: "openid".into(),
    }))
}

async fn refresh(
    state: &AppState,
    caller: &Caller,
    client_id: &str,
    form: &TokenForm,
) -> anyhow::Result<Result<TokenResponse, &'static str>> {
    let Some(refresh_token) = &form.refresh_token else { return Ok(Err("refresh_token is required.")) };
    let (who, issued) = match state.store.refresh(refresh_token, caller).await? {
        RefreshOutcome::Rotated(who, issued) => (who, issued),
        RefreshOutcome::Reused(_) => {
            return Ok(Err("The refresh token was used already: the session is ended."));
        }
        RefreshOutcome::Invalid => return Ok(Err("The refresh token is not valid.")),
    };
    let lifetime = access_lifetime(issued.refresh_expires_in);
    let access = state.provider.access_token(&who, client_id, "openid", lifetime, caller.now_ms).await?;
    Ok(Ok(TokenResponse {
        access_token: access,
        token_type: "Bearer",
        expires_in: lifetime,
        refresh_token: issued.refresh.expose().to_owned(),
        id_token: None,
        scope: "openid".into(),
    }))
}

/// `GET|POST /oidc/userinfo`: who the access token names.
pub async fn userinfo(State(state): State<AppState>, signed_in: SignedIn) -> Response {
    let name = match state.store.record(&signed_in.national_id).await {
        Ok(record) => record.map(|record| record.profile.name_ar.full()),
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "cannot read the employee for userinfo");
            None
        }
    };
    let id = signed_in.national_id.as_str();
    let mut claims = json!({ "sub": id, NATIONAL_ID_CLAIM: id });
    if let (Some(name), Some(map)) = (name, claims.as_object_mut()) {
        map.insert("name".into(), name.into());
    }
    no_store(Json(claims).into_response())
}

#[derive(Deserialize)]
pub struct RevokeForm {
    token: Option<String>,
}

/// A token is a secret: never printed.
impl std::fmt::Debug for RevokeForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevokeForm").finish_non_exhaustive()
    }
}

/// `POST /oidc/revoke` (RFC 7009): a refresh token ends its session; anything else is answered
/// the same (§2.2: an invalid token is not an error). Access tokens are short and not stored:
/// they end on their own within 15 minutes.
pub async fn revoke(State(state): State<AppState>, caller: Caller, Form(form): Form<RevokeForm>) -> Response {
    let Some(token) = form.token.filter(|token| !token.is_empty()) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "token is required.");
    };
    match state.store.logout(&token, &caller).await {
        Ok(()) => no_store(StatusCode::OK.into_response()),
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "revocation failed");
            oauth_error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", "Try again later.")
        }
    }
}

const PLEX_400: &[u8] =
    include_bytes!("../../../../ui/src/assets/fonts/ibm-plex-sans-arabic-arabic-400-normal.woff2");
const PLEX_700: &[u8] =
    include_bytes!("../../../../ui/src/assets/fonts/ibm-plex-sans-arabic-arabic-700-normal.woff2");
const PLEX_LATIN_400: &[u8] =
    include_bytes!("../../../../ui/src/assets/fonts/ibm-plex-sans-arabic-latin-400-normal.woff2");
const PLEX_LATIN_700: &[u8] =
    include_bytes!("../../../../ui/src/assets/fonts/ibm-plex-sans-arabic-latin-700-normal.woff2");

/// `GET /oidc/assets/{name}`: the pages' style sheet and fonts.
pub async fn asset(Path(name): Path<String>) -> Response {
    let (content_type, body): (&str, &[u8]) = match name.as_str() {
        "pages.css" => ("text/css; charset=utf-8", super::pages::STYLE.as_bytes()),
        "plex-400.woff2" => ("font/woff2", PLEX_400),
        "plex-700.woff2" => ("font/woff2", PLEX_700),
        "plex-latin-400.woff2" => ("font/woff2", PLEX_LATIN_400),
        "plex-latin-700.woff2" => ("font/woff2", PLEX_LATIN_700),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut response = body.into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    cacheable(response)
}
