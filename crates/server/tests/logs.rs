//! No password, code or token ever reaches a log line, even at TRACE with request tracing on.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use masar_test_utils::Captured;

use common::{TestServer, WRONG_CREDENTIALS, refreshed};

#[tokio::test]
async fn sign_in_logs_hold_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    // The server's own filter at its most verbose (what `--log trace` gives an operator).
    tracing_subscriber::fmt()
        .with_env_filter(masar_server::log_filter("trace").unwrap())
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let t = TestServer::start().await;
    let account = t.first_account().await;
    let wrong = t.attempt().await.password(account.national_id.as_str(), "a-wrong-password").await;
    wrong.says(reqwest::StatusCode::UNPROCESSABLE_ENTITY, WRONG_CREDENTIALS);
    let tokens = t.sign_in(&account).await;
    let code = t.latest_code(&account).await;
    assert_eq!(t.record(tokens.access_token.expose()).await.status(), reqwest::StatusCode::OK);
    let rotated = refreshed(&t, tokens.refresh_token.expose()).await;
    // Reuse: refused, the family revoked, logged as a warning.
    let reused = t.refresh(tokens.refresh_token.expose()).await;
    assert_eq!(reused.status(), reqwest::StatusCode::BAD_REQUEST, "the reuse path ran");
    // HR opens an employee's record and trail: routes with the national ID in their path.
    let accounts = t.accounts().await;
    let officer = accounts.iter().find(|a| a.role == masar_protocol::auth::Role::HrOfficer).unwrap();
    let hr = t.sign_in(officer).await;
    for route in ["record", "activity"] {
        let path = format!("/v1/hr/employees/{}/{route}", account.national_id.as_str());
        let opened = t.http.get(t.url(&path)).bearer_auth(hr.access_token.expose()).send().await.unwrap();
        // Allowed or refused (another entity's employee), the request is logged by its route.
        assert!(!opened.status().is_server_error(), "{path}: {}", opened.status());
    }
    let revoked = t.revoke(rotated.refresh_token.expose()).await;
    assert!(revoked.status().is_success(), "{}", revoked.status());
    t.server.shutdown().await.unwrap();

    let logs = captured.text();
    // The logs are not empty: requests, the SMS (masked number) and the reuse warning are there.
    assert!(logs.contains("verification code sent"), "{logs}");
    assert!(logs.contains("session revoked"), "{logs}");
    assert!(logs.contains("/oidc/authorize/code"), "{logs}");
    assert!(logs.contains("/v1/hr/employees/{national_id}/record"), "the route, not the path: {logs}");
    for secret in [
        account.password.as_str(),
        "a-wrong-password",
        code.as_str(),
        tokens.access_token.expose(),
        tokens.refresh_token.expose(),
        rotated.access_token.expose(),
        rotated.refresh_token.expose(),
    ] {
        assert!(!logs.contains(secret), "a secret reached the logs");
    }
    assert!(!logs.contains(&account.national_id.as_str()[1..9]), "national IDs are masked in logs");
}
