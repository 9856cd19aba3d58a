//! The rules every edit must pass, shared so the app can say at once what the server would say.
//! The server is the authority: it runs the same checks again before applying anything.

use serde::{Deserialize, Serialize};

use crate::digits::normalize_digits;

/// What is wrong with a field, as a stable code: the sentence is the app's to say, in the
/// employee's language (the UI's catalogs hold one per code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldProblem {
    /// Empty.
    Required,
    /// Longer than `limit` characters.
    TooLong,
    /// Holds control characters.
    ControlCharacters,
    /// Not a Saudi mobile number (05XXXXXXXX).
    MobileFormat,
    EmailFormat,
    /// Not exactly `limit` digits.
    Digits,
    /// Not in Latin letters (the English spelling of a name).
    LatinLetters,
    /// Only the HR department changes this field.
    HrOnly,
    /// A date after today.
    DateInFuture,
    /// A date before the one it follows (graduation before the start, equivalency before graduation).
    DateOrder,
    /// Not a number as a GPA is written.
    GpaFormat,
    /// Above the GPA's scale (or zero).
    GpaOutOfScale,
    /// A degree from abroad needs the Ministry of Education's equivalency.
    EquivalencyRequired,
    /// The certificate itself must be attached.
    CertificateRequired,
    /// More than `limit` files.
    TooManyFiles,
    /// All files together over `limit` MB.
    SubmissionTooLarge,
    /// The file's name, hash or size is not accepted.
    FileNotAccepted,
    /// The server has not received (and verified) this file from this employee.
    FileNotUploaded,
    /// The current terms and conditions were not accepted.
    TermsNotAccepted,
    /// No opportunity with this id (withdrawn, say).
    NoSuchOpportunity,
    /// The opportunity's application deadline has passed.
    ApplicationsClosed,
    /// The employee's rank is below the opportunity's minimum (`limit`).
    RankBelowMinimum,
    /// The employee has applied for this opportunity already.
    AppliedAlready,
    /// The qualification was verified: it is final, and a change to it is a new request.
    AlreadyVerified,
    /// An update names a qualification that is not on the employee's record.
    NotOnRecord,
}

/// One field's problem: which field, which rule, and the rule's number if it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The field's wire name, e.g. `mobile` or `address.postalCode`.
    pub field: String,
    pub problem: FieldProblem,
    /// The length or digit count of [`FieldProblem::TooLong`] and [`FieldProblem::Digits`].
    pub limit: Option<u32>,
}

impl FieldError {
    pub fn new(field: &str, problem: FieldProblem) -> Self {
        Self { field: field.to_owned(), problem, limit: None }
    }

    pub fn with_limit(field: &str, problem: FieldProblem, limit: usize) -> Self {
        Self { field: field.to_owned(), problem, limit: u32::try_from(limit).ok() }
    }
}

/// Longest text accepted in a free-text field.
pub const MAX_TEXT: usize = 100;

/// `05XXXXXXXX` or `+9665XXXXXXXX` (or `9665…`, `009665…`), Eastern digits allowed → E.164.
pub fn mobile(input: &str) -> Result<String, FieldError> {
    let digits: String = normalize_digits(input).chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let rest = digits
        .strip_prefix("+966")
        .or_else(|| digits.strip_prefix("00966"))
        .or_else(|| digits.strip_prefix("966"))
        .or_else(|| digits.strip_prefix('0'))
        .unwrap_or(&digits);
    if rest.len() == 9 && rest.starts_with('5') && rest.chars().all(|c| c.is_ascii_digit()) {
        Ok(format!("+966{rest}"))
    } else {
        Err(FieldError::new("mobile", FieldProblem::MobileFormat))
    }
}

pub fn email(input: &str) -> Result<String, FieldError> {
    let email = input.trim().to_lowercase();
    let valid = email.len() <= MAX_TEXT
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && email.chars().all(|c| c.is_ascii_alphanumeric() || "@._-+".contains(c))
                && email.matches('@').count() == 1
        });
    if valid { Ok(email) } else { Err(FieldError::new("email", FieldProblem::EmailFormat)) }
}

/// Exactly `count` digits (Eastern digits accepted), as ASCII digits.
pub fn digits(field: &str, input: &str, count: usize) -> Result<String, FieldError> {
    let value = normalize_digits(input);
    if value.len() == count && value.chars().all(|c| c.is_ascii_digit()) {
        Ok(value)
    } else {
        Err(FieldError::with_limit(field, FieldProblem::Digits, count))
    }
}

/// Free text: trimmed, not empty, at most [`MAX_TEXT`] characters, no control characters.
/// Markup is allowed as text (the UI never renders it as HTML).
pub fn text(field: &str, input: &str) -> Result<String, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, FieldProblem::Required));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(FieldError::with_limit(field, FieldProblem::TooLong, MAX_TEXT));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(field, FieldProblem::ControlCharacters));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{NationalAddress, PersonName};
    use crate::sync::{ContactUpdate, MutationBody, PersonalUpdate};

    #[test]
    fn mobiles_in_every_usual_form_become_e164() {
        for input in
            ["0512345678", "+966512345678", "966512345678", "00966512345678", "٠٥١٢٣٤٥٦٧٨", "051 234 5678"]
        {
            assert_eq!(mobile(input), Ok("+966512345678".into()), "{input}");
        }
        for input in ["", "0412345678", "05123", "051234567890", "abc", "+971512345678"] {
            assert_eq!(mobile(input).unwrap_err().field, "mobile", "{input}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(email(" Munira.A@MOF.gov.sa "), Ok("munira.a@mof.gov.sa".into()));
        for bad in ["", "a@", "@b.sa", "a@b", "a b@c.sa", "a@@b.sa", "<script>@x.sa"] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    fn contact(address: NationalAddress) -> MutationBody {
        MutationBody::UpdateContact(ContactUpdate {
            mobile: "0512345678".into(),
            email: "a@b.sa".into(),
            address,
        })
    }

    fn good_address() -> NationalAddress {
        NationalAddress {
            building_number: "٤٧١٩".into(),
            street: " شارع التخصصي ".into(),
            district: "العليا".into(),
            city: "الرياض".into(),
            postal_code: "11738".into(),
            additional_number: "9574".into(),
        }
    }

    #[test]
    fn an_address_is_normalised_or_every_problem_is_named() {
        let ok = contact(good_address()).checked().unwrap();
        let value = |wire: &str| ok.iter().find(|(f, _)| f.wire == wire).map(|(_, v)| v.as_str());
        assert_eq!(value("address.buildingNumber"), Some("4719"));
        assert_eq!(value("address.street"), Some("شارع التخصصي"));
        let bad = NationalAddress {
            postal_code: "117380".into(),
            street: "x".repeat(MAX_TEXT + 1),
            city: " ".into(),
            ..good_address()
        };
        let errors = contact(bad).checked().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["address.street", "address.city", "address.postalCode"]);
        let problems: Vec<(FieldProblem, Option<u32>)> =
            errors.iter().map(|e| (e.problem, e.limit)).collect();
        assert_eq!(
            problems,
            [
                (FieldProblem::TooLong, Some(100)),
                (FieldProblem::Required, None),
                (FieldProblem::Digits, Some(5))
            ]
        );
    }

    #[test]
    fn text_is_at_most_the_limit_long() {
        assert_eq!(text("street", &"ش".repeat(MAX_TEXT)).map(|t| t.chars().count()), Ok(MAX_TEXT));
        let long = text("street", &"ش".repeat(MAX_TEXT + 1)).unwrap_err();
        assert_eq!((long.problem, long.limit), (FieldProblem::TooLong, Some(100)));
    }

    #[test]
    fn markup_is_text_but_control_characters_are_refused() {
        assert_eq!(text("street", "<b>شارع</b>"), Ok("<b>شارع</b>".into()));
        assert_eq!(text("street", "a\u{0007}b").unwrap_err().problem, FieldProblem::ControlCharacters);
    }

    #[test]
    fn english_names_are_latin_letters() {
        let name = PersonName {
            first: "Munira".into(),
            father: "Omar".into(),
            grandfather: "Ibrahim".into(),
            family: "Al-Shammari".into(),
        };
        let personal = |name_en| MutationBody::UpdatePersonal(PersonalUpdate { name_en });
        assert!(personal(name.clone()).checked().is_ok());
        let arabic = PersonName { first: "منيرة".into(), ..name };
        assert_eq!(
            personal(arabic).checked().unwrap_err(),
            [FieldError::new("nameEn.first", FieldProblem::LatinLetters)]
        );
    }
}
