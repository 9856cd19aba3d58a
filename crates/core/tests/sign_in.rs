//! Signing in through the core against the real server in-process on 127.0.0.1:0: online with
//! the SMS code, offline with the vault, locking, silent refresh, signing out.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::TimeZone;
use masar_core::vault::crypto::KdfParams;
use masar_core::{AuthState, CoreOptions, ErrorCode, Keychain, MasarCore, ServerUrl};
use masar_protocol::DemoAccount;
use masar_server::{ManualClock, RunningServer, ServerConfig};

const FAST_KDF: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

struct World {
    server: Option<RunningServer>,
    clock: Arc<ManualClock>,
    url: String,
    keychain: Keychain,
    dir: tempfile::TempDir,
    _server_dir: tempfile::TempDir,
}

impl World {
    async fn new() -> Self {
        let server_dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()));
        let mut config = ServerConfig::demo_on_loopback(server_dir.path());
        config.clock = clock.clone();
        let server = masar_server::start(&config, std::future::pending()).await.unwrap();
        Self {
            url: server.base_url(),
            server: Some(server),
            clock,
            keychain: Keychain::in_memory().unwrap(),
            dir: tempfile::tempdir().unwrap(),
            _server_dir: server_dir,
        }
    }

    /// A fresh app start on the same workstation (same folders, same keychain).
    fn app(&self) -> Arc<MasarCore> {
        MasarCore::open(CoreOptions {
            config_dir: Some(self.dir.path().join("config")),
            data_dir: Some(self.dir.path().join("data")),
            server_url: Some(ServerUrl::parse(&self.url).unwrap()),
            keychain: Some(self.keychain.clone()),
            kdf: Some(FAST_KDF),
            idle_lock_seconds: None,
            ..CoreOptions::default()
        })
        .unwrap()
    }

    async fn accounts(&self) -> Vec<DemoAccount> {
        reqwest::get(format!("{}/v1/dev/accounts", self.url)).await.unwrap().json().await.unwrap()
    }

    async fn stop_server(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.unwrap();
        }
    }
}

fn code_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(6).find(|w| w.iter().all(char::is_ascii_digit)).map(|w| w.iter().collect()).unwrap()
}

async fn sign_in_online(app: &MasarCore, account: &DemoAccount) -> AuthState {
    app.check_connection().await;
    let step = app.auth().start(account.national_id.as_str(), account.password.clone()).await.unwrap();
    let AuthState::CodeSent { masked_mobile, demo_national_id, .. } = &step else {
        panic!("expected a code step: {step:?}")
    };
    assert!(masked_mobile.starts_with("05"));
    assert_eq!(demo_national_id.as_deref(), Some(account.national_id.as_str()));
    let sms = app.auth().demo_sms().await.unwrap();
    let code = code_in(&sms.last().unwrap().text);
    app.auth().verify(&code).await.unwrap()
}

#[tokio::test]
async fn online_sign_in_then_offline_sign_in_shows_the_cached_record() {
    let mut world = World::new().await;
    let account = world.accounts().await.remove(0);

    let app = world.app();
    let signed = sign_in_online(&app, &account).await;
    let AuthState::SignedIn { session } = signed else { panic!("{signed:?}") };
    assert!(session.online);
    assert_eq!(session.masked_id, account.national_id.masked());
    let online_view = app.records().employee().await.unwrap();
    assert_eq!(online_view.profile.name_ar, account.name_ar);
    assert!(online_view.cached_at.is_none());
    drop(app);

    // The network is gone; the app starts again on the same workstation.
    world.stop_server().await;
    let app = world.app();
    let AuthState::SignedOut { profiles } = app.auth().state() else { panic!("signed out at start") };
    assert_eq!(profiles.len(), 1, "the start screen lists the employee");
    assert_eq!(profiles[0].display_name, account.name_ar.first);

    let wrong = app.auth().start(account.national_id.as_str(), "not-it".into()).await.unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::WrongPassword);
    let offline = app.auth().start(account.national_id.as_str(), account.password.clone()).await.unwrap();
    let AuthState::SignedIn { session } = offline else { panic!("{offline:?}") };
    assert!(!session.online);
    let view = app.records().employee().await.unwrap();
    assert_eq!(view.profile, online_view.profile);
    assert!(view.cached_at.is_some(), "shown from the local copy");
}

#[tokio::test]
async fn a_stranger_cannot_sign_in_offline_and_is_told_why() {
    let mut world = World::new().await;
    let account = world.accounts().await.remove(1);
    world.stop_server().await;
    let app = world.app();
    let error = app.auth().start(account.national_id.as_str(), account.password.clone()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::FirstSignInNeedsNetwork);
    assert_eq!(app.ui_error(error).code, ErrorCode::FirstSignInNeedsNetwork);
}

/// An app whose first demo employee gave the right password: the code sent, and a wrong one.
async fn at_the_code_step(world: &World) -> (Arc<MasarCore>, String, &'static str) {
    let account = world.accounts().await.remove(0);
    let app = world.app();
    app.check_connection().await;
    app.auth().start(account.national_id.as_str(), account.password.clone()).await.unwrap();
    let code = code_in(&app.auth().demo_sms().await.unwrap().last().unwrap().text);
    let wrong = if code == "123456" { "654321" } else { "123456" };
    (app, code, wrong)
}

#[tokio::test]
async fn a_wrong_code_keeps_the_code_step_and_says_how_many_tries_are_left() {
    let world = World::new().await;
    let (app, code, wrong) = at_the_code_step(&world).await;
    let error = app.auth().verify(wrong).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::CodeIncorrect);
    assert_eq!(app.ui_error(error).params.remaining, Some(4), "remaining tries for the message");
    assert!(matches!(app.auth().state(), AuthState::CodeSent { .. }));
    assert_eq!(app.auth().verify("12a").await.unwrap_err().code(), ErrorCode::CodeFormat);
    // Eastern Arabic digits are accepted.
    let eastern: String =
        code.chars().map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap()).collect();
    assert!(matches!(app.auth().verify(&eastern).await.unwrap(), AuthState::SignedIn { .. }));
}

/// The fifth wrong code locks the ID on the server: the attempt is over, the app goes back to the
/// first step and says how long the pause lasts.
#[tokio::test]
async fn a_fifth_wrong_code_locks_the_id_and_goes_back_to_the_first_step() {
    let world = World::new().await;
    let (app, _, wrong) = at_the_code_step(&world).await;
    for _ in 0..4 {
        assert_eq!(app.auth().verify(wrong).await.unwrap_err().code(), ErrorCode::CodeIncorrect);
    }
    let error = app.auth().verify(wrong).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::AccountLocked);
    assert_eq!(app.ui_error(error).params.minutes, Some(15));
    assert!(matches!(app.auth().state(), AuthState::SignedOut { .. }), "back to the first step");
}

#[tokio::test]
async fn wrong_passwords_and_bad_ids_are_refused_with_their_reasons() {
    let world = World::new().await;
    let account = world.accounts().await.remove(0);
    let app = world.app();
    let wrong = app.auth().start(account.national_id.as_str(), "nope".into()).await.unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::InvalidCredentials);
    assert_eq!(
        app.auth().start("1012345678", "x".into()).await.unwrap_err().code(),
        ErrorCode::InvalidNationalId
    );
    assert_eq!(
        app.auth().start(account.national_id.as_str(), String::new()).await.unwrap_err().code(),
        ErrorCode::PasswordRequired
    );
}

#[tokio::test]
async fn lock_and_unlock_with_the_password() {
    let world = World::new().await;
    let account = world.accounts().await.remove(0);
    let app = world.app();
    sign_in_online(&app, &account).await;
    assert!(matches!(app.auth().lock().await, AuthState::Locked { .. }));
    assert_eq!(
        app.records().employee().await.unwrap_err().code(),
        ErrorCode::NotSignedIn,
        "nothing readable while locked"
    );
    assert_eq!(app.auth().unlock("wrong".into()).await.unwrap_err().code(), ErrorCode::WrongPassword);
    assert!(matches!(app.auth().unlock(account.password.clone()).await.unwrap(), AuthState::SignedIn { .. }));
    // Back online through the refresh token in the keychain.
    let view = app.records().employee().await.unwrap();
    assert!(view.cached_at.is_none());
}

#[tokio::test]
async fn an_expired_access_token_is_renewed_silently_and_an_expired_session_says_so() {
    let world = World::new().await;
    let account = world.accounts().await.remove(0);
    let app = world.app();
    sign_in_online(&app, &account).await;
    world.clock.advance(chrono::Duration::minutes(20));
    let view = app.records().employee().await.unwrap();
    assert!(view.cached_at.is_none(), "fetched from the server after a silent refresh");

    world.clock.advance(chrono::Duration::days(31));
    let error = app.records().employee().await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::SessionExpired);
}

/// The server ends the access token while an edit waits (its clock runs ahead of the app's):
/// the push is refused as expired, the app refreshes once and sends the edit in the same round.
#[tokio::test]
async fn a_push_refused_for_an_expired_token_is_sent_again_after_a_refresh() {
    let world = World::new().await;
    let account = world.accounts().await.remove(0);
    let app = world.app();
    sign_in_online(&app, &account).await;
    app.sync().round().await;
    let view = app.records().local_view().await.unwrap();
    let edit = masar_protocol::sync::MutationBody::UpdateContact(masar_protocol::sync::ContactUpdate {
        mobile: "0555000999".into(),
        email: view.profile.email.clone(),
        address: view.profile.address.clone(),
    });
    world.clock.advance(chrono::Duration::minutes(20));
    app.outbox().queue_edit(edit, vec!["mobile".into()]).await.unwrap();
    let status = app.sync().round().await;
    assert!(matches!(status, masar_core::sync::SyncStatus::Synced { pending: 0, .. }), "{status:?}");
    assert_eq!(app.records().local_view().await.unwrap().profile.mobile, "+966555000999");
}

/// The same with nothing to push: the pull is refused as expired, refreshed once and pulled; once
/// the whole session is over, the round says so (the app then asks for a new sign-in).
#[tokio::test]
async fn a_pull_refused_for_an_expired_token_is_sent_again_and_an_ended_session_is_reported() {
    let world = World::new().await;
    let account = world.accounts().await.remove(0);
    let app = world.app();
    sign_in_online(&app, &account).await;
    app.sync().round().await;
    world.clock.advance(chrono::Duration::minutes(20));
    let status = app.sync().round().await;
    assert!(matches!(status, masar_core::sync::SyncStatus::Synced { pending: 0, .. }), "{status:?}");

    world.clock.advance(chrono::Duration::days(31));
    let status = app.sync().round().await;
    let masar_core::sync::SyncStatus::Failed { reason, .. } = status else { panic!("{status:?}") };
    assert_eq!(reason.code, ErrorCode::SessionExpired);
}

#[tokio::test]
async fn sign_out_forgets_the_refresh_token_and_keeps_the_profile_listed() {
    let world = World::new().await;
    let account = world.accounts().await.remove(0);
    let app = world.app();
    let AuthState::SignedIn { session } = sign_in_online(&app, &account).await else { panic!() };
    let key = format!("refresh-token:{}", session.profile_id);
    assert!(world.keychain.get(&key).unwrap().is_some());
    let AuthState::SignedOut { profiles } = app.auth().sign_out().await else { panic!("signed out") };
    assert_eq!(profiles.len(), 1);
    assert!(world.keychain.get(&key).unwrap().is_none(), "the refresh token left the keychain");
    assert_eq!(app.records().employee().await.unwrap_err().code(), ErrorCode::NotSignedIn);
}

#[tokio::test]
async fn refreshes_that_race_never_look_like_a_stolen_token() {
    let world = World::new().await;
    let account = world.accounts().await.remove(0);
    let app = world.app();
    sign_in_online(&app, &account).await;
    for _ in 0..5 {
        // Unlocking leaves no access token: the view and the sync round both need a refresh at once.
        app.auth().lock().await;
        app.auth().unlock(account.password.clone()).await.unwrap();
        // The sync loop starts first (as after an unlock), the page asks while it refreshes.
        let (round, view) = tokio::join!(app.sync().round(), app.records().employee());
        assert!(view.is_ok(), "{view:?}");
        assert!(matches!(round, masar_core::sync::SyncStatus::Synced { .. }), "{round:?}");
    }
    assert!(app.records().employee().await.is_ok(), "the session is still alive");
}
