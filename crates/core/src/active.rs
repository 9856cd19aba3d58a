//! The active session: what sign-in hands out once the employee is in. It holds the open vault
//! (as a [`VaultHandle`]) and a [`TokenSource`]; every capability (records, outbox, drafts,
//! sync, recovery) works through it and knows nothing of how the employee signed in.

use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use masar_protocol::NationalId;
use serde::Serialize;

use crate::client::{ClientError, MasarClient};
use crate::secret::SecretString;
use crate::tokens::TokenSource;
use crate::vault::handle::{HandleError, VaultAccess, VaultHandle};
use crate::vault::{UnsentWork, VaultError};

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

/// What a capability's work on the active session can fail with.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("the session needs a new sign-in")]
    SessionExpired,
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("background task failed: {0}")]
    Task(String),
}

impl From<HandleError<Self>> for SessionError {
    fn from(error: HandleError<Self>) -> Self {
        match error {
            HandleError::Closed => Self::NotSignedIn,
            HandleError::Task(reason) => Self::Task(reason),
            HandleError::Work(error) => error,
        }
    }
}

impl From<crate::vault::db::VaultDbError> for SessionError {
    fn from(error: crate::vault::db::VaultDbError) -> Self {
        Self::Vault(error.into())
    }
}

impl SessionError {
    /// No route to the server or no answer in time (the work waits; nothing failed).
    pub fn is_network(&self) -> bool {
        matches!(self, Self::Client(error) if is_network(error))
    }
}

pub fn is_network(error: &ClientError) -> bool {
    matches!(error, ClientError::Unreachable(_) | ClientError::Timeout)
}

/// The server says the access token is no good (expired or unknown): refresh and retry once.
pub fn is_session_error(error: &ClientError) -> bool {
    matches!(error.code(), crate::ErrorCode::SessionExpired | crate::ErrorCode::NotSignedIn)
}

#[derive(Debug)]
pub struct ActiveSession {
    national_id: NationalId,
    info: Mutex<SessionInfo>,
    vault: VaultHandle,
    tokens: TokenSource,
}

impl ActiveSession {
    pub fn new(national_id: NationalId, info: SessionInfo, vault: VaultHandle, tokens: TokenSource) -> Self {
        Self { national_id, info: Mutex::new(info), vault, tokens }
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
        force_refresh: bool,
    ) -> Result<SecretString, SessionError> {
        let (token, refreshed) = self.tokens.token(client, force_refresh).await?;
        if refreshed {
            self.set_online(true);
        }
        Ok(token)
    }

    /// Runs `call` with a token; when the server says the token is no good, once more with a
    /// fresh one.
    pub async fn with_token<T, F, Fut>(&self, client: &MasarClient, call: F) -> Result<T, SessionError>
    where
        F: Fn(SecretString) -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        let token = self.token(client, false).await?;
        match call(token).await {
            Err(error) if is_session_error(&error) => Ok(call(self.token(client, true).await?).await?),
            other => Ok(other?),
        }
    }

    pub fn tokens(&self) -> &TokenSource {
        &self.tokens
    }

    /// Lock or sign-out: the vault closes; capabilities still holding this session fail with
    /// [`SessionError::NotSignedIn`] from now on.
    pub async fn close(&self) {
        self.vault.close().await;
        self.tokens.forget_access();
    }
}
