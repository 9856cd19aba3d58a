//! Documenting a qualification against the real server on 127.0.0.1:0: the scans uploaded with
//! tus, the submission pushed through sync (exactly once), checked against the files this
//! employee really sent, HR's queue, the attachment opened, a rejection with its reason, an
//! amendment, a verification — and the employee pulling each outcome.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::Utc;
use common::{Person, TestServer, expect_error, pdf, person, push, sha256_hex};
use masar_protocol::attachments::AttachmentKind;
use masar_protocol::auth::Role;
use masar_protocol::hr::ReviewItem;
use masar_protocol::qualification::{
    AttachmentRef, AttachmentRole, GpaScale, Grade, QualificationDetails, QualificationRecord,
    QualificationStatus, QualificationSubmission, TERMS_VERSION,
};
use masar_protocol::sync::{Change, MutationBody, MutationOutcome};
use masar_protocol::validate::FieldProblem;
use masar_protocol::{ApiErrorCode, DemoAccount};
use reqwest::StatusCode;
use serde_json::json;

const QUALIFICATION: &str = "00112233445566778899aabbccddeeff";

fn details() -> QualificationDetails {
    common::master_s_degree()
}

fn submission(receipt: &str, file: &[u8]) -> QualificationSubmission {
    QualificationSubmission {
        id: QUALIFICATION.into(),
        receipt: receipt.into(),
        details: details(),
        attachments: vec![AttachmentRef {
            sha256: sha256_hex(file),
            name: "شهادة الماجستير.pdf".into(),
            kind: AttachmentKind::Pdf,
            size: file.len() as u64,
            role: AttachmentRole::Certificate,
        }],
        terms_version: TERMS_VERSION.into(),
        accepted_at: Utc::now(),
        updates: None,
    }
}

/// The employee's qualification as a pull from the start brings it.
async fn pulled(t: &TestServer, who: &Person) -> Option<(QualificationRecord, u64)> {
    let page = t.pull_all(&who.token).await;
    page.changes.into_iter().find_map(|change| match change {
        Change::Qualification { id, version, qualification, .. } if id == QUALIFICATION => {
            Some((*qualification, version))
        }
        _ => None,
    })
}

async fn queue(t: &TestServer, who: &Person, query: &str) -> reqwest::Response {
    t.http.get(t.url(&format!("/v1/hr/qualifications{query}"))).bearer_auth(&who.token).send().await.unwrap()
}

/// HR's decision, naming the version of the request the officer read.
/// The queue's items for the request this file's tests send (the demo's own requests aside).
async fn sent(queue: reqwest::Response) -> Vec<ReviewItem> {
    let items: Vec<ReviewItem> = queue.json().await.unwrap();
    items.into_iter().filter(|item| item.qualification.id == QUALIFICATION).collect()
}

/// The demo's qualifications under review are in HR's queue as updates of the record's ones,
/// for the officer's entity only, oldest first; deciding one changes the record.
#[tokio::test]
async fn the_demos_qualifications_under_review_are_in_hrs_queue() {
    let t = TestServer::start().await;
    let officer = person(&t, Role::HrOfficer).await;
    let items: Vec<ReviewItem> = queue(&t, &officer, "").await.json().await.unwrap();
    assert!(!items.is_empty(), "the demo's own requests wait for HR");
    let entity = &items[0].entity;
    for item in &items {
        let on_record = item.on_record.as_ref().unwrap();
        assert_eq!(item.qualification.updates.as_deref(), Some(on_record.id.as_str()));
        assert_eq!((on_record.status, &item.entity), (QualificationStatus::UnderReview, entity));
        assert_eq!(
            item.qualification.details,
            QualificationDetails::of_record(on_record),
            "as on the record"
        );
        assert_ne!(item.national_id, officer.account.national_id);
    }
    assert!(items.windows(2).all(|w| w[0].qualification.submitted_at <= w[1].qualification.submitted_at));
    let first = &items[0];
    let response = t
        .http
        .post(t.url(&format!("/v1/hr/qualifications/{}/decision", first.qualification.id)))
        .bearer_auth(&officer.token)
        .json(&json!({ "decision": "reject", "readVersion": first.version, "reason": "أرفق صورة الشهادة" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let record: masar_protocol::EmployeeRecord = t
        .http
        .get(t.url(&format!("/v1/hr/employees/{}/record", first.national_id)))
        .bearer_auth(&officer.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let on_record =
        record.qualifications.iter().find(|q| Some(&q.id) == first.qualification.updates.as_ref()).unwrap();
    assert_eq!(
        (on_record.status, on_record.rejection_reason.as_deref()),
        (QualificationStatus::Rejected, Some("أرفق صورة الشهادة"))
    );
}

async fn decide(
    t: &TestServer,
    who: &Person,
    read: u64,
    mut decision: serde_json::Value,
) -> reqwest::Response {
    decision["readVersion"] = json!(read);
    t.http
        .post(t.url(&format!("/v1/hr/qualifications/{QUALIFICATION}/decision")))
        .bearer_auth(&who.token)
        .json(&decision)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_qualification_goes_from_submission_through_rejection_and_amendment_to_verified() {
    let t = TestServer::start().await;
    let employee = person(&t, Role::Employee).await;
    let officer = person(&t, Role::HrOfficer).await;
    let certificate = pdf(80_000, "MASTER-CERTIFICATE");

    // Pushed before the file is uploaded: refused, and the result says which file is missing.
    let early =
        push(&t, &employee, 1, MutationBody::SubmitQualification(Box::new(submission("L-1", &certificate))))
            .await;
    let MutationOutcome::Rejected { errors } = early else { panic!("{early:?}") };
    assert_eq!(
        (errors[0].field.as_str(), errors[0].problem),
        ("attachments.0", FieldProblem::FileNotUploaded)
    );

    assert_eq!(
        t.upload(&employee.token, &certificate, "شهادة الماجستير.pdf").await.status(),
        StatusCode::NO_CONTENT
    );
    let body = MutationBody::SubmitQualification(Box::new(submission("L-2", &certificate)));
    assert_eq!(push(&t, &employee, 2, body.clone()).await, MutationOutcome::Applied { version: 1 });
    // The answer was lost and the same push comes again: the stored result, nothing twice.
    assert_eq!(push(&t, &employee, 2, body).await, MutationOutcome::Applied { version: 1 });
    let (submitted, version) = pulled(&t, &employee).await.unwrap();
    assert_eq!(
        (submitted.state, version, submitted.receipt.as_str()),
        (QualificationStatus::UnderReview, 1, "L-2")
    );
    let number = submitted.transaction_number.clone();
    assert!(number.starts_with("2026-"), "{number}");

    // HR's queue: an employee may not see it; the officer finds it by the employee's name.
    expect_error(queue(&t, &employee, "").await, StatusCode::FORBIDDEN, ApiErrorCode::Forbidden).await;
    let family = &employee.account.name_ar.family;
    let items = sent(queue(&t, &officer, &format!("?query={family}")).await).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].national_id, employee.account.national_id);
    let sha = &items[0].qualification.attachments[0].sha256;
    let opened = t
        .http
        .get(t.url(&format!("/v1/hr/attachments/{sha}")))
        .bearer_auth(&officer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(opened.headers()["content-type"], "application/pdf");
    assert_eq!(opened.bytes().await.unwrap(), certificate);
    let none: Vec<ReviewItem> = queue(&t, &officer, "?level=doctorate").await.json().await.unwrap();
    assert!(none.is_empty());

    // A rejection needs its reason; then the employee sees it.
    let bare = decide(&t, &officer, 1, json!({ "decision": "reject", "reason": "  " })).await;
    expect_error(bare, StatusCode::BAD_REQUEST, ApiErrorCode::ReasonRequired).await;
    let reason = "صورة الشهادة غير واضحة، أرفق نسخة أوضح.";
    let rejected = decide(&t, &officer, 1, json!({ "decision": "reject", "reason": reason })).await;
    assert_eq!(rejected.status(), StatusCode::OK);
    let again = decide(&t, &officer, 2, json!({ "decision": "verify" })).await;
    expect_error(again, StatusCode::CONFLICT, ApiErrorCode::AlreadyDecided).await;
    let (seen, version) = pulled(&t, &employee).await.unwrap();
    assert_eq!(
        (seen.state, seen.reason.as_deref(), version),
        (QualificationStatus::Rejected, Some(reason), 2)
    );

    // Amended with a clearer scan: under review again, the same transaction number.
    let clearer = pdf(120_000, "CLEARER-SCAN");
    assert_eq!(t.upload(&employee.token, &clearer, "scan.pdf").await.status(), StatusCode::NO_CONTENT);
    let amended = MutationBody::SubmitQualification(Box::new(submission("L-3", &clearer)));
    assert_eq!(push(&t, &employee, 3, amended).await, MutationOutcome::Applied { version: 3 });
    let (resubmitted, _) = pulled(&t, &employee).await.unwrap();
    assert_eq!(
        (resubmitted.state, resubmitted.reason, resubmitted.transaction_number),
        (QualificationStatus::UnderReview, None, number)
    );

    let verified = decide(&t, &officer, 3, json!({ "decision": "verify" })).await;
    let verified: QualificationRecord = verified.json().await.unwrap();
    assert_eq!(verified.state, QualificationStatus::Verified);
    let (seen, version) = pulled(&t, &employee).await.unwrap();
    assert_eq!((seen.state, version), (QualificationStatus::Verified, 4));

    // Verified is final: the same request sent again changes nothing (a change is a new request).
    let after = MutationBody::SubmitQualification(Box::new(submission("L-4", &clearer)));
    let MutationOutcome::Rejected { errors } = push(&t, &employee, 4, after).await else {
        panic!("accepted")
    };
    assert_eq!((errors[0].field.as_str(), errors[0].problem), ("id", FieldProblem::AlreadyVerified));
    let (kept, version) = pulled(&t, &employee).await.unwrap();
    assert_eq!((kept.state, kept.receipt.as_str(), version), (QualificationStatus::Verified, "L-3", 4));
}

/// The officer decides the version they read: an employee who changes the request (or its files)
/// after HR opened it does not have the new content decided unseen.
#[tokio::test]
async fn a_request_changed_after_the_officer_read_it_is_not_decided_unseen() {
    let t = TestServer::start().await;
    let (employee, officer) = (person(&t, Role::Employee).await, person(&t, Role::HrOfficer).await);
    let first = pdf(30_000, "THE SCAN HR OPENED");
    assert_eq!(t.upload(&employee.token, &first, "a.pdf").await.status(), StatusCode::NO_CONTENT);
    let body = MutationBody::SubmitQualification(Box::new(submission("L-1", &first)));
    assert_eq!(push(&t, &employee, 1, body).await, MutationOutcome::Applied { version: 1 });
    let read = sent(queue(&t, &officer, "").await).await;
    assert_eq!((read.len(), read[0].version), (1, 1));

    // While the officer looks at version 1, the employee swaps the scan: version 2.
    let swapped = pdf(31_000, "ANOTHER SCAN");
    assert_eq!(t.upload(&employee.token, &swapped, "b.pdf").await.status(), StatusCode::NO_CONTENT);
    let body = MutationBody::SubmitQualification(Box::new(submission("L-2", &swapped)));
    assert_eq!(push(&t, &employee, 2, body).await, MutationOutcome::Applied { version: 2 });

    for decision in [json!({ "decision": "verify" }), json!({ "decision": "reject", "reason": "غير واضحة" })]
    {
        let stale = decide(&t, &officer, 1, decision).await;
        let error = expect_error(stale, StatusCode::CONFLICT, ApiErrorCode::ChangedSinceRead).await;
        assert_eq!(error.current_version, Some(2));
        assert!(error.message.contains("النسخة الحالية"), "{}", error.message);
    }
    let (kept, version) = pulled(&t, &employee).await.unwrap();
    assert_eq!((kept.state, version), (QualificationStatus::UnderReview, 2), "nothing decided");

    // Read again: the queue shows version 2 with the new scan, and deciding it works.
    let reread = sent(queue(&t, &officer, "").await).await;
    assert_eq!(reread[0].version, 2);
    assert_eq!(reread[0].qualification.attachments[0].sha256, sha256_hex(&swapped));
    let verified = decide(&t, &officer, 2, json!({ "decision": "verify" })).await;
    assert_eq!(verified.status(), StatusCode::OK);
    let (seen, _) = pulled(&t, &employee).await.unwrap();
    assert_eq!(
        (seen.state, seen.attachments[0].sha256.clone()),
        (QualificationStatus::Verified, sha256_hex(&swapped))
    );

    // A body without the version read is not a decision.
    let unversioned = t
        .http
        .post(t.url(&format!("/v1/hr/qualifications/{QUALIFICATION}/decision")))
        .bearer_auth(&officer.token)
        .json(&json!({ "decision": "verify" }))
        .send()
        .await
        .unwrap();
    assert!(unversioned.status().is_client_error(), "{}", unversioned.status());
}

async fn record_of(t: &TestServer, who: &Person) -> masar_protocol::EmployeeRecord {
    let response = t.http.get(t.url("/v1/me/record")).bearer_auth(&who.token).send().await.unwrap();
    response.error_for_status().unwrap().json().await.unwrap()
}

/// تحديث المؤهل: a request names a qualification on the record; HR sees the record's one beside
/// it, and verifying it changes the record (a rejection would leave a verified one as it was).
#[tokio::test]
async fn an_update_of_a_qualification_on_the_record_changes_the_record_once_verified() {
    let t = TestServer::start().await;
    let (employee, officer) = (person(&t, Role::Employee).await, person(&t, Role::HrOfficer).await);
    let before = record_of(&t, &employee).await;
    let on_record = before.qualifications.iter().find(|q| q.status == QualificationStatus::Verified).unwrap();
    let scan = pdf(40_000, "THE CORRECTED CERTIFICATE");
    assert_eq!(t.upload(&employee.token, &scan, "corrected.pdf").await.status(), StatusCode::NO_CONTENT);
    let details = QualificationDetails {
        gpa: "4.8".into(),
        gpa_scale: GpaScale::Five,
        grade: Grade::Excellent,
        ..QualificationDetails::of_record(on_record)
    };
    let update = QualificationSubmission {
        details: details.clone(),
        updates: Some(on_record.id.clone()),
        ..submission("L-1", &scan)
    };

    // Naming a qualification that is not on this employee's record is refused at `updates`.
    let stranger = QualificationSubmission { updates: Some("Q999".into()), ..update.clone() };
    let refused = push(&t, &employee, 1, MutationBody::SubmitQualification(Box::new(stranger))).await;
    let MutationOutcome::Rejected { errors } = refused else { panic!("{refused:?}") };
    assert_eq!((errors[0].field.as_str(), errors[0].problem), ("updates", FieldProblem::NotOnRecord));

    let sent = push(&t, &employee, 2, MutationBody::SubmitQualification(Box::new(update))).await;
    assert_eq!(sent, MutationOutcome::Applied { version: 1 });
    let items: Vec<ReviewItem> = queue(&t, &officer, "").await.json().await.unwrap();
    let item = items.iter().find(|i| i.qualification.id == QUALIFICATION).unwrap();
    assert_eq!(item.qualification.updates.as_deref(), Some(on_record.id.as_str()));
    assert_eq!(item.on_record.as_ref(), Some(on_record), "HR compares with the record as it is");
    assert_eq!(record_of(&t, &employee).await.qualifications, before.qualifications, "nothing before HR");

    let verified = decide(&t, &officer, 1, json!({ "decision": "verify" })).await;
    assert_eq!(verified.status(), StatusCode::OK);
    let after = record_of(&t, &employee).await;
    let changed = after.qualifications.iter().find(|q| q.id == on_record.id).unwrap();
    assert_eq!(
        (changed.gpa, changed.grade, changed.status),
        (4.8, Grade::Excellent, QualificationStatus::Verified)
    );
    assert_eq!(changed.major, on_record.major);
    assert_eq!(after.qualifications.len(), before.qualifications.len(), "updated in place, not added");
}

/// An officer decides only the requests of their own entity's employees, and never their own:
/// neither is in their queue, and a decision sent anyway is refused with the reason.
#[tokio::test]
async fn hr_decides_only_its_entitys_requests_and_never_its_own() {
    let t = TestServer::start().await;
    let officer = person(&t, Role::HrOfficer).await;
    let certificate = pdf(30_000, "THE OFFICER'S OWN");
    assert_eq!(t.upload(&officer.token, &certificate, "own.pdf").await.status(), StatusCode::NO_CONTENT);
    let own = MutationBody::SubmitQualification(Box::new(submission("L-1", &certificate)));
    assert_eq!(push(&t, &officer, 1, own).await, MutationOutcome::Applied { version: 1 });
    let items: Vec<ReviewItem> = queue(&t, &officer, "").await.json().await.unwrap();
    assert!(items.iter().all(|i| i.national_id != officer.account.national_id), "not in their own queue");
    let refused = decide(&t, &officer, 1, json!({ "decision": "verify" })).await;
    let body = expect_error(refused, StatusCode::FORBIDDEN, ApiErrorCode::OwnRecord).await;
    assert!(body.message.contains("موظف موارد بشرية آخر"), "{}", body.message);
    assert_eq!(pulled(&t, &officer).await.unwrap().0.state, QualificationStatus::UnderReview);
}

#[tokio::test]
async fn a_request_of_another_entitys_employee_is_not_the_officers_to_decide() {
    let t = TestServer::start().await;
    let (employee, officer) = (person(&t, Role::Employee).await, person(&t, Role::HrOfficer).await);
    let certificate = pdf(30_000, "ANOTHER ENTITY");
    assert_eq!(t.upload(&employee.token, &certificate, "c.pdf").await.status(), StatusCode::NO_CONTENT);
    let body = MutationBody::SubmitQualification(Box::new(submission("L-1", &certificate)));
    assert_eq!(push(&t, &employee, 1, body).await, MutationOutcome::Applied { version: 1 });
    let items = sent(queue(&t, &officer, "").await).await;
    assert_eq!(items.len(), 1, "their colleague's request is in the queue");
    // The employee moves to another entity: their requests are that entity's HR's now.
    let elsewhere = common::another_entity(&items[0].entity);
    let moved = t
        .http
        .put(t.url(&format!("/v1/hr/employees/{}/employment", employee.account.national_id)))
        .bearer_auth(&officer.token)
        .json(&json!({ "baseVersion": 1, "entity": elsewhere, "jobTitle": "محلل مالي", "reason": "قرار إداري" }))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    let items = sent(queue(&t, &officer, "").await).await;
    assert!(items.is_empty(), "{items:?}");
    let refused = decide(&t, &officer, 1, json!({ "decision": "verify" })).await;
    expect_error(refused, StatusCode::FORBIDDEN, ApiErrorCode::OtherEntity).await;
    // Nor are the request's documents the officer's to open any more.
    let document = t
        .http
        .get(t.url(&format!("/v1/hr/attachments/{}", sha256_hex(&certificate))))
        .bearer_auth(&officer.token)
        .send()
        .await
        .unwrap();
    expect_error(document, StatusCode::FORBIDDEN, ApiErrorCode::OtherEntity).await;
}

#[tokio::test]
async fn a_file_another_employee_sent_does_not_count_for_this_one() {
    let t = TestServer::start().await;
    let accounts = t.accounts().await;
    let others: Vec<&DemoAccount> = accounts.iter().filter(|a| a.role == Role::Employee).take(2).collect();
    let mut people = Vec::new();
    for account in others {
        let token = t.sign_in(account).await.access_token.expose().to_owned();
        people.push(Person { account: account.clone(), token });
    }
    let certificate = pdf(10_000, "someone else's");
    assert_eq!(t.upload(&people[0].token, &certificate, "a.pdf").await.status(), StatusCode::NO_CONTENT);
    let body = MutationBody::SubmitQualification(Box::new(submission("L-9", &certificate)));
    let outcome = push(&t, &people[1], 1, body).await;
    let MutationOutcome::Rejected { errors } = outcome else { panic!("{outcome:?}") };
    assert_eq!(errors[0].problem, FieldProblem::FileNotUploaded);
    // And HR cannot open a file no qualification attaches.
    let officer = person(&t, Role::HrOfficer).await;
    let sha = sha256_hex(&certificate);
    let response = t
        .http
        .get(t.url(&format!("/v1/hr/attachments/{sha}")))
        .bearer_auth(&officer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// A qualification's id belongs to the employee who sent it first: another employee sending a
/// submission under the same id (with their own files) is answered `IdReused`, and the owner's
/// request is unchanged.
#[tokio::test]
async fn another_employee_cannot_take_over_a_qualifications_id() {
    let t = TestServer::start().await;
    let accounts = t.accounts().await;
    let mut people = Vec::new();
    for account in accounts.iter().filter(|a| a.role == Role::Employee).take(2) {
        let token = t.sign_in(account).await.access_token.expose().to_owned();
        people.push(Person { account: account.clone(), token });
    }
    let (owner, other) = (&people[0], &people[1]);
    let theirs = pdf(10_000, "the owner's certificate");
    assert_eq!(t.upload(&owner.token, &theirs, "a.pdf").await.status(), StatusCode::NO_CONTENT);
    let sent =
        push(&t, owner, 1, MutationBody::SubmitQualification(Box::new(submission("L-1", &theirs)))).await;
    assert_eq!(sent, MutationOutcome::Applied { version: 1 });

    let mine = pdf(12_000, "another employee's certificate");
    assert_eq!(t.upload(&other.token, &mine, "b.pdf").await.status(), StatusCode::NO_CONTENT);
    let taken =
        push(&t, other, 1, MutationBody::SubmitQualification(Box::new(submission("L-2", &mine)))).await;
    assert_eq!(taken, MutationOutcome::IdReused);
    let (kept, version) = pulled(&t, owner).await.unwrap();
    assert_eq!((kept.receipt.as_str(), version), ("L-1", 1), "the owner's request is as sent");
    assert!(pulled(&t, other).await.is_none(), "nothing stored for the other employee");
}
