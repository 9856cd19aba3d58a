//! The built-in OpenID Connect provider's rules, as pure decisions: which authorization requests
//! are taken (a registered public client, an exact redirect URI with RFC 8252's loopback rule,
//! the code flow with PKCE S256, `openid` in the scope), how a code verifier proves a request,
//! how long requests, codes and tokens live, and which signing keys sign and are published.

use base64::Engine;
use sha2::{Digest, Sha256};

pub use crate::storage::oidc::{AuthorizationRequest, KeyAge};

/// An authorization request is answered within this long (the pages, the code by SMS).
pub const REQUEST_TTL_SECONDS: u32 = 15 * 60;
/// An authorization code is exchanged within this long, once (RFC 6749 §4.1.2: ten minutes at
/// most; one is plenty for an app waiting on its loopback port).
pub const CODE_TTL_SECONDS: u32 = 60;
/// A signing key signs for this long; then a new one takes over.
pub const KEY_SIGNS_FOR_SECONDS: u32 = 30 * 24 * 60 * 60;

/// A public client the provider knows: its id and the redirect URIs registered for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub redirect_uris: Vec<String>,
    /// Where the browser may be sent after signing out (RP-Initiated Logout 1.0 §3.1).
    pub post_logout_redirect_uris: Vec<String>,
}

impl Client {
    /// Masar Desktop: a native app that listens once on a loopback port (RFC 8252 §7.3).
    pub fn masar_desktop() -> Self {
        Self {
            id: "masar-desktop".into(),
            redirect_uris: vec!["http://127.0.0.1/callback".into(), "http://[::1]/callback".into()],
            post_logout_redirect_uris: vec![
                "http://127.0.0.1/signed-out".into(),
                "http://[::1]/signed-out".into(),
            ],
        }
    }
}

/// Whether `requested` is one of `registered`: compared exactly, except that for a loopback IP
/// literal (`127.0.0.1`, `[::1]`) over http any port is allowed, as RFC 8252 §7.3 requires —
/// the app picks a free port each time. `localhost` is not a loopback literal here (§8.3).
pub fn redirect_allowed(registered: &[String], requested: &str) -> bool {
    let Ok(requested_url) = url::Url::parse(requested) else { return false };
    if requested_url.fragment().is_some() {
        return false;
    }
    registered.iter().any(|allowed| {
        if allowed == requested {
            return true;
        }
        let Ok(mut allowed_url) = url::Url::parse(allowed) else { return false };
        let loopback = allowed_url.scheme() == "http"
            && matches!(allowed_url.host_str(), Some("127.0.0.1" | "[::1]"))
            && allowed_url.port().is_none();
        if !loopback || requested_url.port().is_none() {
            return false;
        }
        allowed_url.set_port(requested_url.port()).is_ok() && allowed_url == requested_url
    })
}

/// The parameters of `GET /oidc/authorize`, as sent.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuthorizationParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    /// `ar` or `en`: the pages' language (Arabic by default).
    pub ui_locales: Option<String>,
}

/// Why a request is not taken. With `Untrusted` nothing is sent back to the redirect URI
/// (it may not be the client's: RFC 6749 §4.1.2.1); the others go back to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationRefusal {
    /// Unknown client, or a redirect URI not registered for it: said on the provider's page.
    Untrusted,
    /// Sent back to the client as `error=…`.
    Refused { error: &'static str, description: &'static str },
}

fn refused(error: &'static str, description: &'static str) -> AuthorizationRefusal {
    AuthorizationRefusal::Refused { error, description }
}

/// Checks an authorization request against the known clients.
pub fn check_authorization(
    params: &AuthorizationParams,
    clients: &[Client],
) -> Result<AuthorizationRequest, AuthorizationRefusal> {
    let client = params
        .client_id
        .as_deref()
        .and_then(|id| clients.iter().find(|client| client.id == id))
        .ok_or(AuthorizationRefusal::Untrusted)?;
    let redirect_uri = params
        .redirect_uri
        .clone()
        .filter(|uri| redirect_allowed(&client.redirect_uris, uri))
        .ok_or(AuthorizationRefusal::Untrusted)?;
    if params.response_type.as_deref() != Some("code") {
        return Err(refused("unsupported_response_type", "Only the authorization code flow is offered."));
    }
    let scope = params.scope.clone().unwrap_or_default();
    if !scope.split(' ').any(|word| word == "openid") {
        return Err(refused("invalid_scope", "The scope must include openid."));
    }
    if params.code_challenge_method.as_deref() != Some("S256") {
        return Err(refused("invalid_request", "PKCE with code_challenge_method=S256 is required."));
    }
    let code_challenge = params
        .code_challenge
        .clone()
        .filter(|challenge| challenge.len() == 43 && is_base64url(challenge))
        .ok_or_else(|| refused("invalid_request", "code_challenge must be a base64url SHA-256."))?;
    let bounded = |value: &Option<String>| value.as_ref().is_none_or(|v| v.len() <= 512);
    if !bounded(&params.state) || !bounded(&params.nonce) {
        return Err(refused("invalid_request", "state and nonce are limited to 512 characters."));
    }
    Ok(AuthorizationRequest {
        client_id: client.id.clone(),
        redirect_uri,
        scope,
        state: params.state.clone(),
        nonce: params.nonce.clone(),
        code_challenge,
    })
}

fn is_base64url(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `verifier` proves a request made with `challenge` (RFC 7636 §4.6, S256): the
/// verifier is 43–128 unreserved characters and its SHA-256, base64url without padding, is the
/// challenge.
pub fn pkce_matches(challenge: &str, verifier: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if !well_formed {
        return false;
    }
    let computed =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    crate::secrets::same_digest(&computed, challenge)
}

/// Who asks the end-session endpoint to sign out (OpenID Connect RP-Initiated Logout 1.0 §2):
/// the client named by a verified ID token hint and the `client_id` parameter, either optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogoutAsker<'a> {
    /// The `aud` of an ID token hint whose signature and issuer are the provider's own.
    pub hinted_client: Option<&'a str>,
    pub client_id: Option<&'a str>,
}

/// Where the end-session endpoint sends the browser: the requested post-logout redirect URI when
/// it is registered for the asking client (compared as redirect URIs are, loopback rule included)
/// and the hint and `client_id` do not disagree. `None`: the provider's own page.
pub fn post_logout_redirect<'a>(
    asker: LogoutAsker<'_>,
    requested: Option<&'a str>,
    clients: &[Client],
) -> Option<&'a str> {
    let client_id = match (asker.hinted_client, asker.client_id) {
        (Some(hinted), Some(named)) if hinted != named => return None,
        (Some(id), _) | (None, Some(id)) => id,
        (None, None) => return None,
    };
    let client = clients.iter().find(|client| client.id == client_id)?;
    requested.filter(|uri| redirect_allowed(&client.post_logout_redirect_uris, uri))
}

/// A stored authorization code, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub expires_at: i64,
    /// Exchanged already (a second exchange means the code leaked).
    pub used: bool,
}

/// What an exchange of a code finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeExchange {
    Issue,
    /// Unknown, expired, for another client or redirect URI, or the verifier does not match.
    Invalid,
    /// Exchanged before: the tokens it gave are revoked (RFC 6749 §4.1.2).
    Replayed,
}

pub fn exchange(
    code: Option<&StoredCode>,
    client_id: &str,
    redirect_uri: &str,
    verifier: &str,
    now_ms: i64,
) -> CodeExchange {
    let Some(code) = code else { return CodeExchange::Invalid };
    if code.used {
        return CodeExchange::Replayed;
    }
    let bound = code.client_id == client_id && code.redirect_uri == redirect_uri;
    if !bound || code.expires_at <= now_ms || !pkce_matches(&code.code_challenge, verifier) {
        return CodeExchange::Invalid;
    }
    CodeExchange::Issue
}

/// Whether a new signing key must be made: none yet, or the newest has signed long enough.
pub fn needs_new_key(keys: &[KeyAge], now_ms: i64) -> bool {
    keys.iter()
        .map(|key| key.created_at)
        .max()
        .is_none_or(|newest| now_ms - newest >= super::signin::ms(KEY_SIGNS_FOR_SECONDS))
}

/// The key that signs now: the newest.
pub fn signing_key(keys: &[KeyAge]) -> Option<&KeyAge> {
    keys.iter().max_by_key(|key| (key.created_at, key.kid.clone()))
}

/// The keys published in the JWKS: every key that signed anything still valid — the one signing
/// now, and those replaced less than `longest_token_seconds` ago.
pub fn published(keys: &[KeyAge], now_ms: i64, longest_token_seconds: u32) -> Vec<&KeyAge> {
    let mut by_age: Vec<&KeyAge> = keys.iter().collect();
    by_age.sort_by_key(|key| std::cmp::Reverse((key.created_at, key.kid.clone())));
    let mut kept = Vec::new();
    let mut replaced_at: Option<i64> = None;
    for key in by_age {
        let still_signed_for =
            replaced_at.is_none_or(|at| now_ms - at < super::signin::ms(longest_token_seconds));
        if still_signed_for {
            kept.push(key);
        }
        replaced_at = Some(key.created_at);
    }
    kept
}

#[cfg(test)]
#[path = "oidc_tests.rs"]
mod tests;
