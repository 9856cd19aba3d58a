//! The built-in OpenID Connect provider: the embedded default issuer, and the demo's. Public
//! clients only, the authorization-code flow with PKCE S256 (RFC 6749, RFC 7636, OpenID Connect
//! Core 1.0), redirect URIs compared exactly with RFC 8252's loopback rule; the browser signs in
//! on server-rendered pages with the national ID and password, then a code by SMS, under the same
//! sign-in rules as everything else (`rules::signin`). Tokens: an ES256 access token for Masar's
//! API and ID token, a rotating opaque refresh token (a second use ends the session).
//!
//! Endpoints: `/.well-known/openid-configuration` (discovery), `/oidc/jwks`, `/oidc/authorize`
//! (and its pages' forms), `/oidc/token`, `/oidc/userinfo`, `/oidc/revoke` (RFC 7009),
//! `/oidc/logout` (RP-Initiated Logout 1.0).

mod authorize;
mod endpoints;
pub mod keys;
mod logout;
pub mod pages;
pub(crate) mod respond;
pub mod tokens;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

pub use keys::SigningKeys;

use crate::AppState;
use crate::rules::oidc::Client;

/// The audience of the provider's access tokens (the resource server's `--oidc-audience`
/// default).
pub const DEFAULT_AUDIENCE: &str = "masar";

/// The provider as the handlers see it.
#[derive(Debug)]
pub struct Provider {
    /// The issuer identifier: the server's public URL, no trailing slash.
    pub issuer: String,
    /// The `aud` of access tokens.
    pub audience: String,
    pub clients: Vec<Client>,
    pub keys: Arc<SigningKeys>,
}

impl Provider {
    pub fn new(issuer: &str, audience: &str, keys: Arc<SigningKeys>) -> Self {
        Self {
            issuer: issuer.trim_end_matches('/').to_owned(),
            audience: audience.to_owned(),
            clients: vec![Client::masar_desktop()],
            keys,
        }
    }

    /// The full URL of one of the provider's paths.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    /// Whether cookies may be marked `Secure` (the issuer is served over https).
    fn secure(&self) -> bool {
        self.issuer.starts_with("https://")
    }

    pub fn client(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|client| client.id == id)
    }
}

/// The provider's routes, at the root of the server (the issuer is the server's URL).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(endpoints::discovery))
        .route("/oidc/jwks", get(endpoints::jwks))
        .route("/oidc/authorize", get(authorize::begin))
        .route("/oidc/authorize/step", get(authorize::step))
        .route("/oidc/authorize/password", post(authorize::password))
        .route("/oidc/authorize/code", post(authorize::code))
        .route("/oidc/authorize/resend", post(authorize::resend))
        .route("/oidc/token", post(endpoints::token))
        .route("/oidc/userinfo", get(endpoints::userinfo).post(endpoints::userinfo))
        .route("/oidc/revoke", post(endpoints::revoke))
        .route("/oidc/logout", get(logout::by_query).post(logout::by_form))
}

/// The style sheet and fonts of the server's pages (the provider's and the statement
/// verification's), served whichever issuer is trusted.
pub fn assets() -> Router<AppState> {
    Router::new().route("/oidc/assets/{name}", get(endpoints::asset))
}
