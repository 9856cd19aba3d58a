//! How a capability's work on the active session fails, and what the employee is told: the
//! failures shared by records, outbox, drafts, sync and recovery (not signed in, the session
//! ended, the server or the vault).

use crate::client::ClientError;
use crate::codes::{ErrorCode, ErrorParams, UiError};
use crate::keychain::KeychainError;
use crate::vault::VaultError;
use crate::vault::handle::HandleError;

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
    match error {
        ClientError::Unreachable(_) | ClientError::Timeout => true,
        ClientError::SignOn(error) => error.is_network(),
        _ => false,
    }
}

/// The server says the access token is no good (expired or unknown): refresh and retry once.
pub fn is_session_error(error: &ClientError) -> bool {
    matches!(error.code(), ErrorCode::SessionExpired | ErrorCode::NotSignedIn)
}

impl SessionError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    pub fn to_ui(&self) -> UiError {
        let code = match self {
            Self::NotSignedIn => ErrorCode::NotSignedIn,
            Self::SessionExpired => ErrorCode::SessionExpired,
            Self::Client(error) => return error.to_ui(),
            Self::Vault(error) => return vault_ui(error),
            Self::Task(_) => ErrorCode::Internal,
        };
        UiError::new(code)
    }
}

fn vault_ui(error: &VaultError) -> UiError {
    let code = match error {
        VaultError::WrongPassword { remaining } => {
            return UiError::with(
                ErrorCode::WrongPassword,
                ErrorParams { remaining: Some(*remaining), ..ErrorParams::default() },
            );
        }
        VaultError::NeedsSignOn => ErrorCode::NeedsSignOn,
        VaultError::EscrowWrong => ErrorCode::EscrowKeyWrong,
        VaultError::NoProfile => ErrorCode::FirstSignInNeedsNetwork,
        VaultError::PreviousPasswordWrong => ErrorCode::PreviousPasswordWrong,
        VaultError::SecretMissing => ErrorCode::KeychainSecretMissing,
        VaultError::Keychain(KeychainError::Unavailable(_)) => ErrorCode::KeychainUnavailable,
        VaultError::Keychain(KeychainError::Failed(_)) => ErrorCode::KeychainFailed,
        _ => ErrorCode::VaultUnavailable,
    };
    UiError::new(code)
}
