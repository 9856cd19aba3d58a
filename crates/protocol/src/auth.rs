//! Sign-in: national ID + password → a code by SMS → access and refresh tokens.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{NationalId, WireSecret};

/// `POST /v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    /// As typed: the server normalises and validates it.
    pub national_id: String,
    pub password: WireSecret,
}

/// A verification code is on its way: the answer of `login` and `resend`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
    pub challenge_id: String,
    /// `05******75`: enough for the employee to recognise the phone.
    pub masked_mobile: String,
    pub expires_in_seconds: u32,
    pub resend_after_seconds: u32,
}

/// `POST /v1/auth/verify`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VerifyRequest {
    pub challenge_id: String,
    pub code: WireSecret,
}

/// `POST /v1/auth/resend`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResendRequest {
    pub challenge_id: String,
}

/// `POST /v1/auth/refresh` and `POST /v1/auth/logout`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    pub refresh_token: WireSecret,
}

/// A signed-in session: a short access token and a rotating refresh token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    pub national_id: NationalId,
    pub access_token: WireSecret,
    pub access_expires_in_seconds: u32,
    pub refresh_token: WireSecret,
    pub refresh_expires_in_seconds: u32,
    /// What this account may do (an app shows the HR officer's screens by it; the server checks
    /// the role on every HR call whatever the app shows).
    #[serde(default)]
    pub role: Role,
}

/// `GET /v1/dev/sms?national_id=…` (demo and `--dev-sms` only): what the phone received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DevSms {
    pub national_id: NationalId,
    pub masked_mobile: String,
    pub text: String,
    pub sent_at: DateTime<Utc>,
}

/// `GET /v1/me`: who the access token is, to Masar (the issuer says who signed in; what they
/// may do here is Masar's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub national_id: NationalId,
    pub role: Role,
}

/// What an account may do on the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sees and edits their own data.
    #[default]
    Employee,
    /// An HR officer: reviews qualifications and edits employees' employment data.
    HrOfficer,
}

crate::wire_names!(Role { Employee => "employee", HrOfficer => "hr_officer" });
