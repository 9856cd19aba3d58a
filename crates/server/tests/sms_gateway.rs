//! The SMS gateway against a local fake provider that records what it is sent: codes reach the
//! configured provider with its credential and the settings' template; a provider that fails or
//! is too slow is said to the employee and the attempt is closed; and a server with no provider
//! does not start at all (only a demo server has the dev outbox).

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::routing::post;
use common::{Attempt, CODE_FIELD, Page, TestServer};
use masar_protocol::DemoAccount;
use masar_server::auth::SmsSettings;
use masar_server::{RunningServer, ServerConfig};
use reqwest::StatusCode;

#[derive(Debug, Clone, Copy)]
enum Answer {
    Accept,
    Fail,
    /// Answers after longer than the gateway waits.
    Stall,
}

/// What the provider received: the `Authorization` header and the JSON body.
type Received = Arc<Mutex<Vec<(Option<String>, serde_json::Value)>>>;

struct FakeProvider {
    url: String,
    received: Received,
}

async fn fake_provider(answer: Answer) -> FakeProvider {
    let received: Received = Arc::default();
    let app = axum::Router::new()
        .route(
            "/send",
            post(
                move |State(received): State<Received>,
                      headers: HeaderMap,
                      body: axum::Json<serde_json::Value>| async move {
                    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
                    received.lock().unwrap().push((auth, body.0));
                    match answer {
                        Answer::Accept => AxumStatus::ACCEPTED,
                        Answer::Fail => AxumStatus::INTERNAL_SERVER_ERROR,
                        Answer::Stall => {
                            tokio::time::sleep(Duration::from_secs(5)).await;
                            AxumStatus::OK
                        }
                    }
                },
            ),
        )
        .with_state(Arc::clone(&received));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    FakeProvider { url, received }
}

fn settings(url: &str) -> SmsSettings {
    SmsSettings {
        url: url.parse().unwrap(),
        credential: Some("provider-credential-1".into()),
        template: "Masar code {code} ({minutes} min)".into(),
        timeout_seconds: 1,
    }
}

/// Demo data seeded, then the same data served by a production server (no `--demo`) with the
/// given provider. Returns the server, one account, and the data's directory (kept alive).
async fn production_server(
    sms: Option<SmsSettings>,
) -> (anyhow::Result<RunningServer>, DemoAccount, TestServer) {
    let seeded = TestServer::start_on_sqlite_with(|_| {}).await;
    let account = seeded.first_account().await;
    let mut config = ServerConfig::demo_on_loopback(seeded.dir.path());
    config.demo = false;
    config.sms = sms;
    let server = masar_server::start(&config, std::future::pending()).await;
    (server, account, seeded)
}

/// The sign-in page opened and the password entered: the code is sent.
async fn password(server: &RunningServer, account: &DemoAccount) -> (Attempt, Page) {
    let attempt = Attempt::open(&server.base_url()).await;
    let page = attempt.password(account.national_id.as_str(), &account.password).await;
    (attempt, page)
}

fn open_attempts(seeded: &TestServer) -> (i64, i64) {
    let db = rusqlite::Connection::open(seeded.dir.path().join("masar.db")).unwrap();
    let open = db.query_row("SELECT count(*) FROM challenges WHERE done = 0", [], |row| row.get(0)).unwrap();
    let all = db.query_row("SELECT count(*) FROM challenges", [], |row| row.get(0)).unwrap();
    (open, all)
}

#[tokio::test]
async fn a_server_without_an_sms_provider_does_not_start_and_says_why() {
    let (server, _, _seeded) = production_server(None).await;
    let error = format!("{:#}", server.err().unwrap());
    assert!(error.contains("no SMS provider is configured"), "{error}");
    assert!(error.contains("--settings"), "says what to do: {error}");
}

#[tokio::test]
async fn the_code_goes_to_the_provider_with_its_credential_and_template() {
    let provider = fake_provider(Answer::Accept).await;
    let (server, account, seeded) = production_server(Some(settings(&provider.url))).await;
    let server = server.unwrap();
    let (attempt, code_page) = password(&server, &account).await;
    code_page.says(StatusCode::OK, CODE_FIELD);
    let db = rusqlite::Connection::open(seeded.dir.path().join("masar.db")).unwrap();
    let mobile: String = db
        .query_row(
            "SELECT mobile FROM accounts WHERE national_id = ?1",
            [account.national_id.as_str()],
            |row| row.get(0),
        )
        .unwrap();
    assert!(mobile.starts_with("+9665"), "E.164: {mobile}");

    let received = provider.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let (auth, body) = &received[0];
    assert_eq!(auth.as_deref(), Some("Bearer provider-credential-1"));
    assert_eq!(body["to"], mobile.as_str());
    let text = body["text"].as_str().unwrap();
    let code = text.strip_prefix("Masar code ").and_then(|rest| rest.strip_suffix(" (5 min)")).unwrap();
    assert_eq!(code.len(), 6, "{text}");

    let tokens = attempt.exchange(&attempt.code(code).await).await;
    let me: masar_protocol::auth::Me = reqwest::Client::new()
        .get(format!("{}/v1/me", server.base_url()))
        .bearer_auth(tokens.access_token.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me.national_id, account.national_id);
    // Not a demo server: no dev outbox to read codes from.
    let outbox =
        reqwest::get(format!("{}/v1/dev/sms?national_id={}", server.base_url(), account.national_id))
            .await
            .unwrap();
    assert_eq!(outbox.status(), StatusCode::NOT_FOUND);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_provider_that_fails_or_stalls_is_said_and_its_attempt_closed() {
    for answer in [Answer::Fail, Answer::Stall] {
        let provider = fake_provider(answer).await;
        let (server, account, seeded) = production_server(Some(settings(&provider.url))).await;
        let server = server.unwrap();
        let (_, page) = password(&server, &account).await;
        page.says(
            StatusCode::SERVICE_UNAVAILABLE,
            "The verification code could not be sent now. Try again later.",
        );
        assert_eq!(provider.received.lock().unwrap().len(), 1, "{answer:?}: the provider was asked once");
        // Nobody can finish the attempt blind.
        assert_eq!(open_attempts(&seeded), (0, 1), "{answer:?}: one attempt made, and closed");
        // The audit says the gateway failed, with no client address: it was not the client's doing.
        let db = rusqlite::Connection::open(seeded.dir.path().join("masar.db")).unwrap();
        let client: String = db
            .query_row("SELECT client FROM audit_log WHERE event = 'sms' AND outcome = 'failed'", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(client, "", "{answer:?}");
        server.shutdown().await.unwrap();
    }
}
