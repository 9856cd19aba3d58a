//! The real router, in-process on 127.0.0.1:0, against a temporary database.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use masar_protocol::auth::Role;
use masar_protocol::{ApiErrorBody, ApiErrorCode, DemoAccount, EmployeeRecord, Health, Opportunity};
use masar_server::{RunningServer, ServerConfig};
use reqwest::StatusCode;

async fn start(config: &ServerConfig) -> RunningServer {
    masar_server::start(config, std::future::pending()).await.unwrap()
}

async fn demo_server() -> (tempfile::TempDir, RunningServer) {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&ServerConfig::demo_on_loopback(dir.path())).await;
    (dir, server)
}

async fn get_json<T: serde::de::DeserializeOwned>(url: String) -> T {
    let response = reqwest::get(url).await.unwrap();
    assert!(response.status().is_success(), "status {}", response.status());
    response.json().await.unwrap()
}

async fn error_of(response: reqwest::Response, status: StatusCode, code: ApiErrorCode) -> ApiErrorBody {
    assert_eq!(response.status(), status);
    let body: ApiErrorBody = response.json().await.unwrap();
    assert_eq!(body.code, code);
    assert!(
        body.message.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "Arabic message: {}",
        body.message
    );
    body
}

#[tokio::test]
async fn health_names_the_service_and_listens_on_loopback() {
    let (_dir, server) = demo_server().await;
    assert!(server.addr().ip().is_loopback());
    assert_ne!(server.addr().port(), 0);
    let health: Health = get_json(format!("{}/v1/health", server.base_url())).await;
    assert_eq!(health.service, "masar-server");
    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
    assert!(health.demo);
    assert!((chrono::Utc::now() - health.time).num_seconds().abs() < 60);
    assert_eq!(health.issuer, Some(server.base_url()), "the built-in provider is the issuer it names");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_demo_employee_reads_their_whole_record() {
    let t = common::TestServer::start().await;
    let accounts = t.accounts().await;
    assert_eq!(accounts.len(), masar_server::demo::DEMO_EMPLOYEES + 1, "the employees and one HR officer");
    let roles: Vec<Role> = accounts.iter().map(|a| a.role).collect();
    assert_eq!(roles.iter().filter(|r| **r == Role::HrOfficer).count(), 1);
    assert_eq!(roles.last(), Some(&Role::HrOfficer), "listed after the employees");
    let today = masar_server::Clock::now(t.clock.as_ref()).date_naive();
    let expected = masar_server::demo::generate(masar_server::config::DEFAULT_DEMO_SEED, today);

    for account in &accounts {
        let tokens = t.sign_in(account).await;
        let record: EmployeeRecord = t.record(tokens.access_token.expose()).await.json().await.unwrap();
        assert_eq!(record.profile.national_id, account.national_id);
        assert_eq!(record.profile.name_ar, account.name_ar);
        let generated =
            expected.accounts().find(|(e, _)| e.profile.national_id == account.national_id).unwrap().0;
        assert_eq!(&record.profile, &generated.profile, "stored and read back unchanged");
        assert_eq!(record.employment_events, generated.employment_events);
        assert_eq!(record.qualifications.len(), generated.qualifications.len());
        assert_eq!(record.transactions.len(), generated.transactions.len());
        assert_eq!(record.sick_leaves.len(), generated.sick_leaves.len());
        if account == &accounts[0] {
            let opportunities: Vec<Opportunity> =
                t.get_json("/v1/opportunities", tokens.access_token.expose()).await;
            assert!(opportunities.len() >= 10);
        }
    }
}

#[tokio::test]
async fn an_unknown_route_is_a_json_404() {
    let (_dir, server) = demo_server().await;
    let no_route = reqwest::get(format!("{}/v1/nothing-here", server.base_url())).await.unwrap();
    error_of(no_route, StatusCode::NOT_FOUND, ApiErrorCode::NotFound).await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn without_demo_there_are_no_dev_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    // A production server: an SMS provider configured (never asked here), no demo.
    let sms = masar_server::auth::SmsSettings {
        url: "http://127.0.0.1:9/send".parse().unwrap(),
        credential: None,
        template: masar_server::auth::sms::DEFAULT_TEMPLATE.into(),
        timeout_seconds: 1,
    };
    let config = ServerConfig { demo: false, sms: Some(sms), ..ServerConfig::demo_on_loopback(dir.path()) };
    let server = start(&config).await;
    let health: Health = get_json(format!("{}/v1/health", server.base_url())).await;
    assert!(!health.demo);
    let dev = reqwest::get(format!("{}/v1/dev/accounts", server.base_url())).await.unwrap();
    error_of(dev, StatusCode::NOT_FOUND, ApiErrorCode::NotFound).await;
    let sms = reqwest::get(format!("{}/v1/dev/sms?national_id=1000000008", server.base_url())).await.unwrap();
    error_of(sms, StatusCode::NOT_FOUND, ApiErrorCode::NotFound).await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_same_seed_seeds_the_same_employees_and_a_restart_keeps_the_data() {
    let (dir_a, a) = demo_server().await;
    let (_dir_b, b) = demo_server().await;
    let from_a: Vec<DemoAccount> = get_json(format!("{}/v1/dev/accounts", a.base_url())).await;
    let from_b: Vec<DemoAccount> = get_json(format!("{}/v1/dev/accounts", b.base_url())).await;
    assert_eq!(from_a, from_b);
    a.shutdown().await.unwrap();
    b.shutdown().await.unwrap();

    let config = ServerConfig { demo_seed: 7, ..ServerConfig::demo_on_loopback(dir_a.path()) };
    let again = start(&config).await;
    let after_restart: Vec<DemoAccount> = get_json(format!("{}/v1/dev/accounts", again.base_url())).await;
    assert_eq!(after_restart, from_a, "an existing database is not seeded again");
    again.shutdown().await.unwrap();
}

#[tokio::test]
async fn after_shutdown_the_port_refuses_connections() {
    let (_dir, server) = demo_server().await;
    let url = format!("{}/v1/health", server.base_url());
    assert!(reqwest::get(&url).await.unwrap().status().is_success());
    server.shutdown().await.unwrap();
    let error = reqwest::get(&url).await.unwrap_err();
    assert!(error.is_connect(), "{error}");
}

/// The escrow key of a vault: made once, the same at every later call, one per employee and
/// vault id, and never given to another employee or without a token.
#[tokio::test]
async fn a_vault_key_is_kept_per_employee_and_vault_and_given_only_to_its_employee() {
    use masar_protocol::vault_key::VaultKey;
    let t = common::TestServer::start().await;
    let accounts = t.accounts().await;
    let (first, second) = (&accounts[0], &accounts[1]);
    let first_token = t.sign_in(first).await.access_token.expose().to_owned();
    let second_token = t.sign_in(second).await.access_token.expose().to_owned();
    let vault = "0123456789abcdef0123456789abcdef";
    let key_of = |token: String, id: &'static str| {
        let (http, url) = (t.http.clone(), t.url(&format!("/v1/me/vault-keys/{id}")));
        async move { http.put(url).bearer_auth(token).send().await.unwrap() }
    };
    let key = |response: reqwest::Response| async move {
        assert_eq!(response.status(), StatusCode::OK);
        let body: VaultKey = response.json().await.unwrap();
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(body.key.expose()).unwrap();
        assert_eq!(bytes.len(), 32);
        bytes
    };

    let read = |token: String, id: &'static str| {
        let (http, url) = (t.http.clone(), t.url(&format!("/v1/me/vault-keys/{id}")));
        async move { http.get(url).bearer_auth(token).send().await.unwrap() }
    };
    assert_eq!(
        read(first_token.clone(), vault).await.status(),
        StatusCode::NOT_FOUND,
        "none before it is made"
    );
    let made = key(key_of(first_token.clone(), vault).await).await;
    assert_eq!(key(read(first_token.clone(), vault).await).await, made, "read as it was made");
    assert_eq!(key(key_of(first_token.clone(), vault).await).await, made, "the same key again");
    let other_vault = key(key_of(first_token.clone(), "fedcba9876543210fedcba9876543210").await).await;
    assert_ne!(other_vault, made);
    let same_id_other_employee = key(key_of(second_token, vault).await).await;
    assert_ne!(same_id_other_employee, made, "another employee's vault of the same id is another key");
    let me: masar_protocol::auth::Me =
        t.http.get(t.url("/v1/me")).bearer_auth(&first_token).send().await.unwrap().json().await.unwrap();
    assert_eq!((me.national_id, me.role), (first.national_id.clone(), first.role));
    assert_eq!(key(key_of(first_token.clone(), vault).await).await, made);

    error_of(key_of(first_token, "not-a-vault").await, StatusCode::BAD_REQUEST, ApiErrorCode::BadRequest)
        .await;
    let anonymous = t.http.put(t.url(&format!("/v1/me/vault-keys/{vault}"))).send().await.unwrap();
    error_of(anonymous, StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthenticated).await;
}
