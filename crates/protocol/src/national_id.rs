//! The Saudi national ID / Iqama number: ten digits, starting with 1 (citizen) or 2 (resident),
//! the last digit a Luhn (mod 10) check digit over all ten.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::digits::normalize_digits;

/// A national ID that passed every check. Construct it with [`NationalId::parse`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type)]
#[serde(try_from = "String", into = "String")]
#[specta(transparent)]
pub struct NationalId(String);

/// Ten digits, 1 (citizen) or 2 (resident) first, the last a Luhn check digit.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for NationalId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[12][0-9]{9}$"))
            .description(Some("National ID (1…) or Iqama number (2…): ten digits with a Luhn check digit."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for NationalId {}

/// Why a text is not a national ID. The UI turns each case into its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdError {
    #[error("the national ID is empty")]
    Empty,
    #[error("a national ID has only digits")]
    NotDigits,
    #[error("a national ID has exactly 10 digits")]
    WrongLength,
    #[error("a national ID starts with 1 or 2")]
    WrongPrefix,
    #[error("the national ID's check digit does not match")]
    BadChecksum,
}

impl NationalId {
    /// Parses user or wire input: Eastern Arabic digits are accepted, white space around is ignored.
    pub fn parse(input: &str) -> Result<Self, NationalIdError> {
        let digits = normalize_digits(input);
        if digits.is_empty() {
            return Err(NationalIdError::Empty);
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(NationalIdError::NotDigits);
        }
        if digits.len() != 10 {
            return Err(NationalIdError::WrongLength);
        }
        if !digits.starts_with('1') && !digits.starts_with('2') {
            return Err(NationalIdError::WrongPrefix);
        }
        if !luhn_valid(&digits) {
            return Err(NationalIdError::BadChecksum);
        }
        Ok(Self(digits))
    }

    /// Completes nine leading digits with their Luhn check digit (used to make demo data).
    pub fn with_check_digit(first_nine: &str) -> Result<Self, NationalIdError> {
        let digits = normalize_digits(first_nine);
        if digits.len() != 9 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(NationalIdError::WrongLength);
        }
        let check = (0..10)
            .map(|d| format!("{digits}{d}"))
            .find(|candidate| luhn_valid(candidate))
            .ok_or(NationalIdError::BadChecksum)?;
        Self::parse(&check)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `1XXXXXXXX8`-style form for logs: enough to tell records apart, not enough to identify.
    pub fn masked(&self) -> String {
        let first = &self.0[..1];
        let last = &self.0[self.0.len() - 1..];
        format!("{first}********{last}")
    }
}

/// The Luhn check over every digit, the rightmost one being the check digit.
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(position, byte)| {
            let digit = u32::from(byte - b'0');
            if !position.is_multiple_of(2) {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl TryFrom<String> for NationalId {
    type Error = NationalIdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<NationalId> for String {
    fn from(value: NationalId) -> Self {
        value.0
    }
}

impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `Debug` masks the number: an ID is personal data and `Debug` output ends up in logs.
impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_and_invalid_numbers() {
        assert!(NationalId::parse("1000000008").is_ok());
        assert_eq!(NationalId::parse("1012345678"), Err(NationalIdError::BadChecksum));
    }

    #[test]
    fn each_kind_of_mistake_has_its_own_error() {
        let cases = [
            ("", NationalIdError::Empty),
            ("   ", NationalIdError::Empty),
            ("10000000O8", NationalIdError::NotDigits),
            ("100000008", NationalIdError::WrongLength),
            ("10000000080", NationalIdError::WrongLength),
            ("3000000006", NationalIdError::WrongPrefix),
            ("1000000009", NationalIdError::BadChecksum),
        ];
        for (input, expected) in cases {
            assert_eq!(NationalId::parse(input), Err(expected), "input {input:?}");
        }
    }

    #[test]
    fn eastern_arabic_digits_are_normalised() {
        let id = NationalId::parse(" ١٠٠٠٠٠٠٠٠٨ ").unwrap();
        assert_eq!(id.as_str(), "1000000008");
    }

    #[test]
    fn check_digit_completion_gives_valid_ids() {
        for first_nine in ["100000000", "123456789", "298765432"] {
            let id = NationalId::with_check_digit(first_nine).unwrap();
            assert!(id.as_str().starts_with(first_nine));
            assert_eq!(NationalId::parse(id.as_str()).as_ref(), Ok(&id));
        }
        assert_eq!(NationalId::with_check_digit("100000000").unwrap().as_str(), "1000000008");
    }

    #[test]
    fn debug_does_not_print_the_number() {
        let id = NationalId::parse("1000000008").unwrap();
        let debug = format!("{id:?}");
        assert!(!debug.contains("1000000008"), "{debug}");
        assert!(debug.contains("1********8"), "{debug}");
    }

    #[test]
    fn serde_rejects_invalid_ids() {
        let ok: NationalId = serde_json::from_str("\"1000000008\"").unwrap();
        assert_eq!(ok.as_str(), "1000000008");
        assert!(serde_json::from_str::<NationalId>("\"1012345678\"").is_err());
        assert_eq!(serde_json::to_string(&ok).unwrap(), "\"1000000008\"");
    }
}
