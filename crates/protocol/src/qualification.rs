//! Documenting an academic qualification (توثيق المؤهل): what the employee declares, the scans
//! attached to it (by SHA-256, uploaded with tus first), the terms accepted, and the record as
//! HR's review leaves it. A qualification is a record kind of its own in sync, with its own id.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::attachments::{AttachmentKind, AttachmentLimits, check_name};
use crate::digits::normalize_digits;
use crate::qualification_fields::QualificationField as F;
pub use crate::record::{Equivalency, Grade, QualificationLevel as Level, QualificationStatus, StudyMode};
use crate::validate::{FieldError, FieldProblem, text};

/// The version of the terms and conditions an employee accepts with a submission.
pub const TERMS_VERSION: &str = "2026-11";

/// The scale a GPA is out of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum GpaScale {
    #[serde(rename = "4")]
    Four,
    #[serde(rename = "5")]
    Five,
    #[serde(rename = "100")]
    Hundred,
}

impl GpaScale {
    pub fn max(self) -> f64 {
        match self {
            Self::Four => 4.0,
            Self::Five => 5.0,
            Self::Hundred => 100.0,
        }
    }
}

/// What the employee declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QualificationDetails {
    pub level: Level,
    pub major: String,
    pub institution: String,
    /// ISO 3166-1 alpha-2 (`SA`, `GB`, …).
    pub country: String,
    pub study_mode: StudyMode,
    pub start_date: NaiveDate,
    pub graduation_date: NaiveDate,
    /// As written on the certificate (`4.65`, `87.5`); Eastern digits accepted.
    pub gpa: String,
    pub gpa_scale: GpaScale,
    pub grade: Grade,
    /// Required when `country` is not `SA`.
    pub equivalency: Option<Equivalency>,
}

/// What an attached file is to the qualification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttachmentRole {
    /// The certificate itself: required.
    Certificate,
    Transcript,
    Equivalency,
    Other,
}

/// An attached file, by its content's hash (the bytes travel by tus, before the submission).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AttachmentRef {
    pub sha256: String,
    pub name: String,
    pub kind: AttachmentKind,
    #[specta(type = f64)]
    pub size: u64,
    pub role: AttachmentRole,
}

/// `submit_qualification`: a new qualification, or an amended one (same id) after a rejection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QualificationSubmission {
    /// Chosen by the app when the draft is made: 32 hex characters.
    pub id: String,
    /// The local receipt number the employee saw at once (kept with the record to search by).
    pub receipt: String,
    pub details: QualificationDetails,
    pub attachments: Vec<AttachmentRef>,
    pub terms_version: String,
    pub accepted_at: DateTime<Utc>,
    /// تحديث المؤهل: the qualification on the employee's record this request updates (its id
    /// there); none for a qualification new to the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updates: Option<String>,
}

crate::wire_names!(QualificationStatus {
    UnderReview => "under_review",
    Verified => "verified",
    Rejected => "rejected",
});

/// A submitted qualification as the server holds it (the sync record of kind `qualification`):
/// قيد المراجعة, then موثق or مرفوض with HR's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QualificationRecord {
    pub id: String,
    pub receipt: String,
    /// The server's transaction number (رقم المعاملة), given when it accepted the submission.
    pub transaction_number: String,
    pub details: QualificationDetails,
    pub attachments: Vec<AttachmentRef>,
    pub state: QualificationStatus,
    /// HR's reason when rejected.
    pub reason: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub terms_version: String,
    /// The qualification on the record this request updates, if it is an update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updates: Option<String>,
}

/// HR's decision on a qualification under review, naming the version of the request the officer
/// read (`ReviewItem::version`): a request changed since is not decided unseen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "decision", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Decision {
    Verify {
        #[specta(type = f64)]
        read_version: u64,
    },
    Reject {
        #[specta(type = f64)]
        read_version: u64,
        reason: String,
    },
}

impl Decision {
    /// The version of the request the officer read before deciding.
    pub fn read_version(&self) -> u64 {
        match self {
            Self::Verify { read_version } | Self::Reject { read_version, .. } => *read_version,
        }
    }
}

/// Longest reason HR may give.
pub const MAX_REASON: usize = 500;

/// The reason for a rejection (or a declined application) as stored: trimmed, not empty, at most
/// [`MAX_REASON`] characters; `None` when it is not one.
pub fn reason(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty() && text.chars().count() <= MAX_REASON).then_some(text)
}

/// The checks the server makes on a submission's own content (the blobs are checked against the
/// server's store separately), for the app to run as the employee types. `today` bounds dates.
pub fn check(
    submission: &QualificationSubmission,
    limits: &AttachmentLimits,
    today: NaiveDate,
) -> Vec<FieldError> {
    let mut errors = check_details(&submission.details, today);
    errors.extend(check_attachments(&submission.attachments, limits));
    if submission.terms_version != TERMS_VERSION {
        errors.push(FieldError::new(F::Terms.as_str(), FieldProblem::TermsNotAccepted));
    }
    errors
}

/// The form's fields.
pub fn check_details(details: &QualificationDetails, today: NaiveDate) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (field, value) in [(F::Major, &details.major), (F::Institution, &details.institution)] {
        if let Err(error) = text(field.as_str(), value) {
            errors.push(error);
        }
    }
    let country = details.country.trim();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.push(FieldError::new(F::Country.as_str(), FieldProblem::Required));
    }
    if details.graduation_date > today {
        errors.push(FieldError::new(F::GraduationDate.as_str(), FieldProblem::DateInFuture));
    }
    if details.start_date >= details.graduation_date {
        errors.push(FieldError::new(F::GraduationDate.as_str(), FieldProblem::DateOrder));
    }
    match gpa(&details.gpa) {
        Some(value) if value > 0.0 && value <= details.gpa_scale.max() => {}
        Some(_) => errors.push(FieldError::new(F::Gpa.as_str(), FieldProblem::GpaOutOfScale)),
        None => errors.push(FieldError::new(F::Gpa.as_str(), FieldProblem::GpaFormat)),
    }
    match (&details.equivalency, country == "SA") {
        (None, false) => {
            errors.push(FieldError::new(F::EquivalencyNumber.as_str(), FieldProblem::EquivalencyRequired))
        }
        (Some(equivalency), _) => {
            if let Err(error) = text(F::EquivalencyNumber.as_str(), &equivalency.number) {
                errors.push(error);
            }
            if equivalency.date > today {
                errors.push(FieldError::new(F::EquivalencyDate.as_str(), FieldProblem::DateInFuture));
            }
            if equivalency.date < details.graduation_date {
                errors.push(FieldError::new(F::EquivalencyDate.as_str(), FieldProblem::DateOrder));
            }
        }
        (None, true) => {}
    }
    errors
}

/// A GPA as written (`4.65`, `٤٫٦٥`, `87,5`).
pub fn gpa(input: &str) -> Option<f64> {
    let normal: String = normalize_digits(input.trim())
        .chars()
        .map(|c| if matches!(c, '٫' | ',') { '.' } else { c })
        .collect();
    let valid = !normal.is_empty()
        && normal.chars().all(|c| c.is_ascii_digit() || c == '.')
        && normal.matches('.').count() <= 1
        && !normal.starts_with('.')
        && !normal.ends_with('.');
    if valid { normal.parse().ok() } else { None }
}

/// The attached files: the certificate is there, names are plain, within count and size.
pub fn check_attachments(attachments: &[AttachmentRef], limits: &AttachmentLimits) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !attachments.iter().any(|a| a.role == AttachmentRole::Certificate) {
        errors.push(FieldError::new(F::Attachments.as_str(), FieldProblem::CertificateRequired));
    }
    if attachments.len() > limits.max_files as usize {
        errors.push(FieldError::with_limit(
            F::Attachments.as_str(),
            FieldProblem::TooManyFiles,
            limits.max_files as usize,
        ));
    }
    let total: u64 = attachments.iter().map(|a| a.size).sum();
    if total > limits.max_submission_bytes {
        errors.push(FieldError::with_limit(
            F::Attachments.as_str(),
            FieldProblem::SubmissionTooLarge,
            usize::try_from(limits.max_submission_bytes / (1024 * 1024)).unwrap_or(usize::MAX),
        ));
    }
    for (index, attachment) in attachments.iter().enumerate() {
        let field = F::attachment(index);
        let sha_ok = attachment.sha256.len() == 64
            && attachment.sha256.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !sha_ok || check_name(&attachment.name).is_err() || attachment.size > limits.max_file_bytes {
            errors.push(FieldError::new(&field, FieldProblem::FileNotAccepted));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    pub fn details() -> QualificationDetails {
        QualificationDetails {
            level: Level::Bachelor,
            major: "نظم المعلومات".into(),
            institution: "جامعة الملك سعود".into(),
            country: "SA".into(),
            study_mode: StudyMode::Regular,
            start_date: date("2012-09-01"),
            graduation_date: date("2016-06-15"),
            gpa: "4.65".into(),
            gpa_scale: GpaScale::Five,
            grade: Grade::Excellent,
            equivalency: None,
        }
    }

    fn certificate() -> AttachmentRef {
        AttachmentRef {
            sha256: "a".repeat(64),
            name: "شهادة.pdf".into(),
            kind: AttachmentKind::Pdf,
            size: 300_000,
            role: AttachmentRole::Certificate,
        }
    }

    fn problems(errors: &[FieldError]) -> Vec<(&str, FieldProblem)> {
        errors.iter().map(|e| (e.field.as_str(), e.problem)).collect()
    }

    const TODAY: &str = "2026-11-29";

    #[test]
    fn a_reason_is_trimmed_and_bounded() {
        assert_eq!(reason("  المستند غير واضح \n"), Some("المستند غير واضح"));
        assert_eq!(reason(" \t "), None);
        assert_eq!(reason(&"ب".repeat(MAX_REASON)).map(|r| r.chars().count()), Some(MAX_REASON));
        assert_eq!(reason(&"ب".repeat(MAX_REASON + 1)), None);
    }

    #[test]
    fn a_complete_local_degree_passes() {
        assert!(check_details(&details(), date(TODAY)).is_empty());
        assert!(check_attachments(&[certificate()], &AttachmentLimits::default()).is_empty());
    }

    #[test]
    fn dates_gpa_and_a_foreign_degree_without_equivalency_are_explained() {
        let mut wrong = details();
        wrong.graduation_date = date("2027-06-01");
        wrong.start_date = date("2028-01-01");
        wrong.gpa = "5.2".into();
        wrong.country = "GB".into();
        assert_eq!(
            problems(&check_details(&wrong, date(TODAY))),
            [
                ("graduationDate", FieldProblem::DateInFuture),
                ("graduationDate", FieldProblem::DateOrder),
                ("gpa", FieldProblem::GpaOutOfScale),
                ("equivalency.number", FieldProblem::EquivalencyRequired),
            ]
        );
        let mut abroad = details();
        abroad.country = "GB".into();
        abroad.equivalency = Some(Equivalency { number: "١٢٣٤٥".into(), date: date("2017-01-10") });
        assert!(check_details(&abroad, date(TODAY)).is_empty());
    }

    #[test]
    fn a_gpa_is_read_as_people_write_it() {
        assert_eq!(gpa("4.65"), Some(4.65));
        assert_eq!(gpa("٤٫٦٥"), Some(4.65));
        assert_eq!(gpa("87,5"), Some(87.5));
        for bad in ["", "4.6.5", ".5", "4.", "abc", "-3"] {
            assert_eq!(gpa(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_certificate_is_required_and_files_stay_within_the_limits() {
        let limits =
            AttachmentLimits { max_files: 2, max_submission_bytes: 500_000, ..AttachmentLimits::default() };
        let transcript = AttachmentRef { role: AttachmentRole::Transcript, ..certificate() };
        let hidden = AttachmentRef { name: "a\u{202E}fdp.exe".into(), ..certificate() };
        let errors = check_attachments(&[transcript.clone(), transcript, hidden], &limits);
        assert_eq!(
            problems(&errors),
            [
                ("attachments", FieldProblem::TooManyFiles),
                ("attachments", FieldProblem::SubmissionTooLarge),
                ("attachments.2", FieldProblem::FileNotAccepted),
            ]
        );
        let errors =
            check_attachments(&[AttachmentRef { role: AttachmentRole::Other, ..certificate() }], &limits);
        assert_eq!(problems(&errors), [("attachments", FieldProblem::CertificateRequired)]);
    }

    #[test]
    fn a_submission_without_the_current_terms_is_refused() {
        let submission = QualificationSubmission {
            id: "0".repeat(32),
            receipt: "Q-1".into(),
            details: details(),
            attachments: vec![certificate()],
            terms_version: "2019-01".into(),
            accepted_at: Utc::now(),
            updates: None,
        };
        let errors = check(&submission, &AttachmentLimits::default(), date(TODAY));
        assert_eq!(problems(&errors), [("terms", FieldProblem::TermsNotAccepted)]);
    }
}
