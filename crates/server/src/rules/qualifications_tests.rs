//! A submission's problems against the files this employee sent, and what HR's queue shows: tables
//! with the expected problems and answers written out.

use chrono::NaiveDate;
use masar_protocol::attachments::{AttachmentKind, AttachmentLimits};
use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{
    AttachmentRef, AttachmentRole, GpaScale, QualificationDetails, QualificationRecord, QualificationStatus,
    QualificationSubmission, TERMS_VERSION,
};
use masar_protocol::validate::FieldProblem;
use masar_protocol::{Grade, NationalId, PersonName, QualificationLevel, StudyMode};

use super::{problems, queue_state, shown};
use crate::rules::utc;
use crate::storage::Blob;

/// 1 December 2026, 00:00 UTC.
const NOW: i64 = 1_796_083_200_000;
const SHA: &str = "4d7a3b5e0c1f2a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b";

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn submission(id: &str) -> QualificationSubmission {
    QualificationSubmission {
        id: id.to_owned(),
        receipt: "20261201-0001".to_owned(),
        details: QualificationDetails {
            level: QualificationLevel::Bachelor,
            major: "نظم المعلومات".to_owned(),
            institution: "King Saud University".to_owned(),
            country: "SA".to_owned(),
            study_mode: StudyMode::Regular,
            start_date: date("2012-09-01"),
            graduation_date: date("2016-06-15"),
            gpa: "4.65".to_owned(),
            gpa_scale: GpaScale::Five,
            grade: Grade::Excellent,
            equivalency: None,
        },
        attachments: vec![AttachmentRef {
            sha256: SHA.to_owned(),
            name: "شهادة.pdf".to_owned(),
            kind: AttachmentKind::Pdf,
            size: 300_000,
            role: AttachmentRole::Certificate,
        }],
        terms_version: TERMS_VERSION.to_owned(),
        accepted_at: utc(NOW),
        updates: None,
    }
}

fn blob(size: u64, kind: AttachmentKind) -> Option<Blob> {
    Some(Blob { sha256: SHA.to_owned(), size, kind })
}

#[test]
fn a_submission_needs_its_id_and_each_file_sent_as_it_claims() {
    let good = "0123456789abcdef0123456789abcdef";
    let limits = AttachmentLimits::default();
    let not_uploaded = vec![("attachments.0".to_owned(), FieldProblem::FileNotUploaded)];
    let table = [
        (good, vec![blob(300_000, AttachmentKind::Pdf)], vec![]),
        (good, vec![None], not_uploaded.clone()),
        (good, vec![], not_uploaded.clone()),
        (good, vec![blob(299_999, AttachmentKind::Pdf)], not_uploaded.clone()),
        (good, vec![blob(300_000, AttachmentKind::Png)], not_uploaded),
        (
            "not-a-record-id",
            vec![blob(300_000, AttachmentKind::Pdf)],
            vec![("id".to_owned(), FieldProblem::Required)],
        ),
    ];
    for (id, sent, expected) in table {
        let found: Vec<(String, FieldProblem)> = problems(&submission(id), &limits, NOW, &sent)
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect();
        assert_eq!(found, expected, "{id} {sent:?}");
    }
}

#[test]
fn the_content_is_checked_on_the_servers_date() {
    let mut later = submission("0123456789abcdef0123456789abcdef");
    later.details.graduation_date = date("2026-12-02");
    let sent = [blob(300_000, AttachmentKind::Pdf)];
    let found: Vec<FieldProblem> =
        problems(&later, &AttachmentLimits::default(), NOW, &sent).into_iter().map(|e| e.problem).collect();
    assert_eq!(found, [FieldProblem::DateInFuture], "2 December is after the server's 1 December");
}

fn item() -> ReviewItem {
    let submitted = submission("0123456789abcdef0123456789abcdef");
    ReviewItem {
        national_id: NationalId::parse("1000000008").unwrap(),
        name_ar: PersonName {
            first: "منيرة".to_owned(),
            father: "سعد".to_owned(),
            grandfather: "عبدالله".to_owned(),
            family: "القحطاني".to_owned(),
        },
        entity: "وزارة المالية".to_owned(),
        qualification: QualificationRecord {
            id: submitted.id,
            receipt: submitted.receipt,
            transaction_number: "2026-000042".to_owned(),
            details: submitted.details,
            attachments: submitted.attachments,
            state: QualificationStatus::UnderReview,
            reason: None,
            submitted_at: utc(NOW),
            decided_at: None,
            terms_version: submitted.terms_version,
            updates: None,
        },
        version: 1,
        on_record: None,
    }
}

fn filter(level: Option<QualificationLevel>, query: Option<&str>) -> ReviewFilter {
    ReviewFilter { state: None, level, query: query.map(str::to_owned) }
}

#[test]
fn the_queue_shows_what_its_level_and_words_match() {
    let table = [
        (filter(None, None), true),
        (filter(Some(QualificationLevel::Bachelor), None), true),
        (filter(Some(QualificationLevel::Master), None), false),
        (filter(None, Some("   ")), true),
        (filter(None, Some("KING saud")), true),
        (filter(None, Some("القحطاني")), true),
        (filter(None, Some("2026-000042")), true),
        (filter(None, Some("1000000008")), true),
        (filter(None, Some("جامعة الدمام")), false),
        (filter(Some(QualificationLevel::Master), Some("king")), false),
    ];
    for (filter, expected) in table {
        assert_eq!(shown(&filter, &item()), expected, "{filter:?}");
    }
}

#[test]
fn the_queue_lists_those_under_review_unless_asked_otherwise() {
    assert_eq!(queue_state(&filter(None, None)), QualificationStatus::UnderReview);
    let rejected = ReviewFilter { state: Some(QualificationStatus::Rejected), ..filter(None, None) };
    assert_eq!(queue_state(&rejected), QualificationStatus::Rejected);
}
