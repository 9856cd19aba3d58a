//! The one registry of the profile's editable fields: wire name, the form (section) it belongs
//! to, who may change it, its rule, and how to read and write it. The app's checks before
//! queueing, the overlay of queued edits, the server's apply and its conflict detection all
//! go through it; the UI gets the same list (as a generated constant) for its forms.

use serde::{Deserialize, Serialize};

use crate::record::EmployeeProfile;
use crate::validate::{self, FieldError, FieldProblem};

/// The form a field is edited in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// بيانات التواصل.
    Contact,
    /// البيانات الشخصية (the English spelling of the name).
    Personal,
    /// البيانات الوظيفية.
    Employment,
}

/// Who may change a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Editor {
    /// The employee (and HR).
    Employee,
    /// Only HR.
    Hr,
}

/// What a value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A Saudi mobile number, stored as E.164.
    Mobile,
    Email,
    /// Exactly this many digits (Eastern digits accepted).
    Digits(usize),
    /// Free text, at most [`validate::MAX_TEXT`] characters.
    Text,
    /// A name in Latin letters.
    LatinName,
}

impl Rule {
    /// The value as stored, or what is wrong with it (named by `wire`).
    pub fn check(self, wire: &str, input: &str) -> Result<String, FieldError> {
        let checked = match self {
            Self::Mobile => validate::mobile(input),
            Self::Email => validate::email(input),
            Self::Digits(count) => validate::digits(wire, input, count),
            Self::Text => validate::text(wire, input),
            Self::LatinName => validate::text(wire, input).and_then(|value| {
                if value.chars().all(|c| c.is_ascii_alphabetic() || " -'".contains(c)) {
                    Ok(value)
                } else {
                    Err(FieldError::new(wire, FieldProblem::LatinLetters))
                }
            }),
        };
        checked.map_err(|error| FieldError { field: wire.to_owned(), ..error })
    }
}

/// One editable field of the profile.
#[derive(Debug)]
pub struct Field {
    /// The name on the wire and in the UI: the value's JSON path in [`EmployeeProfile`].
    pub wire: &'static str,
    pub section: Section,
    pub editor: Editor,
    pub rule: Rule,
    pub get: fn(&EmployeeProfile) -> &String,
    pub slot: fn(&mut EmployeeProfile) -> &mut String,
}

macro_rules! field {
    ($wire:literal, $section:ident, $editor:ident, $rule:expr, $($path:ident).+) => {
        Field {
            wire: $wire,
            section: Section::$section,
            editor: Editor::$editor,
            rule: $rule,
            get: |p| &p.$($path).+,
            slot: |p| &mut p.$($path).+,
        }
    };
}

/// Every editable field, in the order of the forms.
pub static FIELDS: &[Field] = &[
    field!("mobile", Contact, Employee, Rule::Mobile, mobile),
    field!("email", Contact, Employee, Rule::Email, email),
    field!("address.buildingNumber", Contact, Employee, Rule::Digits(4), address.building_number),
    field!("address.street", Contact, Employee, Rule::Text, address.street),
    field!("address.district", Contact, Employee, Rule::Text, address.district),
    field!("address.city", Contact, Employee, Rule::Text, address.city),
    field!("address.postalCode", Contact, Employee, Rule::Digits(5), address.postal_code),
    field!("address.additionalNumber", Contact, Employee, Rule::Digits(4), address.additional_number),
    field!("nameEn.first", Personal, Employee, Rule::LatinName, name_en.first),
    field!("nameEn.father", Personal, Employee, Rule::LatinName, name_en.father),
    field!("nameEn.grandfather", Personal, Employee, Rule::LatinName, name_en.grandfather),
    field!("nameEn.family", Personal, Employee, Rule::LatinName, name_en.family),
    field!("entity", Employment, Hr, Rule::Text, entity),
    field!("jobTitle", Employment, Hr, Rule::Text, job_title),
];

/// The field named `wire`.
pub fn field(wire: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|field| field.wire == wire)
}

/// What the UI needs of a field (the rest are functions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldInfo {
    pub wire: String,
    pub section: Section,
    pub editor: Editor,
}

/// The registry as data, for the UI.
pub fn field_infos() -> Vec<FieldInfo> {
    FIELDS
        .iter()
        .map(|field| FieldInfo { wire: field.wire.to_owned(), section: field.section, editor: field.editor })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_unique_and_read_what_they_write() {
        let mut profile = crate::record::tests::sample_profile();
        for (n, field) in FIELDS.iter().enumerate() {
            assert_eq!(FIELDS.iter().filter(|f| f.wire == field.wire).count(), 1, "{}", field.wire);
            *(field.slot)(&mut profile) = format!("value {n}");
        }
        for (n, field) in FIELDS.iter().enumerate() {
            assert_eq!((field.get)(&profile), &format!("value {n}"), "{}", field.wire);
        }
    }

    #[test]
    fn wire_names_are_the_values_json_paths() {
        let profile = crate::record::tests::sample_profile();
        let json = serde_json::to_value(&profile).unwrap();
        for field in FIELDS {
            let at = field.wire.split('.').fold(&json, |value, key| &value[key]);
            assert_eq!(at.as_str(), Some((field.get)(&profile).as_str()), "{}", field.wire);
        }
    }

    #[test]
    fn each_rule_names_the_field_it_checks() {
        assert_eq!(Rule::Digits(5).check("address.postalCode", "١٢٣٤٥"), Ok("12345".into()));
        let error = Rule::Mobile.check("mobile", "0412345678").unwrap_err();
        assert_eq!((error.field.as_str(), error.problem), ("mobile", FieldProblem::MobileFormat));
        let error = Rule::LatinName.check("nameEn.first", "منيرة").unwrap_err();
        assert_eq!((error.field.as_str(), error.problem), ("nameEn.first", FieldProblem::LatinLetters));
        assert_eq!(Rule::Text.check("entity", "  ").unwrap_err().problem, FieldProblem::Required);
        let error = Rule::Mobile.check("emergencyMobile", "123").unwrap_err();
        assert_eq!(error.field, "emergencyMobile", "named by the field it checks, whatever the rule");
    }

    #[test]
    fn the_ui_gets_every_field_with_its_form_and_editor() {
        let infos = field_infos();
        assert_eq!(infos.len(), FIELDS.len());
        let job = infos.iter().find(|info| info.wire == "jobTitle").unwrap();
        assert_eq!((job.section, job.editor), (Section::Employment, Editor::Hr));
        let street = infos.iter().find(|info| info.wire == "address.street").unwrap();
        assert_eq!((street.section, street.editor), (Section::Contact, Editor::Employee));
    }
}
