//! The one error type that crosses to the UI: a stable code the UI branches on and a message
//! already in the user's language.

use serde::Serialize;

use crate::client::ClientError;
use crate::i18n::{Language, Localize};
use crate::settings::SettingsError;

/// Stable codes: the UI switches on these, so a variant is never renamed, only added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidServerUrl,
    InvalidNationalId,
    ServerUnreachable,
    ServerTimeout,
    ServerError,
    BadServerResponse,
    NotSignedIn,
    NotFound,
    NoDemoEmployees,
    SettingsNotSaved,
    Internal,
}

/// What a command returns on failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct UiError {
    pub code: ErrorCode,
    pub message: String,
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for UiError {}

/// Every failure of a core operation.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("the demo server has no employees to choose from")]
    NoDemoEmployees,
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Settings(error) => error.code(),
            Self::Client(error) => error.code(),
            Self::NoDemoEmployees => ErrorCode::NoDemoEmployees,
        }
    }

    pub fn to_ui(&self, language: Language) -> UiError {
        UiError { code: self.code(), message: self.localize(language) }
    }
}

impl Localize for CoreError {
    fn localize(&self, language: Language) -> String {
        match self {
            Self::Settings(error) => error.localize(language),
            Self::Client(error) => error.localize(language),
            Self::NoDemoEmployees => language
                .pick(
                    "لا يوجد موظفون في بيانات الخادم التجريبية. شغّل الخادم بالخيار \u{2066}--demo\u{2069}.",
                    "The demo server has no employees. Start the server with --demo.",
                )
                .into(),
        }
    }
}

/// For a failure that is the app's own fault (a task that panicked): nothing the user did.
pub fn internal_error() -> UiError {
    UiError {
        code: ErrorCode::Internal,
        message: "حدث خطأ غير متوقع في التطبيق. أعد المحاولة، وإن تكرر فأعد تشغيل التطبيق.".into(),
    }
}
