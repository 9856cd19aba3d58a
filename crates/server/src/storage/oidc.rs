//! What the built-in OpenID Connect provider keeps — its signing keys, the authorization requests
//! a browser is answering, the codes given back to clients — and the store's calls for it (the
//! transactions are in `rules::oidc_rows`, each store's rows in its `oidc.rs`).

use async_trait::async_trait;
use masar_protocol::NationalId;

use super::{Caller, IssuedTokens, Role, Verified};

/// A request the provider takes: what the code will be bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
}

/// A signing key as stored: its id and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAge {
    pub kid: String,
    pub created_at: i64,
}

/// A signing key as stored. `Debug` leaves the private key out.
pub struct StoredKey {
    pub age: KeyAge,
    /// PKCS#8 DER.
    pub pkcs8: Vec<u8>,
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredKey").field("age", &self.age).finish_non_exhaustive()
    }
}

/// An authorization request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRequest {
    pub id: String,
    pub browser_hash: String,
    pub request: AuthorizationRequest,
    pub locale: String,
    pub challenge_id: Option<String>,
    pub expires_at: i64,
}

/// A key made in case the rules ask for one: its id and PKCS#8 DER. `Debug` leaves the key out.
pub struct KeyCandidate {
    pub kid: String,
    pub pkcs8: Vec<u8>,
}

impl std::fmt::Debug for KeyCandidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCandidate").field("kid", &self.kid).finish_non_exhaustive()
    }
}

/// What the code typed on the provider's page leads to.
#[derive(Debug)]
pub enum CodeEntered {
    /// Signed in: go back to the client with this code.
    Authorized { code: String, request: AuthorizationRequest },
    /// Not signed in: why (the attempt may be over).
    Refused(Verified),
}

/// A session the token endpoint begins.
#[derive(Debug)]
pub struct Session {
    /// The session's id (its token family), the ID token's `sid`.
    pub id: String,
    pub national_id: NationalId,
    pub role: Role,
    pub nonce: Option<String>,
    pub auth_time: i64,
    pub tokens: IssuedTokens,
}

#[derive(Debug)]
pub enum Exchanged {
    Issued(Box<Session>),
    Invalid,
    /// The code came back: the session it began is revoked.
    Replayed,
}

/// The store's calls for the provider.
#[async_trait]
pub trait ProviderStore: Send + Sync {
    /// The signing keys, `candidate` stored first when the newest has signed long enough.
    async fn signing_keys(&self, now_ms: i64, candidate: KeyCandidate) -> anyhow::Result<Vec<StoredKey>>;

    /// A browser begins answering an authorization request (`browser`: its cookie's secret).
    async fn begin_authorization(
        &self,
        request: &AuthorizationRequest,
        locale: &str,
        browser: &str,
        caller: &Caller,
    ) -> anyhow::Result<String>;

    /// The open request `id`, asked by the browser that began it.
    async fn authorization(
        &self,
        id: &str,
        browser: &str,
        now_ms: i64,
    ) -> anyhow::Result<Option<StoredRequest>>;

    /// The password was right for the request: the attempt begun and tied to it.
    async fn authorization_password_accepted(
        &self,
        request_id: &str,
        id: &NationalId,
        code: &str,
        caller: &Caller,
    ) -> anyhow::Result<String>;

    /// The SMS code typed on the provider's page.
    async fn authorization_code_entered(
        &self,
        request_id: &str,
        browser: &str,
        code: &str,
        caller: &Caller,
    ) -> anyhow::Result<CodeEntered>;

    /// Ends session `id` (an ID token's `sid`) when it is `who`'s; whether one ended.
    async fn end_session(&self, id: &str, who: &NationalId, caller: &Caller) -> anyhow::Result<bool>;

    /// An authorization code exchanged for a session, once.
    async fn exchange_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: &str,
        caller: &Caller,
    ) -> anyhow::Result<Exchanged>;
}
