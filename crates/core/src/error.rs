//! The one error type that crosses to the UI: a stable code the UI branches on, the numbers its
//! message needs, and for a form what is wrong with each field. The sentences live once, in the
//! UI's Arabic and English catalogs, so every message follows the language the employee chose.

use masar_protocol::validate::FieldError;
use masar_protocol::{ApiErrorCode, NationalIdError};
use serde::Serialize;

pub use crate::codes::{ErrorCode, ErrorDetail, ErrorParams};

use crate::active::SessionError;
use crate::client::ClientError;
use crate::keychain::KeychainError;
use crate::outbox::EditError;
use crate::recovery::RecoveryError;
use crate::settings::{SettingsError, UrlProblem};
use crate::signin::SignInError;
use crate::vault::VaultError;

/// What a command returns on failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct UiError {
    pub code: ErrorCode,
    pub params: ErrorParams,
    /// For an invalid form: what is wrong with each field (shown next to the field).
    pub fields: Vec<FieldError>,
}

impl UiError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, params: ErrorParams::default(), fields: Vec::new() }
    }

    fn with(code: ErrorCode, params: ErrorParams) -> Self {
        Self { code, params, fields: Vec::new() }
    }
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {:?}", self.code, self.params)
    }
}

impl std::error::Error for UiError {}

/// For a failure that is the app's own fault (a task that panicked): nothing the user did.
pub fn internal_error() -> UiError {
    UiError::new(ErrorCode::Internal)
}

/// Every failure of a core operation.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("the demo server has no employees to choose from")]
    NoDemoEmployees,
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    SignIn(#[from] SignInError),
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Recovery(#[from] RecoveryError),
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    pub fn to_ui(&self) -> UiError {
        match self {
            Self::Settings(error) => error.to_ui(),
            Self::Client(error) => error.to_ui(),
            Self::NoDemoEmployees => UiError::new(ErrorCode::NoDemoEmployees),
            Self::Session(error) => error.to_ui(),
            Self::SignIn(error) => error.to_ui(),
            Self::Edit(error) => error.to_ui(),
            Self::Recovery(error) => error.to_ui(),
        }
    }
}

impl SettingsError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    pub fn to_ui(&self) -> UiError {
        let detail = |detail| {
            UiError::with(self.code_only(), ErrorParams { detail: Some(detail), ..ErrorParams::default() })
        };
        match self {
            Self::InvalidServerUrl(problem) => detail(match problem {
                UrlProblem::Empty => ErrorDetail::UrlEmpty,
                UrlProblem::Malformed => ErrorDetail::UrlMalformed,
                UrlProblem::Scheme => ErrorDetail::UrlScheme,
                UrlProblem::Credentials => ErrorDetail::UrlCredentials,
                UrlProblem::QueryOrFragment => ErrorDetail::UrlQueryOrFragment,
                UrlProblem::InsecureRemote => ErrorDetail::UrlInsecureRemote,
            }),
            Self::InvalidNationalId(problem) => detail(id_detail(*problem)),
            Self::IdleLockOutOfRange | Self::Save { .. } => UiError::new(self.code_only()),
        }
    }

    fn code_only(&self) -> ErrorCode {
        match self {
            Self::InvalidServerUrl(_) => ErrorCode::InvalidServerUrl,
            Self::InvalidNationalId(_) => ErrorCode::InvalidNationalId,
            Self::IdleLockOutOfRange => ErrorCode::IdleLockOutOfRange,
            Self::Save { .. } => ErrorCode::SettingsNotSaved,
        }
    }
}

fn id_detail(problem: NationalIdError) -> ErrorDetail {
    match problem {
        NationalIdError::Empty => ErrorDetail::IdEmpty,
        NationalIdError::NotDigits | NationalIdError::WrongLength => ErrorDetail::IdDigits,
        NationalIdError::WrongPrefix => ErrorDetail::IdPrefix,
        NationalIdError::BadChecksum => ErrorDetail::IdChecksum,
    }
}

impl ClientError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    pub fn to_ui(&self) -> UiError {
        let code = match self {
            Self::Timeout => ErrorCode::ServerTimeout,
            Self::Unreachable(_) => ErrorCode::ServerUnreachable,
            Self::Server { status } => {
                return UiError::with(
                    ErrorCode::ServerError,
                    ErrorParams { status: Some(*status), ..ErrorParams::default() },
                );
            }
            Self::BadResponse(_) => ErrorCode::BadServerResponse,
            Self::Api { code, retry_after, remaining, .. } => {
                let code = api_code(*code);
                let params = match code {
                    ErrorCode::AccountLocked => ErrorParams {
                        minutes: Some(retry_after.unwrap_or(60).div_ceil(60)),
                        ..ErrorParams::default()
                    },
                    ErrorCode::ResendTooSoon | ErrorCode::RateLimited => {
                        ErrorParams { seconds: Some(retry_after.unwrap_or(60)), ..ErrorParams::default() }
                    }
                    ErrorCode::CodeIncorrect => {
                        ErrorParams { remaining: Some(remaining.unwrap_or(0)), ..ErrorParams::default() }
                    }
                    _ => ErrorParams::default(),
                };
                return UiError::with(code, params);
            }
        };
        UiError::new(code)
    }
}

fn api_code(code: ApiErrorCode) -> ErrorCode {
    match code {
        ApiErrorCode::Unauthenticated => ErrorCode::NotSignedIn,
        ApiErrorCode::SessionExpired => ErrorCode::SessionExpired,
        ApiErrorCode::NotFound => ErrorCode::NotFound,
        ApiErrorCode::BadRequest => ErrorCode::BadServerResponse,
        ApiErrorCode::Internal => ErrorCode::ServerError,
        ApiErrorCode::InvalidCredentials => ErrorCode::InvalidCredentials,
        ApiErrorCode::Locked => ErrorCode::AccountLocked,
        ApiErrorCode::ChallengeInvalid => ErrorCode::ChallengeInvalid,
        ApiErrorCode::CodeExpired => ErrorCode::CodeExpired,
        ApiErrorCode::CodeIncorrect => ErrorCode::CodeIncorrect,
        ApiErrorCode::TooManyAttempts => ErrorCode::TooManyAttempts,
        ApiErrorCode::ResendTooSoon => ErrorCode::ResendTooSoon,
        ApiErrorCode::RateLimited => ErrorCode::RateLimited,
        ApiErrorCode::SessionRevoked => ErrorCode::SessionRevoked,
        ApiErrorCode::SmsUnavailable => ErrorCode::SmsUnavailable,
        ApiErrorCode::Forbidden => ErrorCode::Forbidden,
    }
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
        VaultError::Locked { until } => {
            let minutes = (*until - chrono::Utc::now()).num_minutes().max(0) + 1;
            let minutes = u32::try_from(minutes).unwrap_or(u32::MAX);
            return UiError::with(
                ErrorCode::ProfileLocked,
                ErrorParams { minutes: Some(minutes), ..ErrorParams::default() },
            );
        }
        VaultError::NoProfile => ErrorCode::FirstSignInNeedsNetwork,
        VaultError::PreviousPasswordWrong => ErrorCode::PreviousPasswordWrong,
        VaultError::SecretMissing | VaultError::Keychain(KeychainError::Unavailable(_)) => {
            ErrorCode::KeychainUnavailable
        }
        _ => ErrorCode::VaultUnavailable,
    };
    UiError::new(code)
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
                    ErrorParams { detail: Some(id_detail(*problem)), ..ErrorParams::default() },
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

impl EditError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    pub fn to_ui(&self) -> UiError {
        match self {
            Self::Invalid(errors) => {
                UiError { fields: errors.clone(), ..UiError::new(ErrorCode::InvalidInput) }
            }
            Self::NoSuchEdit => UiError::new(ErrorCode::EditGone),
            Self::Session(error) => error.to_ui(),
        }
    }
}

impl RecoveryError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    pub fn to_ui(&self) -> UiError {
        match self {
            Self::NoSuchCopy => UiError::new(ErrorCode::CopyGone),
            Self::NeedsNetwork => UiError::new(ErrorCode::RecoveryNeedsNetwork),
            Self::Session(error) => error.to_ui(),
        }
    }
}

macro_rules! into_ui_error {
    ($($error:ty),*) => {$(
        impl From<$error> for UiError {
            fn from(error: $error) -> Self {
                error.to_ui()
            }
        }
    )*};
}

into_ui_error!(CoreError, SettingsError, ClientError, SessionError, SignInError, EditError, RecoveryError);
