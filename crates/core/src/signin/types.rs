//! What sign-in shows and how it fails.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::active::{PreviousCopy, SessionError, SessionInfo};
use crate::client::ClientError;
use crate::codes::{ErrorCode, UiError};
use crate::vault::{UnsentWork, VaultError};

/// What the start screen lists: employees who signed in on this workstation before, by name
/// and masked ID only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSummary {
    pub profile_id: String,
    pub masked_id: String,
    pub display_name: String,
    pub last_sign_in: DateTime<Utc>,
    /// What the vault holds that the server has not taken (an upper bound; `None`: unknown).
    pub unsent: Option<UnsentWork>,
    /// Too many wrong passphrases: only a single sign-on opens this copy now.
    pub needs_sign_on: bool,
    /// Copies of this employee's vault set aside with work still in them.
    pub previous: Vec<PreviousCopy>,
}

/// Why a sign-on is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SignOnPurpose {
    /// From the start screen or the lock screen: whoever signs on is signed in.
    SignIn,
    /// The passphrase is forgotten: after the sign-on the employee chooses a new one.
    NewPassphrase,
    /// The session ended over an open page: the same employee signs on again and the page
    /// stays as it is.
    Renew,
}

/// Why the employee is asked to choose a passphrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum PassphraseReason {
    /// The first sign-on of this employee on this workstation.
    FirstSignOn,
    /// They said they forgot it.
    Forgotten,
    /// The keychain secret it was mixed with is gone: it no longer opens the copy.
    KeyLost,
}

/// A sign-on under way: the browser is (or should be) at the identity provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SignOnStarted {
    /// The address opened in the browser, shown to copy where no browser could be opened.
    pub url: String,
    pub browser_opened: bool,
    pub purpose: SignOnPurpose,
}

/// Where the sign-in flow stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "step", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum AuthState {
    SignedOut {
        profiles: Vec<ProfileSummary>,
    },
    /// Waiting for the browser to come back from the identity provider.
    SigningOn {
        sign_on: SignOnStarted,
    },
    /// Signed on; the employee chooses the passphrase that opens this workstation's copy offline.
    PassphraseNeeded {
        display_name: String,
        reason: PassphraseReason,
        unsent: Option<UnsentWork>,
    },
    SignedIn {
        session: SessionInfo,
    },
    /// Locked after idle time: the same employee unlocks with the passphrase (or a sign-on).
    Locked {
        session: SessionInfo,
        needs_sign_on: bool,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("no passphrase")]
    PasswordRequired,
    #[error("the passphrase is too weak")]
    PassphraseTooWeak,
    #[error("the passphrase and its confirmation differ")]
    PassphraseMismatch,
    #[error("no sign-in in progress")]
    NoSignInInProgress,
    #[error("first sign-in on this workstation needs the network")]
    FirstSignInNeedsNetwork,
    /// Another employee signed on where the session's employee was asked for.
    #[error("another employee signed on")]
    AnotherEmployee,
    #[error("the sign-on was cancelled in the app")]
    Cancelled,
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
            Self::PasswordRequired => ErrorCode::PasswordRequired,
            Self::PassphraseTooWeak => ErrorCode::PassphraseTooWeak,
            Self::PassphraseMismatch => ErrorCode::PassphraseMismatch,
            Self::NoSignInInProgress => ErrorCode::ChallengeInvalid,
            Self::FirstSignInNeedsNetwork => ErrorCode::FirstSignInNeedsNetwork,
            Self::AnotherEmployee => ErrorCode::AnotherEmployee,
            Self::Cancelled => ErrorCode::SignOnCancelled,
            Self::Session(error) => return error.to_ui(),
        };
        UiError::new(code)
    }
}
