//! The core against the real server in-process on 127.0.0.1:0, and against loopback servers that
//! misbehave: refuse, hang, answer 500, answer garbage, or are not a Masar server.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use masar_core::signin::SignOnPurpose;
use masar_core::{
    ConnectionStatus, CoreOptions, ErrorCode, Keychain, Language, MasarCore, ServerUrl, SettingsInput,
};
use masar_server::{RunningServer, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn demo_server(dir: &std::path::Path) -> RunningServer {
    masar_server::start(&ServerConfig::demo_on_loopback(dir), std::future::pending()).await.unwrap()
}

fn core_with(url: &str, dir: &std::path::Path, keychain: &Keychain) -> Arc<MasarCore> {
    masar_test_support::open_app(url, dir, keychain)
}

fn core_for(url: &str, dir: &std::path::Path) -> Arc<MasarCore> {
    core_with(url, dir, &Keychain::in_memory().unwrap())
}

/// A loopback server that answers every connection with `answer` (or never, if `None`).
async fn raw_server(answer: Option<&'static [u8]>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut request = [0_u8; 4096];
                let _ = socket.read(&mut request).await;
                match answer {
                    Some(bytes) => {
                        let _ = socket.write_all(bytes).await;
                        let _ = socket.shutdown().await;
                    }
                    // Hold the connection open without a word.
                    None => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    format!("http://{addr}")
}

/// A complete HTTP/1.1 answer with a correct length, kept for the life of the test process.
fn http_response(status: &str, body: &str) -> &'static [u8] {
    let text = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    Box::leak(text.into_bytes().into_boxed_slice())
}

fn offline_code(status: &ConnectionStatus) -> ErrorCode {
    match status {
        ConnectionStatus::Offline { reason, .. } => reason.code,
        other => panic!("expected offline, got {other:?}"),
    }
}

#[tokio::test]
async fn the_monitor_turns_offline_when_the_server_stops_and_online_when_it_returns() {
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let server = demo_server(data.path()).await;
    let addr = server.addr();
    let core = core_for(&server.base_url(), config.path());
    let mut updates = core.subscribe_connection();
    let monitor = core.spawn_connection_monitor(Duration::from_millis(100));

    let wait_for = |want_online: bool, updates: &mut tokio::sync::watch::Receiver<ConnectionStatus>| {
        let mut updates = updates.clone();
        async move {
            tokio::time::timeout(
                Duration::from_secs(20),
                updates
                    .wait_for(|s| s.is_online() == want_online && !matches!(s, ConnectionStatus::Checking)),
            )
            .await
            .expect("status did not change in time")
            .expect("monitor stopped")
            .clone()
        }
    };
    wait_for(true, &mut updates).await;
    server.shutdown().await.unwrap();
    let offline = wait_for(false, &mut updates).await;
    assert_eq!(offline_code(&offline), ErrorCode::ServerUnreachable);

    // The same address again: the monitor notices without being asked.
    let config_again = ServerConfig { bind: addr, ..ServerConfig::demo_on_loopback(data.path()) };
    let again = masar_server::start(&config_again, std::future::pending()).await.unwrap();
    wait_for(true, &mut updates).await;
    monitor.abort();
    again.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_refused_connection_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let config = tempfile::tempdir().unwrap();
    let core = core_for(&url, config.path());
    assert_eq!(offline_code(&core.check_connection().await), ErrorCode::ServerUnreachable);
    let error = core.auth().begin_sign_on(SignOnPurpose::SignIn).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::FirstSignInNeedsNetwork);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let url = raw_server(None).await;
    let config = tempfile::tempdir().unwrap();
    let core = core_for(&url, config.path());
    assert_eq!(offline_code(&core.check_connection().await), ErrorCode::ServerTimeout);
}

#[tokio::test]
async fn garbage_and_strangers_are_bad_responses() {
    let config = tempfile::tempdir().unwrap();
    let garbage = raw_server(Some(http_response("200 OK", "not json!"))).await;
    let core = core_for(&garbage, config.path());
    assert_eq!(offline_code(&core.check_connection().await), ErrorCode::BadServerResponse);

    // Well-formed health JSON, but from some other service.
    let stranger_body = r#"{"service":"other","version":"1","time":"2026-01-01T00:00:00Z","demo":false}"#;
    let stranger = raw_server(Some(http_response("200 OK", stranger_body))).await;
    let core = core_for(&stranger, config.path());
    assert_eq!(offline_code(&core.check_connection().await), ErrorCode::BadServerResponse);

    let not_http = raw_server(Some(b"\x00\x01\x02 hello")).await;
    let core = core_for(&not_http, config.path());
    let code = offline_code(&core.check_connection().await);
    assert!(matches!(code, ErrorCode::BadServerResponse | ErrorCode::ServerUnreachable), "{code:?}");
}

#[tokio::test]
async fn a_server_error_is_reported_as_such() {
    let config = tempfile::tempdir().unwrap();
    let url = raw_server(Some(http_response("500 Internal Server Error", "oops"))).await;
    let core = core_for(&url, config.path());
    let status = core.check_connection().await;
    assert_eq!(offline_code(&status), ErrorCode::ServerError);
    let ConnectionStatus::Offline { reason, .. } = status else { unreachable!() };
    assert_eq!(reason.params.status, Some(500), "{reason}");
}

#[tokio::test]
async fn an_invalid_server_url_is_refused_and_nothing_changes() {
    let config = tempfile::tempdir().unwrap();
    let core = core_for("http://127.0.0.1:9", config.path());
    let before = core.settings();
    let input = SettingsInput {
        server_url: "http://masar.example.com".into(),
        language: Language::Ar,
        idle_lock_minutes: 10,
        text_size: 100,
    };
    let error = core.save_settings(&input).await.unwrap_err();
    let ui = core.ui_error(error);
    assert_eq!(ui.code, ErrorCode::InvalidServerUrl);
    assert_eq!(ui.params.detail, Some(masar_core::error::ErrorDetail::UrlInsecureRemote), "{ui}");
    assert_eq!(core.settings(), before);
    assert!(!config.path().join("config/settings.json").exists());
}

#[tokio::test]
async fn saved_settings_are_there_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let core = core_with("http://127.0.0.1:9", dir.path(), &keychain);
    let input = SettingsInput {
        server_url: "https://masar.example.sa".into(),
        language: Language::En,
        idle_lock_minutes: 3,
        text_size: 150,
    };
    core.save_settings(&input).await.unwrap();
    drop(core);
    let again = MasarCore::open(CoreOptions {
        config_dir: Some(dir.path().join("config")),
        keychain: Some(keychain),
        ..CoreOptions::default()
    })
    .unwrap();
    assert_eq!(again.settings().server_url.as_str(), "https://masar.example.sa/");
    assert_eq!(again.language(), Language::En);
    assert_eq!(again.app_info().idle_lock_seconds, 180);
}

/// The administrator's policy sets the server: it goes over the run's address and the saved
/// one, and Settings cannot change it.
#[tokio::test]
async fn a_policy_that_locks_the_server_goes_over_everything_and_refuses_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let policy: masar_core::settings::policy::Policy =
        serde_json::from_str(r#"{ "serverUrl": "https://masar.example.sa" }"#).unwrap();
    let open = |policy: Option<masar_core::settings::policy::Policy>| {
        MasarCore::open(CoreOptions {
            config_dir: Some(dir.path().join("config")),
            data_dir: Some(dir.path().join("data")),
            server_url: Some(ServerUrl::parse("http://127.0.0.1:9").unwrap()),
            keychain: Some(Keychain::in_memory().unwrap()),
            policy,
            ..CoreOptions::default()
        })
        .unwrap()
    };
    let core = open(Some(policy.clone()));
    assert_eq!(core.settings().server_url.as_str(), "https://masar.example.sa/");
    assert!(core.app_info().server_set_by_administrator);
    let input = SettingsInput {
        server_url: "http://127.0.0.1:9".into(),
        language: Language::Ar,
        idle_lock_minutes: 10,
        text_size: 100,
    };
    let error = core.save_settings(&input).await.unwrap_err();
    assert_eq!(core.ui_error(error).code, ErrorCode::SetByAdministrator);
    // The language and the rest stay the employee's.
    let input =
        SettingsInput { server_url: "https://masar.example.sa".into(), language: Language::En, ..input };
    assert_eq!(core.save_settings(&input).await.unwrap().language, Language::En);
    drop(core);
    // Without the policy the run's address is used again.
    let core = open(None);
    assert_eq!(core.settings().server_url.as_str(), "http://127.0.0.1:9/");
    assert!(!core.app_info().server_set_by_administrator);
}
