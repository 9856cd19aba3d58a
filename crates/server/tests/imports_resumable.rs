//! A sealed export sent as a resumable (tus) upload against the real server on 127.0.0.1:0: the
//! link drops halfway, HEAD says where it stands, the rest follows, and the import names the
//! upload; its bytes are read once and removed. A file that does not begin as a sealed export is
//! refused at its first bytes, and an attachment's upload cannot be imported.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use base64::Engine;
use common::sealed::{Workstation, mobile, requests, sealed, unsent};
use common::{TestServer, pdf, person, sha256_hex};
use masar_protocol::auth::Role;
use masar_protocol::imports::{ImportOutcome, ImportProblem, ImportReport};
use masar_protocol::{ApiErrorBody, ApiErrorCode};
use reqwest::StatusCode;

/// tus creation of an import's upload (at `/v1/imports/uploads/`, the trailing slash as tus
/// clients are often given it); its `Location`.
async fn create(t: &TestServer, token: &str, length: usize) -> String {
    let response = t
        .http
        .post(t.url("/v1/imports/uploads/"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", length.to_string())
        .header(
            "Upload-Metadata",
            format!("filename {}", base64::engine::general_purpose::STANDARD.encode("نقل.masar")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["tus-resumable"], "1.0.0");
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn patch(
    t: &TestServer,
    token: &str,
    location: &str,
    offset: usize,
    bytes: &[u8],
) -> reqwest::Response {
    t.http
        .patch(t.url(location))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", offset.to_string())
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

async fn offset(t: &TestServer, token: &str, location: &str) -> usize {
    let response = t
        .http
        .head(t.url(location))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.headers()["upload-offset"].to_str().unwrap().parse().unwrap()
}

async fn import_upload(t: &TestServer, path: &str, token: &str, location: &str) -> reqwest::Response {
    let id = location.rsplit('/').next().unwrap();
    t.http.post(t.url(&format!("{path}?upload={id}"))).bearer_auth(token).send().await.unwrap()
}

#[tokio::test]
async fn an_export_sent_in_two_goes_over_a_dropped_link_is_imported_once() {
    let t = TestServer::start().await;
    let employee = person(&t, Role::Employee).await;
    let a = Workstation::new(0x21);
    a.register(&t, &employee).await;
    let work = unsent(&t, &employee).await;
    let file = sealed(&t, &employee, &a, &work, t.clock_now()).await;
    let before = requests(&t, &employee).await;

    let location = create(&t, &employee.token, file.len()).await;
    assert!(location.starts_with("/v1/uploads/"), "{location}");
    let half = file.len() / 2;
    assert_eq!(
        patch(&t, &employee.token, &location, 0, &file[..half]).await.status(),
        StatusCode::NO_CONTENT
    );
    // The link dropped here: the workstation asks where the upload stands.
    assert_eq!(offset(&t, &employee.token, &location).await, half);
    // Not whole yet: nothing is imported.
    let early = import_upload(&t, "/v1/imports", &employee.token, &location).await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert_eq!(requests(&t, &employee).await, before);

    let rest = patch(&t, &employee.token, &location, half, &file[half..]).await;
    assert_eq!(rest.status(), StatusCode::NO_CONTENT);
    let response = import_upload(&t, "/v1/imports", &employee.token, &location).await;
    assert_eq!(response.status(), StatusCode::OK);
    let report: ImportReport = response.json().await.unwrap();
    assert_eq!(report.files, 1);
    assert!(report.items.iter().all(|item| item.outcome == ImportOutcome::Applied && !item.already_applied));
    assert_eq!(mobile(&t, &employee).await, "+966555123987");
    assert_eq!(requests(&t, &employee).await, before + 1);

    // Read once: the upload is gone, and the daily quota of attachments was not touched by it.
    let id = location.rsplit('/').next().unwrap();
    assert_eq!(t.count(&format!("SELECT count(*) FROM uploads WHERE id = '{id}'")).await, 0);
    let again = import_upload(&t, "/v1/imports", &employee.token, &location).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_upload_that_is_no_sealed_export_or_another_persons_is_not_imported() {
    let t = TestServer::start().await;
    let employee = person(&t, Role::Employee).await;
    let officer = person(&t, Role::HrOfficer).await;

    // A PDF sent as an export: refused at its first bytes, the upload gone.
    let scan = pdf(30_000, "not sealed");
    let location = create(&t, &employee.token, scan.len()).await;
    let response = patch(&t, &employee.token, &location, 0, &scan).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: ApiErrorBody = response.json().await.unwrap();
    assert_eq!(body.import_problem, Some(ImportProblem::NotSealed), "{}", body.message);
    let id = location.rsplit('/').next().unwrap().to_owned();
    assert_eq!(t.count(&format!("SELECT count(*) FROM uploads WHERE id = '{id}'")).await, 0);

    // An attachment's upload (a blob to be) cannot be imported.
    let response = t
        .http
        .post(t.url("/v1/uploads"))
        .bearer_auth(&employee.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", scan.len().to_string())
        .header(
            "Upload-Metadata",
            format!(
                "filename {},sha256 {}",
                base64::engine::general_purpose::STANDARD.encode("scan.pdf"),
                base64::engine::general_purpose::STANDARD.encode(sha256_hex(&scan))
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let attachment = response.headers()["location"].to_str().unwrap().to_owned();
    let response = import_upload(&t, "/v1/imports", &employee.token, &attachment).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // The employee's export upload is theirs: HR's door does not find it under the officer.
    let a = Workstation::new(0x22);
    a.register(&t, &employee).await;
    let work = unsent(&t, &employee).await;
    let file = sealed(&t, &employee, &a, &work, t.clock_now()).await;
    let location = create(&t, &employee.token, file.len()).await;
    assert_eq!(patch(&t, &employee.token, &location, 0, &file).await.status(), StatusCode::NO_CONTENT);
    let response = import_upload(&t, "/v1/hr/imports", &officer.token, &location).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: ApiErrorBody = response.json().await.unwrap();
    assert_eq!(body.code, ApiErrorCode::NotFound);
}
