//! What sign-in shows and how it fails.

use chrono::{DateTime, Utc};
use masar_protocol::NationalIdError;
use serde::Serialize;

use crate::active::{PreviousCopy, SessionError, SessionInfo};
use crate::client::ClientError;
use crate::codes::{ErrorCode, ErrorParams, UiError};
use crate::vault::{UnsentWork, VaultError};

/// What the start screen lists: employees who signed in on this workstation before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSummary {
    pub profile_id: String,
    pub national_id: String,
    pub masked_id: String,
    pub display_name: String,
    pub last_sign_in: DateTime<Utc>,
    /// What the vault holds that the server has not taken (an upper bound; `None`: unknown).
    pub unsent: Option<UnsentWork>,
    /// Copies of this employee's vault set aside with work still in them.
    pub previous: Vec<PreviousCopy>,
}

/// Where the sign-in flow stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "step", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum AuthState {
    SignedOut {
        profiles: Vec<ProfileSummary>,
    },
    /// A code was sent; the verification step is showing.
    CodeSent {
        masked_mobile: String,
        expires_in_seconds: u32,
        resend_after_seconds: u32,
        demo_national_id: Option<String>,
    },
    SignedIn {
        session: SessionInfo,
    },
    /// The server confirmed the employee, but the password no longer opens this workstation's
    /// vault (it was changed elsewhere) and the vault may hold work the server lacks: the
    /// previous password carries it across, once.
    PreviousPasswordNeeded {
        display_name: String,
        unsent: Option<UnsentWork>,
    },
    /// Locked after idle time: the same employee unlocks with their password.
    Locked {
        session: SessionInfo,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("invalid national ID: {0}")]
    InvalidNationalId(NationalIdError),
    #[error("no password")]
    PasswordRequired,
    #[error("the code has six digits")]
    CodeFormat,
    #[error("no sign-in in progress")]
    NoSignInInProgress,
    #[error("first sign-in on this workstation needs the network")]
    FirstSignInNeedsNetwork,
    #[error(transparent)]
    Session(#[from] SessionError),
}

impl From<ClientError> for SignInError {
    fn from(error: ClientError) -> Self {
        Self::Session(error.into())
    }
}

impl From<VaultError> for SignInError {
    fn from(error: VaultError) -> Self {
        Self::Session(error.into())
    }
}

impl SignInError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    pub fn to_ui(&self) -> UiError {
        let code = match self {
            Self::InvalidNationalId(problem) => {
                return UiError::with(
                    ErrorCode::InvalidNationalId,
                    ErrorParams {
                        detail: Some(crate::settings::id_detail(*problem)),
                        ..ErrorParams::default()
                    },
                );
            }
            Self::PasswordRequired => ErrorCode::PasswordRequired,
            Self::CodeFormat => ErrorCode::CodeFormat,
            Self::NoSignInInProgress => ErrorCode::ChallengeInvalid,
            Self::FirstSignInNeedsNetwork => ErrorCode::FirstSignInNeedsNetwork,
            Self::Session(error) => return error.to_ui(),
        };
        UiError::new(code)
    }
}
