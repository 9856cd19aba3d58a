//! [`CoreError`]: any failure of a core operation, for the wiring that calls several
//! capabilities. Each module maps its own errors to a [`UiError`] (see [`crate::codes`]); nothing
//! below this module imports it.

pub use crate::codes::{ErrorCode, ErrorDetail, ErrorParams, UiError, internal_error};

use crate::client::ClientError;
use crate::failure::SessionError;
use crate::outbox::EditError;
use crate::recovery::RecoveryError;
use crate::settings::SettingsError;
use crate::signin::SignInError;

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

macro_rules! into_ui_error {
    ($($error:ty),*) => {$(
        impl From<$error> for UiError {
            fn from(error: $error) -> Self {
                error.to_ui()
            }
        }
    )*};
}

into_ui_error!(
    CoreError,
    SettingsError,
    ClientError,
    SessionError,
    SignInError,
    EditError,
    RecoveryError,
    crate::qualifications::QualificationError,
    crate::applications::ApplicationError
);
