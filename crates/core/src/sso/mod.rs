//! Signing in through the national single sign-on as a native app does it (RFC 8252): the
//! issuer's authorization endpoint, from its discovery document, opened in the system browser
//! with PKCE S256, `state` and `nonce`; the browser comes back to a loopback port
//! ([`loopback`]); the code is exchanged and the ID token verified (signature from the issuer's
//! key set, issuer, audience, nonce, expiry) by the `openidconnect` crate. The same issuer then
//! refreshes the tokens, revokes them (RFC 7009) and ends the session (RP-Initiated Logout).

mod http;
pub mod loopback;
mod page;

use std::borrow::Cow;
use std::time::Duration;

use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClient, CoreClientAuthMethod, CoreGrantType,
    CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreResponseMode,
    CoreResponseType, CoreSubjectIdentifierType, CoreTokenResponse,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthenticationFlow, AuthorizationCode, ClientId, CsrfToken, EndSessionUrl,
    IssuerUrl, LanguageTag, LogoutProviderMetadata, LogoutRequest, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadata, RedirectUrl, RefreshToken,
    RequestTokenError, RevocationUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};

pub use http::HttpFailure;
use loopback::{Callback, Loopback, LoopbackError};

use crate::secret::{ExposeSecret, SecretString};

/// Masar Desktop's client id at the issuer, unless the administrator's policy names another.
pub const DEFAULT_CLIENT_ID: &str = "masar-desktop";
/// How long the app waits for the browser to come back.
pub const SIGN_ON_WAIT: Duration = Duration::from_secs(10 * 60);

/// The discovery document's fields beyond OpenID Connect Discovery's own: RFC 7009's revocation
/// endpoint (RFC 8414 names it there) beside RP-Initiated Logout's `end_session_endpoint`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RevocationMetadata {
    revocation_endpoint: Option<RevocationUrl>,
}

impl AdditionalProviderMetadata for RevocationMetadata {}

type Metadata = ProviderMetadata<
    LogoutProviderMetadata<RevocationMetadata>,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("cannot reach the issuer: {0}")]
    Unreachable(String),
    /// The issuer's discovery document or key set is missing, malformed or names another issuer.
    #[error("the issuer's discovery document cannot be used: {0}")]
    Discovery(String),
    #[error("cannot listen for the browser's return: {0}")]
    Loopback(std::io::Error),
    #[error("the browser did not come back in time")]
    TimedOut,
    /// The employee cancelled at the issuer (`access_denied`), or the issuer refused.
    #[error("the issuer ended the sign-in: {0}")]
    Refused(String),
    /// The browser came back from another issuer than the one asked (RFC 9207).
    #[error("the answer came from another issuer")]
    WrongIssuer,
    #[error("the issuer did not give tokens: {0}")]
    Exchange(String),
    #[error("the ID token is not valid: {0}")]
    IdToken(String),
    /// A refresh the issuer refused (`invalid_grant`): the session has ended there.
    #[error("the session ended at the issuer")]
    SessionEnded,
}

impl SsoError {
    /// Whether the network kept this from happening (then offline work goes on).
    pub fn is_network(&self) -> bool {
        matches!(self, Self::Unreachable(_))
    }
}

/// Tokens the issuer gave: at the sign-on, or at a refresh.
#[derive(Debug)]
pub struct SsoTokens {
    pub access_token: SecretString,
    /// How long the access token is good for, as the issuer said (if it said).
    pub access_expires_in: Option<Duration>,
    /// The new refresh token (rotated at each refresh by issuers that rotate).
    pub refresh_token: Option<SecretString>,
    /// The ID token as the issuer signed it: the hint for ending the session.
    pub id_token: Option<SecretString>,
}

/// A verified sign-on.
#[derive(Debug)]
pub struct SignedOn {
    pub tokens: SsoTokens,
    /// The ID token's `sub`: who signed on, as the issuer names them.
    pub subject: String,
}

/// An issuer the app signs in with: its discovered metadata and key set, as one client.
#[derive(Debug, Clone)]
pub struct Issuer {
    client: Client,
    issuer: String,
    /// Scopes asked for besides `openid` (an issuer whose API access needs one).
    scopes: Vec<String>,
    /// The resource indicator of Masar's API at this issuer (RFC 8707), if it wants one.
    resource: Option<String>,
    revocation: Option<RevocationUrl>,
    end_session: Option<EndSessionUrl>,
    http: reqwest::Client,
}

impl Issuer {
    /// Reads the issuer's discovery document and key set. `issuer` must be the identifier the
    /// document itself gives (OpenID Connect Discovery §4.3: a look-alike is refused).
    pub async fn discover(issuer: &str, client_id: &str) -> Result<Self, SsoError> {
        let http = http::client().map_err(|e| SsoError::Unreachable(e.to_string()))?;
        let url = IssuerUrl::new(issuer.trim_end_matches('/').to_owned())
            .map_err(|e| SsoError::Discovery(e.to_string()))?;
        if !secure_or_local(url.url()) {
            return Err(SsoError::Discovery(format!("the issuer {issuer} is plain http to another machine")));
        }
        let call = |request| http::send(http.clone(), request);
        let metadata = Metadata::discover_async(url, &call).await.map_err(|error| match error {
            openidconnect::DiscoveryError::Request(HttpFailure::Network(e)) => SsoError::Unreachable(e),
            other => SsoError::Discovery(error_chain(&other)),
        })?;
        // Every address the app and the browser are sent to is https, or http on this machine.
        let endpoints =
            [Some(metadata.authorization_endpoint().url()), metadata.token_endpoint().map(|t| t.url())];
        if let Some(insecure) = endpoints.into_iter().flatten().find(|url| !secure_or_local(url)) {
            return Err(SsoError::Discovery(format!("{insecure} is plain http to another machine")));
        }
        let extra = metadata.additional_metadata();
        let (revocation, end_session) =
            (extra.additional_metadata.revocation_endpoint.clone(), extra.end_session_endpoint.clone());
        let issuer = metadata.issuer().to_string();
        let client = CoreClient::from_provider_metadata(metadata, ClientId::new(client_id.to_owned()), None);
        Ok(Self { client, issuer, scopes: Vec::new(), resource: None, revocation, end_session, http })
    }

    /// Asks for these scopes besides `openid`, and for tokens for `resource` (RFC 8707).
    #[must_use]
    pub fn asking(mut self, scopes: &[String], resource: Option<&str>) -> Self {
        self.scopes = scopes.to_vec();
        self.resource = resource.map(str::to_owned);
        self
    }

    /// The issuer's identifier.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Starts a sign-on: listens on a loopback port and makes the authorization URL (PKCE S256,
    /// `state`, `nonce`, the app's language first among the page's languages).
    pub async fn begin(&self, language: &str) -> Result<PendingSignOn, SsoError> {
        let loopback = Loopback::bind().await.map_err(|e| match e {
            LoopbackError::Io(io) => SsoError::Loopback(io),
            LoopbackError::TimedOut => SsoError::TimedOut,
        })?;
        let redirect =
            RedirectUrl::new(loopback.redirect_uri()).map_err(|e| SsoError::Discovery(e.to_string()))?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self
            .client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge)
            .set_redirect_uri(Cow::Borrowed(&redirect));
        for tag in [language, if language == "ar" { "en" } else { "ar" }] {
            request = request.add_ui_locale(LanguageTag::new(tag.to_owned()));
        }
        for scope in &self.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        if let Some(resource) = &self.resource {
            request = request.add_extra_param("resource", resource.clone());
        }
        let (url, state, nonce) = request.url();
        Ok(PendingSignOn { url, state, nonce, verifier, redirect, loopback })
    }

    /// Waits for the browser to come back to `pending`'s port, exchanges the code and verifies
    /// the ID token.
    pub async fn finish(&self, pending: PendingSignOn, within: Duration) -> Result<SignedOn, SsoError> {
        let PendingSignOn { state, nonce, verifier, redirect, loopback, .. } = pending;
        let callback = loopback.wait(state.secret(), within).await.map_err(|e| match e {
            LoopbackError::TimedOut => SsoError::TimedOut,
            LoopbackError::Io(io) => SsoError::Loopback(io),
        })?;
        let (code, issuer) = match callback {
            Callback::Code { code, issuer } => (code, issuer),
            Callback::Refused { error } => return Err(SsoError::Refused(error)),
        };
        // RFC 9207: an issuer that names itself must be the one asked (a mix-up otherwise).
        if issuer.is_some_and(|iss| iss.trim_end_matches('/') != self.issuer.trim_end_matches('/')) {
            return Err(SsoError::WrongIssuer);
        }
        let call = |request| http::send(self.http.clone(), request);
        let mut exchange = self
            .client
            .exchange_code(AuthorizationCode::new(code.expose_secret().to_owned()))
            .map_err(|e| SsoError::Discovery(e.to_string()))?
            .set_pkce_verifier(verifier)
            .set_redirect_uri(Cow::Borrowed(&redirect));
        if let Some(resource) = &self.resource {
            exchange = exchange.add_extra_param("resource", resource.clone());
        }
        let response = exchange.request_async(&call).await.map_err(|e| token_error(&e))?;
        let id_token =
            response.id_token().ok_or_else(|| SsoError::IdToken("no ID token in the answer".into()))?;
        let claims = id_token
            .claims(&self.client.id_token_verifier(), &nonce)
            .map_err(|e| SsoError::IdToken(error_chain(&e)))?;
        let subject = claims.subject().to_string();
        Ok(SignedOn { tokens: tokens_of(&response), subject })
    }

    /// New tokens for the refresh token. A refusal is [`SsoError::SessionEnded`].
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<SsoTokens, SsoError> {
        let call = |request| http::send(self.http.clone(), request);
        let token = RefreshToken::new(refresh_token.expose_secret().to_owned());
        let mut refresh =
            self.client.exchange_refresh_token(&token).map_err(|e| SsoError::Discovery(e.to_string()))?;
        if let Some(resource) = &self.resource {
            refresh = refresh.add_extra_param("resource", resource.clone());
        }
        let response = refresh.request_async(&call).await.map_err(|e| token_error(&e))?;
        Ok(tokens_of(&response))
    }

    /// Revokes the refresh token (RFC 7009 §2.1) where the issuer has a revocation endpoint.
    /// Sent here rather than by `openidconnect`, which takes only https endpoints: the demo's
    /// and the tests' issuer is on this machine (the rule of every address here: https, or
    /// http to this machine only, was checked when the issuer was chosen).
    pub async fn revoke(&self, refresh_token: &SecretString) -> Result<(), SsoError> {
        let Some(url) = &self.revocation else { return Ok(()) };
        let form = [
            ("token", refresh_token.expose_secret()),
            ("token_type_hint", "refresh_token"),
            ("client_id", self.client.client_id().as_str()),
        ];
        let answer = self
            .http
            .post(url.url().clone())
            .form(&form)
            .send()
            .await
            .map_err(|e| SsoError::Unreachable(e.to_string()))?;
        // §2.2: 200 whether or not the token was still valid.
        if answer.status().is_success() {
            Ok(())
        } else {
            Err(SsoError::Exchange(format!("the revocation endpoint answered {}", answer.status())))
        }
    }

    /// The address that ends the session at the issuer in the browser (RP-Initiated Logout),
    /// if the issuer has one: the ID token as the hint, the client named.
    pub fn end_session_url(&self, id_token: &SecretString, post_logout: Option<&str>) -> Option<url::Url> {
        let endpoint = self.end_session.clone()?;
        let mut url = LogoutRequest::from(endpoint).set_client_id(self.client.client_id().clone());
        if let Some(uri) = post_logout.and_then(|uri| PostLogoutRedirectUrl::new(uri.to_owned()).ok()) {
            url = url.set_post_logout_redirect_uri(uri);
        }
        let mut url = url.http_get_url();
        url.query_pairs_mut().append_pair("id_token_hint", id_token.expose_secret());
        Some(url)
    }
}

/// A sign-on waiting for the browser: open [`Self::url`] there, then [`Issuer::finish`].
#[derive(Debug)]
pub struct PendingSignOn {
    pub url: url::Url,
    state: CsrfToken,
    nonce: Nonce,
    verifier: PkceCodeVerifier,
    redirect: RedirectUrl,
    loopback: Loopback,
}

/// https, or http to this machine only (the rule of every address the app uses).
fn secure_or_local(url: &url::Url) -> bool {
    match (url.scheme(), url.host()) {
        ("https", Some(_)) => true,
        ("http", Some(url::Host::Ipv4(ip))) => ip.is_loopback(),
        ("http", Some(url::Host::Ipv6(ip))) => ip.is_loopback(),
        ("http", Some(url::Host::Domain(name))) => name.eq_ignore_ascii_case("localhost"),
        _ => false,
    }
}

fn tokens_of(response: &CoreTokenResponse) -> SsoTokens {
    SsoTokens {
        access_token: SecretString::from(response.access_token().secret().clone()),
        access_expires_in: response.expires_in(),
        refresh_token: response.refresh_token().map(|t| SecretString::from(t.secret().clone())),
        id_token: response.id_token().map(|t| SecretString::from(t.to_string())),
    }
}

fn token_error<T: openidconnect::ErrorResponse + 'static>(
    error: &RequestTokenError<HttpFailure, T>,
) -> SsoError {
    match error {
        RequestTokenError::Request(HttpFailure::Network(e)) => SsoError::Unreachable(e.clone()),
        RequestTokenError::ServerResponse(answer) if answer.to_string().starts_with("invalid_grant") => {
            SsoError::SessionEnded
        }
        other => SsoError::Exchange(error_chain(other)),
    }
}

/// An error with its causes, for the log (never a secret: the crate's errors carry none).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
