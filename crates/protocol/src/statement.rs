//! The verification of a printed service statement: the app asks the server for a code for the
//! record as the server has it (when online) and prints it with a QR code; whoever receives the
//! paper sends the code to `POST /v1/statements/verify` (no sign-in) and gets back what the
//! statement certified.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::record::{EmployeeRecord, PersonName};
use crate::service::{Span, length_of_service};

/// What a statement certifies, as the server recorded it when it gave the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StatementFacts {
    /// `1********8`: enough to match the paper, not to misuse it.
    pub masked_id: String,
    pub name_ar: PersonName,
    pub entity: String,
    pub job_title: String,
    pub appointment_date: NaiveDate,
    /// The length of service on `as_of`.
    pub service: Span,
    pub as_of: NaiveDate,
    pub decisions: u32,
}

impl StatementFacts {
    /// What a statement of `record` certifies on `as_of`.
    pub fn of(record: &EmployeeRecord, as_of: NaiveDate) -> Self {
        let p = &record.profile;
        Self {
            masked_id: p.national_id.masked(),
            name_ar: p.name_ar.clone(),
            entity: p.entity.clone(),
            job_title: p.job_title.clone(),
            appointment_date: p.appointment_date,
            service: length_of_service(&record.employment_events, p.appointment_date, as_of).total,
            as_of,
            decisions: u32::try_from(record.employment_events.len()).unwrap_or(u32::MAX),
        }
    }

    /// Whether `other` certifies the same record: the same person, post, appointment and
    /// decisions (the length of service grows by itself and is not a change).
    pub fn same_record(&self, other: &Self) -> bool {
        self.masked_id == other.masked_id
            && self.name_ar == other.name_ar
            && self.entity == other.entity
            && self.job_title == other.job_title
            && self.appointment_date == other.appointment_date
            && self.decisions == other.decisions
    }
}

/// `POST /v1/me/statement-code`: a code for the record as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StatementCode {
    /// `MSR-XXXX-XXXX-XXXX` (letters and digits that cannot be confused when typed).
    pub code: String,
    pub facts: StatementFacts,
    pub issued_at: DateTime<Utc>,
    /// After this the code no longer verifies (the server sets the period; the statement says it).
    pub expires_at: DateTime<Utc>,
    /// The page on the server that checks it, without signing in (`…/verify/CODE`): what the QR
    /// code holds.
    pub verify_url: String,
}

impl StatementCode {
    /// Whether the code still verifies at `now`.
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}

/// The path of a code's verification page under the server's public URL.
pub fn verify_path(code: &str) -> String {
    format!("/verify/{code}")
}

/// `POST /v1/statements/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VerifyStatement {
    pub code: String,
}

/// The code's alphabet: no 0/O, 1/I/L, 5/S, 8/B.
pub const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY234679";

/// A code written as people type it: upper case, without spaces.
pub fn normalise_code(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

/// Whether `text` has the form of a code (the server answers only those).
pub fn is_code(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 4
        && parts[0] == "MSR"
        && parts[1..].iter().all(|p| p.len() == 4 && p.bytes().all(|b| CODE_ALPHABET.contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_recognised_as_typed() {
        assert!(is_code(&normalise_code(" msr-acde-2346-79xy ")));
        assert!(!is_code("MSR-ACDE-2346-79X"));
        assert!(!is_code("MSR-ACDE-2346-79XO"), "O is not in the alphabet");
        assert!(!is_code("ABC-ACDE-2346-79XY"));
    }
}
