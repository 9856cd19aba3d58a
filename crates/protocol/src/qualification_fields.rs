//! The one registry of the qualification form's fields, by the wire name a [`FieldError`] names
//! them with. The shared checks (app and server) name their errors from it, and the UI gets it as
//! a generated type, so its labels and error targets are checked against the same list.
//!
//! [`FieldError`]: crate::validate::FieldError

use serde::{Deserialize, Serialize};

/// A field of توثيق المؤهل.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum QualificationField {
    #[serde(rename = "level")]
    Level,
    #[serde(rename = "major")]
    Major,
    #[serde(rename = "institution")]
    Institution,
    #[serde(rename = "country")]
    Country,
    #[serde(rename = "studyMode")]
    StudyMode,
    #[serde(rename = "startDate")]
    StartDate,
    #[serde(rename = "graduationDate")]
    GraduationDate,
    #[serde(rename = "gpa")]
    Gpa,
    #[serde(rename = "gpaScale")]
    GpaScale,
    #[serde(rename = "grade")]
    Grade,
    #[serde(rename = "equivalency.number")]
    EquivalencyNumber,
    #[serde(rename = "equivalency.date")]
    EquivalencyDate,
    /// The attachments as a whole; an error on one file is named `attachments.<index>`.
    #[serde(rename = "attachments")]
    Attachments,
    /// The terms and conditions (accepted in their current version).
    #[serde(rename = "terms")]
    Terms,
    /// The record's id, chosen by the app.
    #[serde(rename = "id")]
    Id,
    /// The qualification on the record an update (تحديث المؤهل) names.
    #[serde(rename = "updates")]
    Updates,
}

crate::wire_names!(QualificationField {
    Level => "level",
    Major => "major",
    Institution => "institution",
    Country => "country",
    StudyMode => "studyMode",
    StartDate => "startDate",
    GraduationDate => "graduationDate",
    Gpa => "gpa",
    GpaScale => "gpaScale",
    Grade => "grade",
    EquivalencyNumber => "equivalency.number",
    EquivalencyDate => "equivalency.date",
    Attachments => "attachments",
    Terms => "terms",
    Id => "id",
    Updates => "updates",
});

impl QualificationField {
    /// The wire name of the error on the attachment at `index`.
    pub fn attachment(index: usize) -> String {
        format!("{}.{index}", Self::Attachments.as_str())
    }

    /// The field an error's wire name belongs to (`attachments.2` is the attachments').
    pub fn of_error(wire: &str) -> Option<Self> {
        Self::parse(wire).or_else(|| {
            let (head, index) = wire.split_once('.')?;
            (head == Self::Attachments.as_str() && index.parse::<usize>().is_ok())
                .then_some(Self::Attachments)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::QualificationField;

    #[test]
    fn every_field_has_its_serde_name_and_errors_name_their_field() {
        for field in QualificationField::ALL {
            let serde = serde_json::to_value(field).unwrap();
            assert_eq!(serde.as_str(), Some(field.as_str()));
        }
        assert_eq!(QualificationField::ALL.len(), 16);
        let table = [
            ("major", Some(QualificationField::Major)),
            ("equivalency.date", Some(QualificationField::EquivalencyDate)),
            ("attachments.0", Some(QualificationField::Attachments)),
            ("attachments.12", Some(QualificationField::Attachments)),
            ("attachments.x", None),
            ("major.1", None),
            ("nameEn.first", None),
        ];
        for (wire, field) in table {
            assert_eq!(QualificationField::of_error(wire), field, "{wire}");
        }
        assert_eq!(QualificationField::attachment(3), "attachments.3");
    }
}
