//! Envelope types of the HTTP API: health, errors, demo hints.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{NationalId, PersonName};

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Always `masar-server`; lets the client tell our server from any other web server on the port.
    pub service: String,
    pub version: String,
    pub time: DateTime<Utc>,
    /// True when the server runs with seeded demo data.
    pub demo: bool,
    /// The OpenID Connect issuer whose tokens this server takes: where the app signs in
    /// (absent from servers older than the single sign-on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

/// The value of [`Health::service`].
pub const SERVICE_NAME: &str = "masar-server";

/// Stable error codes in the body of every non-2xx answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorCode {
    BadRequest,
    /// No valid access token: sign in (or refresh).
    Unauthenticated,
    /// The access token expired: refresh it.
    SessionExpired,
    NotFound,
    Internal,
    /// Wrong national ID or password (never says which).
    InvalidCredentials,
    /// Too many wrong passwords or codes: wait `retry_after_seconds`.
    Locked,
    /// The sign-in attempt is unknown, used or abandoned: start again.
    ChallengeInvalid,
    CodeExpired,
    /// Wrong code; `remaining_attempts` says how many tries are left.
    CodeIncorrect,
    /// Five wrong codes: this attempt is over, start again.
    TooManyAttempts,
    /// A new code can be sent only after `retry_after_seconds`.
    ResendTooSoon,
    /// This sign-in was sent every new code it may have: enter the last one, or start again.
    ResendLimit,
    /// Too many requests from this address: wait `retry_after_seconds`.
    RateLimited,
    /// The refresh token was already used: every session of the family is revoked.
    SessionRevoked,
    /// The server cannot send SMS now.
    SmsUnavailable,
    /// Signed in, but this account's role may not do that (an employee on an HR route).
    Forbidden,
    /// Uploads: the file is larger than the server's `Tus-Max-Size`.
    UploadTooLarge,
    /// Uploads: the file is not a complete PDF, JPEG or PNG within the limits (`file_problem`).
    FileNotAccepted,
    /// Uploads: the file's name carries a path or hidden characters.
    FileNameNotAccepted,
    /// Uploads: a chunk's `Upload-Checksum`, or the whole file's declared SHA-256, does not match
    /// the bytes (tus status 460). A chunk is sent again; a whole file is uploaded anew.
    ChecksumMismatch,
    /// Uploads: `Upload-Offset` is not where the upload stands (HEAD, then resume there).
    UploadOffsetMismatch,
    /// Uploads: another PATCH of this upload is running.
    UploadBusy,
    /// Uploads: the upload expired or was ended; start a new one.
    UploadGone,
    /// Uploads: the request does not speak tus 1.0.0 (`Tus-Resumable`).
    TusVersionUnsupported,
    /// HR: the qualification or application was decided already.
    AlreadyDecided,
    /// HR: a rejection needs its reason.
    ReasonRequired,
    /// HR: accepting an application, but every seat of the opportunity is taken.
    NoSeats,
    /// HR: the employee belongs to another entity than the officer's.
    OtherEntity,
    /// HR: the officer's own record or request; another officer decides it.
    OwnRecord,
    /// HR: the request changed after the officer read it (`current_version` says which one
    /// stands now); read it again before deciding.
    ChangedSinceRead,
    /// Uploads: this employee's quota is used (unfinished uploads, or the bytes of the last 24
    /// hours); `Retry-After` says when the day's quota has room again.
    UploadQuota,
    /// Imports: the whole file is refused and nothing of it applied (`import_problem` says why).
    ImportRefused,
}

/// The JSON body of every non-2xx answer. `message` is Arabic: the server speaks to the employee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiErrorBody {
    pub code: ApiErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_attempts: Option<u32>,
    /// With `file_not_accepted`: what is wrong with the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_problem: Option<crate::attachments::FileProblem>,
    /// With `changed_since_read`: the version that stands now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(type = Option<f64>)]
    pub current_version: Option<u64>,
    /// With `import_refused`: why the file is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_problem: Option<crate::imports::ImportProblem>,
}

/// `GET /v1/dev/accounts` (demo mode only): who can be tried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DemoAccount {
    pub national_id: NationalId,
    pub name_ar: PersonName,
    pub job_title: String,
    /// Demo data only: printed and shown so that anyone can try signing in.
    pub password: String,
    pub role: crate::auth::Role,
}
