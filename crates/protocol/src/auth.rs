//! Who is signed in to Masar and what they may do; the demo phone's messages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::NationalId;

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
