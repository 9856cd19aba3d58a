//! No password, code or token reaches a log line of the app's core, even at TRACE, through a
//! whole sign-in: online, refresh, lock, unlock, sign-out.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use masar_core::vault::crypto::KdfParams;
use masar_core::{AuthState, CoreOptions, Keychain, MasarCore, ServerUrl};
use masar_protocol::DemoAccount;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_whole_session_logs_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let server_dir = tempfile::tempdir().unwrap();
    let server = masar_server::start(
        &masar_server::ServerConfig::demo_on_loopback(server_dir.path()),
        std::future::pending(),
    )
    .await
    .unwrap();
    let accounts: Vec<DemoAccount> =
        reqwest::get(format!("{}/v1/dev/accounts", server.base_url())).await.unwrap().json().await.unwrap();
    let account = &accounts[0];
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let app = MasarCore::open(CoreOptions {
        config_dir: Some(dir.path().join("config")),
        data_dir: Some(dir.path().join("data")),
        server_url: Some(ServerUrl::parse(&server.base_url()).unwrap()),
        keychain: Some(keychain.clone()),
        kdf: Some(KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 }),
        idle_lock_seconds: None,
        ..CoreOptions::default()
    })
    .unwrap();

    app.check_connection().await;
    let _ = app.start_sign_in(account.national_id.as_str(), "a-wrong-password".into()).await;
    app.start_sign_in(account.national_id.as_str(), account.password.clone()).await.unwrap();
    let text = app.demo_sms().await.unwrap().pop().unwrap().text;
    let chars: Vec<char> = text.chars().collect();
    let code: String =
        chars.windows(6).find(|w| w.iter().all(char::is_ascii_digit)).unwrap().iter().collect();
    let AuthState::SignedIn { session } = app.verify_code(&code).await.unwrap() else { panic!("signed in") };
    let refresh = keychain.get(&format!("refresh-token:{}", session.profile_id)).unwrap().unwrap();
    let refresh = String::from_utf8(refresh.expose().clone()).unwrap();
    app.employee().await.unwrap();
    app.lock().await;
    let _ = app.unlock("wrong-unlock".into()).await;
    app.unlock(account.password.clone()).await.unwrap();
    app.employee().await.unwrap();
    app.sign_out().await;
    server.shutdown().await.unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(!logs.is_empty());
    for secret in
        [account.password.as_str(), "a-wrong-password", "wrong-unlock", code.as_str(), refresh.as_str()]
    {
        assert!(!logs.contains(secret), "a secret reached the logs");
    }
}
