//! Two server nodes on the same data (one SQLite file, or one PostgreSQL database when the run
//! tests that store), as behind a load balancer: nothing a request needs lives in
//! a node's process. A session begun on one node is refreshed on the other; the same push sent to
//! both at once is applied once; wrong passwords and the sign-in rate limit count across nodes;
//! the code one node sent is on the other's dev outbox; an upload begun on one resumes on the
//! other.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use common::{
    CODE_FIELD, LOCKED_15_MINUTES, TestServer, WRONG_CREDENTIALS, refreshed, sha256_hex, stranger_id,
    tus_metadata,
};
use masar_protocol::EmployeeRecord;
use masar_protocol::sync::{ContactUpdate, Mutation, MutationBody, MutationOutcome, PushResponse};
use reqwest::StatusCode;

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
use serde_json::json;

#[tokio::test]
async fn a_session_begun_on_one_node_goes_on_on_the_other() {
    let a = TestServer::start_behind_one_url().await;
    let b = a.another_node().await;
    let account = a.first_account().await;
    // The sign-in page and the password on A; the code, sent by A, is on B's dev outbox and is
    // entered on B; the code is exchanged at A.
    let mut attempt = a.attempt().await;
    attempt.password(account.national_id.as_str(), &account.password).await.says(StatusCode::OK, CODE_FIELD);
    let code = b.latest_code(&account).await;
    attempt.move_to(&b);
    let back = attempt.code(&code).await;
    let tokens = attempt.exchange(&back).await;
    // The access token answers on B; refreshed on B; the old refresh token replayed on A revokes
    // the session everywhere.
    assert_eq!(b.record(tokens.access_token.expose()).await.status(), StatusCode::OK);
    let rotated = refreshed(&b, tokens.refresh_token.expose()).await;
    assert_eq!(a.record(rotated.access_token.expose()).await.status(), StatusCode::OK);
    assert_eq!(a.refresh(tokens.refresh_token.expose()).await.status(), StatusCode::BAD_REQUEST);
    let after = b.refresh(rotated.refresh_token.expose()).await;
    assert_eq!(after.status(), StatusCode::BAD_REQUEST, "revoked on both nodes");
}

#[tokio::test]
async fn the_same_push_sent_to_both_nodes_at_once_is_applied_once() {
    let a = TestServer::start_behind_one_url().await;
    let b = a.another_node().await;
    let account = a.first_account().await;
    let token = a.sign_in(&account).await.access_token.expose().to_owned();
    let record: EmployeeRecord = a.record(&token).await.json().await.unwrap();
    // Ten edits, each sent to both nodes at the same moment (a client retrying on another node).
    for id in 1..=10_u64 {
        let mutation = Mutation {
            id,
            base_version: 1,
            fields: vec!["mobile".into()],
            body: MutationBody::UpdateContact(ContactUpdate {
                mobile: format!("05551234{id:02}"),
                email: record.profile.email.clone(),
                address: record.profile.address.clone(),
            }),
        };
        let body = json!({ "clientId": "00112233445566778899aabbccddeeff", "mutations": [mutation] });
        let send = |node: &TestServer| {
            node.http.post(node.url("/v1/sync/push")).bearer_auth(&token).json(&body).send()
        };
        let (first, second) = tokio::join!(send(&a), send(&b));
        let first: PushResponse = first.unwrap().json().await.unwrap();
        let second: PushResponse = second.unwrap().json().await.unwrap();
        let outcome = |response: &PushResponse| response.results[0].outcome.clone();
        assert_eq!(outcome(&first), outcome(&second), "both nodes answer with the one stored result");
        assert_eq!(outcome(&first), MutationOutcome::Applied { version: id + 1 });
        // One of them applied it; the other was answered from what the first stored.
        let replayed = [&first, &second].iter().filter(|r| r.results[0].replayed).count();
        assert_eq!(replayed, 1, "applied exactly once");
    }
    let versions = a
        .count(&format!(
            "SELECT count(*) FROM changes WHERE national_id = '{}' AND kind = 'profile'",
            account.national_id.as_str()
        ))
        .await;
    assert_eq!(versions, 11, "the seeded version and ten edits, each once");
    let results = a.count("SELECT count(*) FROM sync_results").await;
    assert_eq!(results, 10);
}

#[tokio::test]
async fn wrong_passwords_and_the_rate_limit_count_across_nodes() {
    let a = TestServer::start_with(|config| {
        config.auth_requests_per_minute = 8;
        config.public_url = Some(common::one_url());
    })
    .await;
    let b = a.another_node().await;
    let account = a.first_account().await;
    let id = account.national_id.to_string();
    let (on_a, on_b) = (a.attempt().await, b.attempt().await);
    // Five wrong passwords, alternating nodes: the fifth locks the ID on both.
    for n in 1..=4 {
        let attempt = if n % 2 == 0 { &on_b } else { &on_a };
        attempt.password(&id, "wrong").await.says(UNPROCESSABLE, WRONG_CREDENTIALS);
    }
    on_b.password(&id, "wrong").await.says(UNPROCESSABLE, LOCKED_15_MINUTES);
    on_a.password(&id, &account.password).await.says(UNPROCESSABLE, LOCKED_15_MINUTES);
    // Eight requests a minute from this address in all: six were made; two more, on either node.
    on_a.password(&stranger_id(), "x").await.says(UNPROCESSABLE, WRONG_CREDENTIALS);
    on_b.password(&stranger_id(), "x").await.says(UNPROCESSABLE, WRONG_CREDENTIALS);
    assert_eq!(on_a.password(&stranger_id(), "x").await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(on_b.password(&stranger_id(), "x").await.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_upload_begun_on_one_node_resumes_on_the_other() {
    let a = TestServer::start_behind_one_url().await;
    let b = a.another_node().await;
    let account = a.first_account().await;
    let token = a.sign_in(&account).await.access_token.expose().to_owned();
    let bytes = common::pdf(300_000, "two nodes");
    let created = a
        .http
        .post(a.url("/v1/uploads"))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", bytes.len().to_string())
        .header("Upload-Metadata", tus_metadata("شهادة.pdf", &sha256_hex(&bytes)))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let patch = |node: &TestServer, offset: usize, chunk: &[u8]| {
        node.http
            .patch(node.url(&location))
            .bearer_auth(&token)
            .header("Tus-Resumable", "1.0.0")
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset.to_string())
            .body(chunk.to_vec())
            .send()
    };
    let half = bytes.len() / 2;
    assert_eq!(patch(&a, 0, &bytes[..half]).await.unwrap().status(), StatusCode::NO_CONTENT);
    // B knows where the upload stands, and takes the rest.
    let head = b
        .http
        .head(b.url(&location))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(head.headers()["upload-offset"], half.to_string().as_str());
    let rest = patch(&b, half, &bytes[half..]).await.unwrap();
    assert_eq!(rest.status(), StatusCode::NO_CONTENT);
    assert_eq!(rest.headers()["upload-offset"], bytes.len().to_string().as_str());
    let blob = a.dir.path().join("blobs/sha256").join(&sha256_hex(&bytes)[..2]).join(sha256_hex(&bytes));
    assert_eq!(std::fs::read(blob).unwrap(), bytes, "one blob, whole, written by both nodes");
}
