//! HR's decision on a qualification, and what a decision on an update does to the record.
use super::*;
use QualificationStatus::{Rejected, UnderReview, Verified};
use masar_protocol::qualification::{Grade, Level, StudyMode};

const READ: u64 = 3;

fn verify() -> Decision {
    Decision::Verify { read_version: READ }
}

fn reject(reason: &str) -> Decision {
    Decision::Reject { read_version: READ, reason: reason.to_owned() }
}

#[test]
fn only_a_qualification_under_review_is_decided_and_a_rejection_needs_its_reason() {
    let long = "س".repeat(501);
    let longest = "س".repeat(500);
    let table = [
        (UnderReview, verify(), Verdict::Set { state: Verified, reason: None }),
        (
            UnderReview,
            reject("  الشهادة غير مصدقة  "),
            Verdict::Set { state: Rejected, reason: Some("الشهادة غير مصدقة".to_owned()) },
        ),
        (UnderReview, reject(&longest), Verdict::Set { state: Rejected, reason: Some(longest.clone()) }),
        (UnderReview, reject("   "), Verdict::ReasonRequired),
        (UnderReview, reject(""), Verdict::ReasonRequired),
        (UnderReview, reject(&long), Verdict::ReasonRequired),
        (Verified, verify(), Verdict::AlreadyDecided),
        (Rejected, reject("مرة أخرى"), Verdict::AlreadyDecided),
        (Verified, reject(""), Verdict::AlreadyDecided),
    ];
    for (state, decision, expected) in table {
        assert_eq!(verdict(state, READ, &decision), expected, "{state:?} {decision:?}");
    }
}

#[test]
fn a_decision_on_a_version_the_officer_did_not_read_is_not_made() {
    // The employee sent version 4 after the officer opened version 3: neither verified nor
    // rejected, whatever the reason; the answer names the version that stands.
    for decision in [verify(), reject("الشهادة غير مصدقة"), reject("")] {
        assert_eq!(
            verdict(UnderReview, READ + 1, &decision),
            Verdict::ChangedSinceRead { current: READ + 1 }
        );
    }
    // An older version than the one read cannot be current either.
    assert_eq!(verdict(UnderReview, READ - 1, &verify()), Verdict::ChangedSinceRead { current: READ - 1 });
    // Decided meanwhile: that is the answer, not the version.
    assert_eq!(verdict(Verified, READ + 1, &verify()), Verdict::AlreadyDecided);
}

fn on_record(status: QualificationStatus) -> Qualification {
    Qualification {
        id: "Q301".to_owned(),
        level: Level::Master,
        major: "المحاسبة".to_owned(),
        institution: "جامعة الملك سعود".to_owned(),
        country: "SA".to_owned(),
        study_mode: StudyMode::Affiliation,
        start_date: chrono::NaiveDate::from_ymd_opt(2015, 9, 1).unwrap_or_default(),
        graduation_date: chrono::NaiveDate::from_ymd_opt(2017, 6, 30).unwrap_or_default(),
        gpa: 4.1,
        gpa_scale: 5,
        grade: Grade::VeryGood,
        equivalency: None,
        status,
        rejection_reason: None,
    }
}

#[test]
fn a_decision_on_an_update_changes_the_record_only_as_it_should() {
    let before = on_record(Verified);
    let request = qualification::QualificationDetails {
        gpa: "4.75".to_owned(),
        grade: Grade::Excellent,
        institution: "جامعة الملك سعود بالرياض".to_owned(),
        ..qualification::QualificationDetails::of_record(&before)
    };
    // Verified: the record takes the request's details, under its own id.
    let after = record_after(Verified, None, &request, &before).unwrap_or_else(|| unreachable!("changed"));
    assert_eq!(
        (after.id.as_str(), after.gpa, after.grade, after.status),
        ("Q301", 4.75, Grade::Excellent, Verified)
    );
    assert_eq!(after.institution, "جامعة الملك سعود بالرياض");
    // Rejected: a verified qualification on the record stays as it was.
    assert_eq!(record_after(Rejected, Some("غير واضحة"), &request, &before), None);
    // Rejected: one on the record still waiting for review is rejected with the reason.
    let waiting = on_record(UnderReview);
    let rejected =
        record_after(Rejected, Some("غير واضحة"), &request, &waiting).unwrap_or_else(|| unreachable!());
    assert_eq!(
        (rejected.status, rejected.rejection_reason.as_deref(), rejected.gpa),
        (Rejected, Some("غير واضحة"), 4.1)
    );
    // A later verification clears the reason.
    let fixed = record_after(Verified, None, &request, &rejected).unwrap_or_else(|| unreachable!());
    assert_eq!((fixed.status, fixed.rejection_reason), (Verified, None));
}

#[test]
fn a_record_qualification_reads_into_the_form_and_back_unchanged() {
    let before = on_record(Verified);
    let details = qualification::QualificationDetails::of_record(&before);
    assert_eq!((details.gpa.as_str(), details.gpa_scale), ("4.1", qualification::GpaScale::Five));
    assert_eq!(details.onto_record(&before), before);
}
