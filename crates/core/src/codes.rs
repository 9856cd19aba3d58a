//! What crosses to the UI on failure: a stable code the UI branches on, the numbers its message
//! needs, and for a form what is wrong with each field. The sentences live once, in the UI's
//! Arabic and English catalogs. A leaf: it imports nothing of this crate, so every module maps
//! its own errors here without pulling in the others.

use masar_protocol::validate::FieldError;
use serde::Serialize;

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
    /// Every new code of this sign-in was sent: enter the last one, or start again.
    ResendLimit,
    RateLimited,
    SessionExpired,
    SessionRevoked,
    SmsUnavailable,
    /// Offline: the passphrase does not open this workstation's copy.
    WrongPassword,
    /// Too many wrong passphrases: only a single sign-on opens the copy now.
    NeedsSignOn,
    /// The server's key for this copy does not open it: the passphrase still does.
    EscrowKeyWrong,
    /// The identity provider cannot be reached (offline work goes on with the passphrase).
    SignOnUnreachable,
    /// The browser did not come back in time.
    SignOnTimedOut,
    /// The sign-on was cancelled in the browser, or refused by the provider.
    SignOnCancelled,
    /// The provider's answer could not be used (its keys, its tokens, another issuer).
    SignOnFailed,
    /// The system browser could not be opened: the address is shown to copy.
    BrowserNotOpened,
    /// A new passphrase shorter or simpler than the rule.
    PassphraseTooWeak,
    /// The passphrase and its confirmation differ.
    PassphraseMismatch,
    /// Signing on again over the open page, another employee signed on.
    AnotherEmployee,
    /// The workstation's administrator set this (the policy file).
    SetByAdministrator,
    /// Offline and this employee never signed in here.
    FirstSignInNeedsNetwork,
    /// The system keychain that holds this copy's key cannot be reached in this session.
    KeychainUnavailable,
    /// The keychain answers but no longer holds this copy's secret (offline: nothing opens it).
    KeychainSecretMissing,
    /// The keychain is there but answered with an error: try again, nothing is lost.
    KeychainFailed,
    VaultUnavailable,
    PasswordRequired,
    CodeFormat,
    IdleLockOutOfRange,
    InvalidInput,
    /// The previous password (asked after a password change) does not open the old copy.
    PreviousPasswordWrong,
    /// Recovering a set-aside copy sends its edits, so it waits for the network.
    RecoveryNeedsNetwork,
    /// The edit was settled or removed meanwhile.
    EditGone,
    /// The set-aside copy is no longer on this workstation.
    CopyGone,
    /// The server refused: this account's role may not do that.
    Forbidden,
    /// The server refused an attached file (kind, size, name, damaged).
    FileNotAccepted,
    /// An upload stopped (a damaged chunk, another request, expired); it goes on by itself.
    UploadInterrupted,
    /// HR: the qualification or application was decided already.
    AlreadyDecided,
    /// HR: a rejection needs its reason.
    ReasonRequired,
    /// HR: every seat of the opportunity is taken (accepting an application).
    NoSeats,
    /// HR: the employee belongs to another entity than the officer's.
    OtherEntity,
    /// HR: the officer's own record or request; another officer decides it.
    OwnRecord,
    /// HR: the employee changed the request after the officer read it; nothing was decided.
    ChangedSinceRead,
    /// The server's upload quota for this employee is used: the files go later by themselves.
    UploadQuota,
    /// A sealed export was refused whole (not one, damaged, another employee's, too old…):
    /// nothing of it was applied.
    ImportRefused,
    /// Nothing waits on this workstation: there is nothing to export.
    NothingToExport,
    /// This workstation has not reached the server since exports exist: it does not know the key
    /// to seal to. One connection mends it.
    ExportNeedsConnection,
    TextSizeOutOfRange,
    /// A chosen file cannot be read (moved, no permission), or the store cannot be written
    /// (the disk is full).
    FileUnreadable,
}

/// Which rule failed, for codes with several (a server address's or a national ID's problem).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorDetail {
    UrlEmpty,
    UrlMalformed,
    UrlScheme,
    UrlCredentials,
    UrlQueryOrFragment,
    UrlInsecureRemote,
    IdEmpty,
    IdDigits,
    IdPrefix,
    IdChecksum,
    /// Why a file was not accepted.
    FileEmpty,
    FileNotADocument,
    FileTruncated,
    FileTooManyPixels,
    FileTooLarge,
    FileName,
    FileChanged,
    /// Why a sealed file was refused whole (`import_refused`).
    ImportNotSealed,
    ImportOtherServer,
    ImportDamaged,
    ImportBadSignature,
    ImportUnregisteredDevice,
    ImportOtherEmployee,
    ImportTooOld,
    ImportTooLarge,
}

/// The numbers a message needs; the sentence itself lives in the UI's catalogs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ErrorParams {
    /// Tries left (wrong code, wrong password).
    pub remaining: Option<u32>,
    /// Minutes to wait (a lock), rounded up.
    pub minutes: Option<u32>,
    /// Seconds to wait (resend, rate limit).
    pub seconds: Option<u32>,
    /// The HTTP status of a server error.
    pub status: Option<u16>,
    pub detail: Option<ErrorDetail>,
}

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

    pub fn with(code: ErrorCode, params: ErrorParams) -> Self {
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
