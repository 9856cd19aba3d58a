//! Per-employee upload quotas and the collector, against the real server on 127.0.0.1:0 (on
//! SQLite, or PostgreSQL with `MASAR_TEST_STORE=postgres`): unfinished uploads together and the
//! bytes of a rolling day are capped, announced with the limits, refused with 429 and a message;
//! expired uploads, and blobs no qualification attaches, go after their time; used ones stay.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{Person, TestServer, pdf, person, push, sha256_hex, tus_metadata};
use masar_protocol::attachments::{AttachmentKind, AttachmentLimits};
use masar_protocol::auth::Role;
use masar_protocol::qualification::{AttachmentRef, AttachmentRole, QualificationSubmission, TERMS_VERSION};
use masar_protocol::sync::{MutationBody, MutationOutcome};
use masar_protocol::{ApiErrorBody, ApiErrorCode};
use reqwest::StatusCode;

const SIZE: usize = 64 * 1024;

/// tus creation of a file of `bytes`, without sending them.
async fn create(t: &TestServer, who: &Person, bytes: &[u8]) -> reqwest::Response {
    t.http
        .post(t.url("/v1/uploads"))
        .bearer_auth(&who.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", bytes.len().to_string())
        .header("Upload-Metadata", tus_metadata("شهادة.pdf", &sha256_hex(bytes)))
        .send()
        .await
        .unwrap()
}

async fn refused_for_quota(response: reqwest::Response) -> (Option<String>, String) {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    let body: ApiErrorBody = response.json().await.unwrap();
    assert_eq!(body.code, ApiErrorCode::UploadQuota);
    (retry_after, body.message)
}

/// Signed in again (the clock moved past the access token's life).
async fn again(t: &TestServer, who: Person) -> Person {
    let token = t.sign_in(&who.account).await.access_token.expose().to_owned();
    Person { token, ..who }
}

/// Distinct files of `SIZE` bytes.
fn file(n: u8) -> Vec<u8> {
    pdf(SIZE, &format!("file {n}"))
}

#[tokio::test]
async fn unfinished_uploads_together_are_capped_and_room_comes_as_they_finish() {
    let t = TestServer::start_with(|c| {
        c.attachment_limits.max_in_flight_bytes = (SIZE * 5 / 2) as u64;
        c.attachment_limits.max_daily_bytes = (SIZE * 100) as u64;
    })
    .await;
    let employee = person(&t, Role::Employee).await;
    let limits: AttachmentLimits = t.get_json("/v1/attachments/limits", &employee.token).await;
    assert_eq!(
        (limits.max_in_flight_bytes, limits.max_daily_bytes),
        ((SIZE * 5 / 2) as u64, (SIZE * 100) as u64)
    );

    let first = create(&t, &employee, &file(1)).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(create(&t, &employee, &file(2)).await.status(), StatusCode::CREATED);
    let (retry_after, message) = refused_for_quota(create(&t, &employee, &file(3)).await).await;
    assert_eq!(retry_after, None, "room comes as uploads finish, not at a time");
    assert!(message.contains("قيد الرفع"), "{message}");

    // Another employee's quota is their own.
    let other = t.accounts().await.into_iter().filter(|a| a.role == Role::Employee).nth(1).unwrap();
    let other = Person { token: t.sign_in(&other).await.access_token.expose().to_owned(), account: other };
    assert_eq!(create(&t, &other, &file(4)).await.status(), StatusCode::CREATED);

    // The first upload finishes: it no longer counts.
    let location = first.headers()["location"].to_str().unwrap().to_owned();
    let sent = t
        .http
        .patch(t.url(&location))
        .bearer_auth(&employee.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "0")
        .body(file(1))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::NO_CONTENT);
    assert_eq!(create(&t, &employee, &file(3)).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_day_s_uploads_are_capped_until_the_oldest_leaves_the_day() {
    let t = TestServer::start_with(|c| c.attachment_limits.max_daily_bytes = (SIZE * 5 / 2) as u64).await;
    let mut employee = person(&t, Role::Employee).await;
    for n in 1..=2 {
        assert_eq!(t.upload(&employee.token, &file(n), "شهادة.pdf").await.status(), StatusCode::NO_CONTENT);
        t.advance(60 * 60);
        employee = again(&t, employee).await;
    }
    let (retry_after, message) = refused_for_quota(create(&t, &employee, &file(3)).await).await;
    // The first upload started two hours ago: it leaves the day in 22 hours.
    assert_eq!(retry_after.as_deref(), Some("79200"));
    assert!(message.contains("خلال 24 ساعة") && message.contains("1320 دقيقة"), "{message}");
    t.advance(22 * 60 * 60);
    let employee = again(&t, employee).await;
    assert_eq!(create(&t, &employee, &file(3)).await.status(), StatusCode::CREATED);
}

fn submission(id: &str, file: &[u8]) -> QualificationSubmission {
    QualificationSubmission {
        id: id.into(),
        receipt: "L-1".into(),
        details: common::master_s_degree(),
        attachments: vec![AttachmentRef {
            sha256: sha256_hex(file),
            name: "شهادة.pdf".into(),
            kind: AttachmentKind::Pdf,
            size: file.len() as u64,
            role: AttachmentRole::Certificate,
        }],
        terms_version: TERMS_VERSION.into(),
        accepted_at: Utc::now(),
        updates: None,
    }
}

fn blob_file(t: &TestServer, bytes: &[u8]) -> PathBuf {
    let sha256 = sha256_hex(bytes);
    t.dir.path().join("blobs").join("sha256").join(&sha256[..2]).join(sha256)
}

#[tokio::test]
async fn the_collector_removes_what_nothing_uses_after_its_time_and_keeps_what_a_request_attaches() {
    let t = TestServer::start_with(|c| {
        c.blob_grace = Duration::from_secs(7 * 24 * 60 * 60);
        c.collect_every = Duration::from_millis(50);
    })
    .await;
    let employee = person(&t, Role::Employee).await;
    let (used, unused) = (file(1), file(2));
    for bytes in [&used, &unused] {
        assert_eq!(t.upload(&employee.token, bytes, "شهادة.pdf").await.status(), StatusCode::NO_CONTENT);
    }
    let outcome = push(
        &t,
        &employee,
        1,
        MutationBody::SubmitQualification(Box::new(submission("0123456789abcdef0123456789abcdef", &used))),
    )
    .await;
    assert!(matches!(outcome, MutationOutcome::Applied { .. }), "{outcome:?}");
    // An upload started and left.
    assert_eq!(create(&t, &employee, &file(3)).await.status(), StatusCode::CREATED);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(blob_file(&t, &unused).exists(), "within its grace the unused blob stays");
    assert_eq!(t.count("SELECT count(*) FROM uploads WHERE upload_offset < length").await, 1);

    t.advance(8 * 24 * 60 * 60);
    let waited = Instant::now();
    while blob_file(&t, &unused).exists() {
        assert!(waited.elapsed() < Duration::from_secs(20), "the unused blob was never collected");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(blob_file(&t, &used).exists(), "the attached blob stays");
    let unused_sha = sha256_hex(&unused);
    assert_eq!(t.count(&format!("SELECT count(*) FROM blobs WHERE sha256 = '{unused_sha}'")).await, 0);
    assert_eq!(t.count(&format!("SELECT count(*) FROM blob_owners WHERE sha256 = '{unused_sha}'")).await, 0);
    assert_eq!(t.count("SELECT count(*) FROM blobs").await, 1);
    while t.count("SELECT count(*) FROM uploads WHERE upload_offset < length").await > 0 {
        assert!(waited.elapsed() < Duration::from_secs(20), "the expired upload stayed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(t.count("SELECT count(*) FROM upload_history").await, 0, "out of the day's window");

    // HR still opens the attached scan; the unused one is gone for its owner too, so a request
    // naming it now is refused until it is sent again.
    let employee = again(&t, employee).await;
    let naming_it = submission("fedcba9876543210fedcba9876543210", &unused);
    let refused = push(&t, &employee, 2, MutationBody::SubmitQualification(Box::new(naming_it))).await;
    assert!(matches!(refused, MutationOutcome::Rejected { .. }), "{refused:?}");
    assert!(format!("{refused:?}").contains("attachments"), "refused for its attachment: {refused:?}");
}
