//! No password, code or token reaches a log line of the app's core, even at TRACE, through a
//! whole sign-in: online, refresh, lock, a wrong and a right unlock, the refresh after it, and
//! sign-out. The tokens to look for are the ones that actually crossed the wire (read from the
//! proxy between app and server), so a token the core rotated is looked for too.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use masar_test_utils::Captured;

use masar_core::secret::ExposeSecret;
use masar_core::{AuthState, ErrorCode, Keychain};
use masar_protocol::DemoAccount;
use masar_test_support::{Proxy, app_options, six_digits};

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
    let proxy = Proxy::start(server.addr()).await;
    let accounts: Vec<DemoAccount> =
        reqwest::get(format!("{}/v1/dev/accounts", server.base_url())).await.unwrap().json().await.unwrap();
    let account = &accounts[0];
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let app = masar_core::MasarCore::open(app_options(&proxy.url, dir.path(), &keychain)).unwrap();

    app.check_connection().await;
    let wrong = app.auth().start(account.national_id.as_str(), "a-wrong-password".into()).await;
    assert_eq!(wrong.unwrap_err().code(), ErrorCode::InvalidCredentials, "the failure path ran");
    app.auth().start(account.national_id.as_str(), account.password.clone()).await.unwrap();
    let code = six_digits(&app.auth().demo_sms().await.unwrap().pop().unwrap().text).unwrap();
    let AuthState::SignedIn { session } = app.auth().verify(&code).await.unwrap() else {
        panic!("signed in")
    };
    let first_refresh = keychain.get(&format!("refresh-token:{}", session.profile_id)).unwrap().unwrap();
    let first_refresh = String::from_utf8(first_refresh.expose_secret().to_vec()).unwrap();
    app.records().employee().await.unwrap();
    app.auth().lock().await;
    let wrong = app.auth().unlock("wrong-unlock".into()).await;
    assert_eq!(wrong.unwrap_err().code(), ErrorCode::WrongPassword, "the failure path ran");
    app.auth().unlock(account.password.clone()).await.unwrap();
    // After unlocking, the access token is gone: this load refreshes (the token rotates).
    app.records().employee().await.unwrap();
    let rotated = keychain.get(&format!("refresh-token:{}", session.profile_id)).unwrap().unwrap();
    let rotated = String::from_utf8(rotated.expose_secret().to_vec()).unwrap();
    assert_ne!(rotated, first_refresh, "the refresh token rotated at unlock");
    app.auth().sign_out().await;
    server.shutdown().await.unwrap();

    let tokens = proxy.tokens_seen();
    for token in [&first_refresh, &rotated] {
        assert!(tokens.contains(token), "the proxy saw every refresh token the keychain held");
    }
    assert!(tokens.len() >= 4, "two access and two refresh tokens crossed: {}", tokens.len());

    let logs = captured.text();
    assert!(logs.contains("masar_sync") || logs.contains("DEBUG"), "the logs are not empty");
    let mut secrets = vec![account.password.clone(), "a-wrong-password".into(), "wrong-unlock".into(), code];
    secrets.extend(tokens);
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret reached the logs");
    }
}
