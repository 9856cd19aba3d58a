//! The verification of a printed service statement: the app asks the server for a code for the
//! record as the server has it (when online) and prints it with a QR code; whoever receives the
//! paper sends the code to `POST /v1/statements/verify` (no sign-in) and gets back what the
//! statement certified.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::record::PersonName;
use crate::service::Span;

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

/// `POST /v1/me/statement-code`: a code for the record as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StatementCode {
    /// `MSR-XXXX-XXXX-XXXX` (letters and digits that cannot be confused when typed).
    pub code: String,
    pub facts: StatementFacts,
    pub issued_at: DateTime<Utc>,
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
