//! Envelope types of the HTTP API: health, errors, demo hints.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{NationalId, PersonName};

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Always `masar-server`; lets the client tell our server from any other web server on the port.
    pub service: String,
    pub version: String,
    pub time: DateTime<Utc>,
    /// True when the server runs with seeded demo data.
    pub demo: bool,
}

/// The value of [`Health::service`].
pub const SERVICE_NAME: &str = "masar-server";

/// Stable error codes in the body of every non-2xx answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorCode {
    BadRequest,
    Unauthenticated,
    NotFound,
    Internal,
}

/// The JSON body of every non-2xx answer. `message` is Arabic: the server speaks to the employee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ApiErrorBody {
    pub code: ApiErrorCode,
    pub message: String,
}

/// `GET /v1/dev/accounts` (demo mode only): who can be tried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DemoAccount {
    pub national_id: NationalId,
    pub name_ar: PersonName,
    pub job_title: String,
}
