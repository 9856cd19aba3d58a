//! No passphrase or token reaches a log line of the app's core, even at TRACE, through a whole
//! session: the sign-on, lock, a wrong and a right unlock, the refresh after it, and sign-out. The tokens to look for are the ones that actually crossed the wire (read from the
//! proxy between app and server), so a token the core rotated is looked for too.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use masar_test_utils::Captured;

use masar_core::{AuthState, ErrorCode, Keychain};
use masar_protocol::DemoAccount;
use masar_test_support::{Proxy, app_options, sign_in};

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
    // The proxy is the server's public address: the sign-on, the refreshes and the revocation
    // all cross it, so every token the provider gave is seen there.
    let port = Proxy::listen().await;
    let mut config = masar_server::ServerConfig::demo_on_loopback(server_dir.path());
    config.public_url = Some(port.url.parse().unwrap());
    let server = masar_server::start(&config, std::future::pending()).await.unwrap();
    let proxy = port.forward_to(vec![server.addr()]);
    let accounts: Vec<DemoAccount> =
        reqwest::get(format!("{}/v1/dev/accounts", server.base_url())).await.unwrap().json().await.unwrap();
    let account = &accounts[0];
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let app = masar_core::MasarCore::open(app_options(&proxy.url, dir.path(), &keychain)).unwrap();

    app.check_connection().await;
    let step = sign_in(&app, account.national_id.as_str(), &account.password).await.unwrap();
    let AuthState::SignedIn { session } = step else { panic!("signed in: {step:?}") };
    app.records().employee().await.unwrap();
    app.auth().lock().await;
    let wrong = app.auth().unlock("wrong-unlock".into()).await;
    assert_eq!(wrong.unwrap_err().code(), ErrorCode::WrongPassword, "the failure path ran");
    app.auth().unlock(account.password.clone()).await.unwrap();
    // After unlocking, the access token is gone: this load refreshes (the token rotates).
    app.records().employee().await.unwrap();
    assert!(
        keychain.get(&format!("refresh-token:{}", session.profile_id)).unwrap().is_none(),
        "no refresh token in the keychain"
    );
    app.auth().sign_out().await;
    server.shutdown().await.unwrap();

    let tokens = proxy.tokens_seen();
    assert!(tokens.len() >= 4, "two access and two refresh tokens crossed: {}", tokens.len());

    let logs = captured.text();
    assert!(logs.contains("masar_sync") || logs.contains("DEBUG"), "the logs are not empty");
    let mut secrets = vec![account.password.clone(), "wrong-unlock".into()];
    secrets.extend(tokens);
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret reached the logs");
    }
}
