//! The qualification form as the employee fills it: every field may still be empty in a draft;
//! sending turns it into the protocol's details, checked by the same rules as the server's.

use chrono::NaiveDate;
use masar_protocol::attachments::AttachmentLimits;
use masar_protocol::qualification::{
    self, AttachmentRef, Equivalency, GpaScale, Grade, Level, QualificationDetails, QualificationRecord,
    StudyMode,
};
use masar_protocol::validate::{FieldError, FieldProblem};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct QualificationForm {
    pub level: Option<Level>,
    pub major: String,
    pub institution: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub study_mode: Option<StudyMode>,
    /// `YYYY-MM-DD` (Gregorian).
    pub start_date: String,
    pub graduation_date: String,
    pub gpa: String,
    pub gpa_scale: Option<GpaScale>,
    pub grade: Option<Grade>,
    pub equivalency_number: String,
    pub equivalency_date: String,
    pub attachments: Vec<AttachmentRef>,
    pub terms_accepted: bool,
    /// تحديث المؤهل: the qualification on the record this one updates (none: a new one).
    #[serde(default)]
    pub updates: Option<String>,
}

fn date(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if text.trim().is_empty() {
        errors.push(FieldError::new(field, FieldProblem::Required));
        return None;
    }
    let parsed = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
    if parsed.is_none() {
        errors.push(FieldError::new(field, FieldProblem::Required));
    }
    parsed
}

fn required<T: Copy>(field: &str, value: Option<T>, errors: &mut Vec<FieldError>) -> Option<T> {
    if value.is_none() {
        errors.push(FieldError::new(field, FieldProblem::Required));
    }
    value
}

impl QualificationForm {
    /// The form as the server holds the qualification (to amend it).
    pub fn from_record(record: &QualificationRecord) -> Self {
        Self {
            attachments: record.attachments.clone(),
            updates: record.updates.clone(),
            ..Self::from_details(&record.details)
        }
    }

    /// The form filled with `d`, nothing attached, the terms not yet accepted.
    pub fn from_details(d: &QualificationDetails) -> Self {
        Self {
            level: Some(d.level),
            major: d.major.clone(),
            institution: d.institution.clone(),
            country: d.country.clone(),
            study_mode: Some(d.study_mode),
            start_date: d.start_date.to_string(),
            graduation_date: d.graduation_date.to_string(),
            gpa: d.gpa.clone(),
            gpa_scale: Some(d.gpa_scale),
            grade: Some(d.grade),
            equivalency_number: d.equivalency.as_ref().map(|e| e.number.clone()).unwrap_or_default(),
            equivalency_date: d.equivalency.as_ref().map(|e| e.date.to_string()).unwrap_or_default(),
            attachments: Vec::new(),
            terms_accepted: false,
            updates: None,
        }
    }

    /// The details, or what is missing (choices not made, dates not given).
    pub fn details(&self) -> Result<QualificationDetails, Vec<FieldError>> {
        let mut errors = Vec::new();
        let level = required("level", self.level, &mut errors);
        let study_mode = required("studyMode", self.study_mode, &mut errors);
        let gpa_scale = required("gpaScale", self.gpa_scale, &mut errors);
        let grade = required("grade", self.grade, &mut errors);
        let start_date = date("startDate", &self.start_date, &mut errors);
        let graduation_date = date("graduationDate", &self.graduation_date, &mut errors);
        let equivalency =
            if self.equivalency_number.trim().is_empty() && self.equivalency_date.trim().is_empty() {
                None
            } else {
                date("equivalency.date", &self.equivalency_date, &mut errors)
                    .map(|date| Equivalency { number: self.equivalency_number.trim().to_owned(), date })
            };
        match (level, study_mode, gpa_scale, grade, start_date, graduation_date) {
            (
                Some(level),
                Some(study_mode),
                Some(gpa_scale),
                Some(grade),
                Some(start_date),
                Some(graduation_date),
            ) if errors.is_empty() => Ok(QualificationDetails {
                level,
                major: self.major.trim().to_owned(),
                institution: self.institution.trim().to_owned(),
                country: self.country.trim().to_uppercase(),
                study_mode,
                start_date,
                graduation_date,
                gpa: self.gpa.trim().to_owned(),
                gpa_scale,
                grade,
                equivalency,
            }),
            _ => Err(errors),
        }
    }

    /// Everything the server would refuse, as the employee sends it.
    pub fn check(&self, limits: &AttachmentLimits, today: NaiveDate) -> Vec<FieldError> {
        let mut errors = match self.details() {
            Ok(details) => qualification::check_details(&details, today),
            Err(mut missing) => {
                // The free-text fields are said too, so one send lists everything to fix.
                for (field, value) in [("major", &self.major), ("institution", &self.institution)] {
                    if let Err(error) = masar_protocol::validate::text(field, value) {
                        missing.push(error);
                    }
                }
                missing
            }
        };
        errors.extend(qualification::check_attachments(&self.attachments, limits));
        if !self.terms_accepted {
            errors.push(FieldError::new("terms", FieldProblem::TermsNotAccepted));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use masar_protocol::attachments::AttachmentKind;
    use masar_protocol::qualification::AttachmentRole;

    use super::*;

    fn filled() -> QualificationForm {
        QualificationForm {
            level: Some(Level::Bachelor),
            major: " نظم المعلومات ".into(),
            institution: "جامعة الملك سعود".into(),
            country: "sa".into(),
            study_mode: Some(StudyMode::Regular),
            start_date: "2012-09-01".into(),
            graduation_date: "2016-06-15".into(),
            gpa: "4.5".into(),
            gpa_scale: Some(GpaScale::Five),
            grade: Some(Grade::Excellent),
            attachments: vec![AttachmentRef {
                sha256: "b".repeat(64),
                name: "شهادة.pdf".into(),
                kind: AttachmentKind::Pdf,
                size: 1000,
                role: AttachmentRole::Certificate,
            }],
            terms_accepted: true,
            ..QualificationForm::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn a_filled_form_gives_the_details_as_the_server_stores_them() {
        let form = filled();
        assert!(form.check(&AttachmentLimits::default(), today()).is_empty());
        let details = form.details().unwrap();
        assert_eq!((details.major.as_str(), details.country.as_str()), ("نظم المعلومات", "SA"));
    }

    #[test]
    fn a_record_read_back_into_the_form_gives_the_same_details() {
        let form = filled();
        let record = QualificationRecord {
            id: "0".repeat(32),
            receipt: "20261129-0001".into(),
            transaction_number: "2026-000001".into(),
            details: form.details().unwrap(),
            attachments: form.attachments.clone(),
            state: qualification::QualificationStatus::Rejected,
            reason: Some("صورة غير واضحة".into()),
            submitted_at: chrono::Utc::now(),
            decided_at: None,
            terms_version: qualification::TERMS_VERSION.into(),
            updates: None,
        };
        let back = QualificationForm::from_record(&record);
        assert_eq!(back.details().unwrap(), record.details);
        assert!(!back.terms_accepted, "the terms are accepted again with each send");
    }

    #[test]
    fn an_empty_draft_says_what_is_missing_and_the_terms() {
        let errors = QualificationForm::default().check(&AttachmentLimits::default(), today());
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in
            ["level", "studyMode", "gpaScale", "grade", "startDate", "graduationDate", "attachments", "terms"]
        {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
    }
}
