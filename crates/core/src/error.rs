//! The one error type that crosses to the UI: a stable code the UI branches on and a message
//! already in the user's language.

use serde::Serialize;

use crate::client::ClientError;
use crate::i18n::{Language, Localize};
use crate::keychain::KeychainError;
use crate::session::SessionError;
use crate::settings::SettingsError;
use crate::vault::VaultError;

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
    InvalidCredentials,
    AccountLocked,
    ChallengeInvalid,
    CodeExpired,
    CodeIncorrect,
    TooManyAttempts,
    ResendTooSoon,
    RateLimited,
    SessionExpired,
    SessionRevoked,
    SmsUnavailable,
    /// Offline: the password does not open this workstation's copy.
    WrongPassword,
    /// Offline: too many wrong passwords on this workstation.
    ProfileLocked,
    /// Offline and this employee never signed in here.
    FirstSignInNeedsNetwork,
    KeychainUnavailable,
    VaultUnavailable,
    PasswordRequired,
    CodeFormat,
    IdleLockOutOfRange,
    InvalidInput,
    /// The previous password (asked after a password change) does not open the old copy.
    PreviousPasswordWrong,
    /// Recovering a set-aside copy sends its edits, so it waits for the network.
    RecoveryNeedsNetwork,
}

/// What a command returns on failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct UiError {
    pub code: ErrorCode,
    pub message: String,
    /// For an invalid form: what is wrong with each field (shown next to the field).
    pub fields: Vec<masar_protocol::validate::FieldError>,
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
    #[error(transparent)]
    Session(#[from] SessionError),
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Settings(error) => error.code(),
            Self::Client(error) => error.code(),
            Self::NoDemoEmployees => ErrorCode::NoDemoEmployees,
            Self::Session(error) => session_code(error),
        }
    }

    pub fn to_ui(&self, language: Language) -> UiError {
        let fields = match self {
            Self::Session(SessionError::Invalid(errors)) => errors.clone(),
            _ => Vec::new(),
        };
        UiError { code: self.code(), message: self.localize(language), fields }
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
            Self::Session(error) => session_message(error, language),
        }
    }
}

fn session_code(error: &SessionError) -> ErrorCode {
    match error {
        SessionError::InvalidNationalId(_) => ErrorCode::InvalidNationalId,
        SessionError::PasswordRequired => ErrorCode::PasswordRequired,
        SessionError::CodeFormat => ErrorCode::CodeFormat,
        SessionError::NoSignInInProgress => ErrorCode::ChallengeInvalid,
        SessionError::NotSignedIn => ErrorCode::NotSignedIn,
        SessionError::FirstSignInNeedsNetwork => ErrorCode::FirstSignInNeedsNetwork,
        SessionError::SessionExpired => ErrorCode::SessionExpired,
        SessionError::Client(error) => error.code(),
        SessionError::Vault(error) => match error {
            VaultError::WrongPassword { .. } => ErrorCode::WrongPassword,
            VaultError::Locked { .. } => ErrorCode::ProfileLocked,
            VaultError::NoProfile => ErrorCode::FirstSignInNeedsNetwork,
            VaultError::PreviousPasswordWrong => ErrorCode::PreviousPasswordWrong,
            VaultError::SecretMissing | VaultError::Keychain(KeychainError::Unavailable(_)) => {
                ErrorCode::KeychainUnavailable
            }
            _ => ErrorCode::VaultUnavailable,
        },
        SessionError::Task(_) => ErrorCode::Internal,
        SessionError::Invalid(_) => ErrorCode::InvalidInput,
        SessionError::NoSuchEdit | SessionError::NoSuchCopy => ErrorCode::NotFound,
        SessionError::RecoveryNeedsNetwork => ErrorCode::RecoveryNeedsNetwork,
    }
}

fn session_message(error: &SessionError, language: Language) -> String {
    let pick = |ar: &str, en: &str| language.pick(ar, en).to_owned();
    match error {
        SessionError::InvalidNationalId(problem) => {
            SettingsError::InvalidNationalId(*problem).localize(language)
        }
        SessionError::PasswordRequired => pick("أدخل كلمة المرور.", "Enter the password."),
        SessionError::CodeFormat => pick("رمز التحقق ستة أرقام.", "The verification code has six digits."),
        SessionError::NoSignInInProgress => pick(
            "انتهت محاولة الدخول هذه. ابدأ تسجيل الدخول من جديد.",
            "This sign-in attempt has ended. Start signing in again.",
        ),
        SessionError::NotSignedIn => pick("سجّل الدخول أولًا.", "Sign in first."),
        SessionError::FirstSignInNeedsNetwork => pick(
            "لم يسجّل هذا الموظف الدخول على هذا الجهاز من قبل، ويلزم الاتصال بالشبكة لأول تسجيل دخول. تحقق من الاتصال ثم حاول مرة أخرى.",
            "This employee has not signed in on this computer before; the first sign-in needs the network. Check the connection and try again.",
        ),
        SessionError::SessionExpired => pick(
            "انتهت الجلسة. أدخل كلمة المرور ورمز التحقق من جديد، وستبقى بياناتك كما هي.",
            "The session has ended. Enter your password and verification code again; your data stays as it is.",
        ),
        SessionError::Client(error) => error.localize(language),
        SessionError::Vault(error) => match error {
            VaultError::WrongPassword { remaining } => match language {
                Language::Ar => {
                    format!("كلمة المرور غير صحيحة. المحاولات المتبقية قبل قفل الملف المحلي: {remaining}.")
                }
                Language::En => format!(
                    "The password is not correct. Tries left before the local profile locks: {remaining}."
                ),
            },
            VaultError::Locked { until } => {
                let minutes = (*until - chrono::Utc::now()).num_minutes().max(0) + 1;
                match language {
                    Language::Ar => {
                        format!("قُفل الملف المحلي مؤقتًا بعد محاولات خاطئة متكررة. حاول بعد {minutes} دقيقة.")
                    }
                    Language::En => format!(
                        "The local profile is locked after repeated wrong passwords. Try again in {minutes} minutes."
                    ),
                }
            }
            VaultError::NoProfile => session_message(&SessionError::FirstSignInNeedsNetwork, language),
            VaultError::PreviousPasswordWrong => pick(
                "كلمة المرور السابقة غير صحيحة. أدخل كلمة المرور التي كنت تستخدمها قبل تغييرها.",
                "The previous password is not correct. Enter the password you used before changing it.",
            ),
            VaultError::SecretMissing | VaultError::Keychain(_) => pick(
                "تعذّر الوصول إلى سلسلة المفاتيح في النظام، فلا يمكن فتح النسخة المحلية. سجّل الدخول متصلًا بالشبكة.",
                "The system keychain cannot be reached, so the local copy cannot be opened. Sign in while connected.",
            ),
            _ => pick(
                "تعذّر فتح النسخة المحلية المشفرة على هذا الجهاز. تحقق من المساحة المتاحة ثم حاول مرة أخرى.",
                "The encrypted local copy on this computer cannot be opened. Check free space and try again.",
            ),
        },
        SessionError::Task(_) => internal_error().message,
        SessionError::Invalid(_) => pick(
            "لم يُحفظ التعديل: صحّح الحقول المشار إليها ثم اضغط تحديث.",
            "The change was not saved: correct the marked fields, then press Update.",
        ),
        SessionError::NoSuchEdit => pick("لم يعد هذا التعديل موجودًا.", "This edit no longer exists."),
        SessionError::NoSuchCopy => pick(
            "لم تعد هذه النسخة السابقة موجودة على هذا الجهاز.",
            "This previous copy is no longer on this computer.",
        ),
        SessionError::RecoveryNeedsNetwork => pick(
            "تُرسَل تعديلات النسخة السابقة إلى مسار عند استعادتها، ويلزم لذلك الاتصال بالشبكة. النسخة باقية كما هي؛ أعد المحاولة عند عودة الاتصال.",
            "Recovering the previous copy sends its edits to Masar, which needs the network. The copy stays as it is; try again when the connection is back.",
        ),
    }
}

/// For a failure that is the app's own fault (a task that panicked): nothing the user did.
pub fn internal_error() -> UiError {
    UiError {
        code: ErrorCode::Internal,
        message: "حدث خطأ غير متوقع في التطبيق. أعد المحاولة، وإن تكرر فأعد تشغيل التطبيق.".into(),
        fields: Vec::new(),
    }
}
