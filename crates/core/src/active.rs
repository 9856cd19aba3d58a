//! The active session: what sign-in hands out once the employee is in. It holds the open vault
//! (as a [`VaultHandle`]) and a [`TokenSource`]; every capability (records, outbox, drafts,
//! sync, recovery) works through it and knows nothing of how the employee signed in.

use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use masar_protocol::NationalId;
use serde::Serialize;

use crate::client::{ClientError, MasarClient};
pub use crate::failure::{SessionError, is_network, is_session_error};
use crate::secret::SecretString;
use crate::sso::SsoTokens;
use crate::tokens::{TokenSource, access_with_expiry};
use crate::vault::UnsentWork;
use crate::vault::handle::{VaultAccess, VaultHandle};

/// Who is signed in, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub profile_id: String,
    /// For signing in again over the page when the session ends (shown masked elsewhere).
    pub national_id: String,
    pub masked_id: String,
    pub display_name: String,
    /// False after an offline sign-in or unlock, until the server answers again.
    pub online: bool,
    /// Copies of this employee's vault set aside with work still in them (recoverable here).
    pub previous: Vec<PreviousCopy>,
    /// An HR officer also sees the review queue.
    pub role: masar_protocol::auth::Role,
    /// How the local copy is protected: with the system keychain, or the password alone.
    pub key_protection: crate::vault::KeyProtection,
    /// Set at the sign-in that changed that (told once).
    pub key_notice: Option<crate::vault::KeyNotice>,
}

/// A vault set aside by a sign-in (the password had changed and the previous one was not
/// given, or the keychain lost its secret) while it still held work: kept until recovered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PreviousCopy {
    pub id: String,
    pub last_sign_in: DateTime<Utc>,
    pub unsent: Option<UnsentWork>,
}

#[derive(Debug)]
pub struct ActiveSession {
    national_id: NationalId,
    info: Mutex<SessionInfo>,
    vault: VaultHandle,
    tokens: TokenSource,
    /// The ID token of this session's last sign-on (in memory only).
    id_token: Mutex<Option<SecretString>>,
}

impl ActiveSession {
    pub fn new(national_id: NationalId, info: SessionInfo, vault: VaultHandle, tokens: TokenSource) -> Self {
        Self { national_id, info: Mutex::new(info), vault, tokens, id_token: Mutex::new(None) }
    }

    pub fn national_id(&self) -> &NationalId {
        &self.national_id
    }

    pub fn profile_id(&self) -> &str {
        self.vault.profile_id()
    }

    pub fn info(&self) -> SessionInfo {
        self.info.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub fn set_online(&self, online: bool) {
        self.info.lock().unwrap_or_else(PoisonError::into_inner).online = online;
    }

    pub fn set_previous(&self, previous: Vec<PreviousCopy>) {
        self.info.lock().unwrap_or_else(PoisonError::into_inner).previous = previous;
    }

    /// Signing out: revokes the refresh token at the provider (when it answers) and forgets it
    /// here. Returns the last ID token, the hint for ending the session at the provider.
    pub async fn revoke(&self, client: &MasarClient) -> Option<SecretString> {
        self.tokens.revoke(client).await;
        self.id_token.lock().unwrap_or_else(PoisonError::into_inner).take()
    }

    /// A sign-on's tokens (the first, or a new one over the open page): the access token in
    /// use, the refresh token kept sealed by the vault, the ID token for the sign-out.
    pub async fn renewed(&self, tokens: &SsoTokens) -> Result<(), SessionError> {
        self.tokens.keep(tokens).await?;
        self.tokens.set_access(access_with_expiry(tokens));
        if let Some(id_token) = &tokens.id_token {
            *self.id_token.lock().unwrap_or_else(PoisonError::into_inner) = Some(id_token.clone());
        }
        Ok(())
    }

    /// Runs `work` on the open vault (on the blocking pool).
    pub async fn vault<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut VaultAccess<'_>) -> Result<T, SessionError> + Send + 'static,
    ) -> Result<T, SessionError> {
        Ok(self.vault.run(work).await?)
    }

    /// A valid access token (refreshed through the keychain when needed). A token from the
    /// server means it answers: the session is online again.
    pub async fn token(
        &self,
        client: &MasarClient,
        refused: Option<&SecretString>,
    ) -> Result<SecretString, SessionError> {
        let (token, refreshed) = self.tokens.token(client, refused).await?;
        if refreshed {
            self.set_online(true);
        }
        Ok(token)
    }

    /// Runs `call` with a token; when the server says the token is no good, once more with a
    /// fresh one (see [`TokenLease`]).
    pub async fn with_token<T, F, Fut>(&self, client: &MasarClient, call: F) -> Result<T, SessionError>
    where
        F: Fn(SecretString) -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        self.lease(client).await?.call(call).await
    }

    /// A token to make several calls with (a sync round, an upload).
    pub async fn lease<'a>(&'a self, client: &'a MasarClient) -> Result<TokenLease<'a>, SessionError> {
        let token = self.token(client, None).await?;
        Ok(TokenLease { active: self, client, token })
    }

    /// Lock or sign-out: the vault closes; capabilities still holding this session fail with
    /// [`SessionError::NotSignedIn`] from now on.
    pub async fn close(&self) {
        self.vault.close().await;
        self.tokens.forget_access();
    }
}

/// An access token held for a series of calls, the one way every online call of a session is
/// made: a call the server answers with "this token is no good" gets one fresh token (a refresh
/// through the keychain or the sealed file) and is made once more; the fresh token stays for the
/// calls after it.
pub struct TokenLease<'a> {
    active: &'a ActiveSession,
    client: &'a MasarClient,
    token: SecretString,
}

impl std::fmt::Debug for TokenLease<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenLease").finish_non_exhaustive()
    }
}

impl<'a> TokenLease<'a> {
    /// The client the calls go through.
    pub fn client(&self) -> &'a MasarClient {
        self.client
    }

    /// Runs `call` with the held token; once more with a fresh one if the server refused it.
    /// (`call` takes its own copy of the token: a future that borrowed it could not be sent to
    /// the sync loop's task.)
    pub async fn call<T, F, Fut>(&mut self, call: F) -> Result<T, SessionError>
    where
        F: Fn(SecretString) -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        match call(self.token.clone()).await {
            Err(error) if is_session_error(&error) => {
                self.token = self.active.token(self.client, Some(&self.token)).await?;
                Ok(call(self.token.clone()).await?)
            }
            other => Ok(other?),
        }
    }
}
