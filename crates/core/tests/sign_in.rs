//! Signing in through the core against the real server in-process on 127.0.0.1:0: the single
//! sign-on (the provider's pages filled in by a browser that goes back to the app's port), the
//! first passphrase, offline with the passphrase, locking, silent refresh, the session's end and
//! a sign-on again over the open page, signing out.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use masar_core::signin::{PassphraseReason, SignOnPurpose};
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
        // The server's clock starts at the real time (the app checks the ID token's times on
        // its own clock) and is moved forward by the tests.
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
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

async fn sign_in_online(app: &MasarCore, account: &DemoAccount) -> AuthState {
    app.check_connection().await;
    masar_test_support::sign_in(app, account.national_id.as_str(), &account.password).await.unwrap()
}

/// The single sign-on of `account` for `purpose` (see `masar_test_support::sign_on`).
async fn sign_on_as(
    app: &MasarCore,
    account: &DemoAccount,
    purpose: SignOnPurpose,
) -> Result<AuthState, masar_test_support::SignInError> {
    masar_test_support::sign_on(app, account.national_id.as_str(), &account.password, purpose).await
}

fn core_code(result: Result<AuthState, masar_test_support::SignInError>) -> ErrorCode {
    match result {
        Err(masar_test_support::SignInError::Core(error)) => error.code(),
        other => panic!("expected the core to refuse, got {other:?}"),
    }
}

#[tokio::test]
async fn the_first_sign_on_asks_for_a_passphrase_and_the_next_opens_the_same_vault_without_it() {
    let world = World::new().await;
    let account = world.accounts().await.remove(0);
    let app = world.app();
    app.check_connection().await;
    let step = sign_on_as(&app, &account, SignOnPurpose::SignIn).await.unwrap();
    let AuthState::PassphraseNeeded { display_name, reason, unsent } = &step else { panic!("{step:?}") };
    assert_eq!(
        (display_name, *reason, *unsent),
        (&account.name_ar.first, PassphraseReason::FirstSignOn, None)
    );
    let step = app.auth().set_passphrase("palm tree oasis".into(), "palm tree oasis".into()).await.unwrap();
    let AuthState::SignedIn { session } = step else { panic!("{step:?}") };
    assert!(session.online);
    assert_eq!(session.masked_id, account.national_id.masked());
    let profile = session.profile_id.clone();
    app.auth().sign_out().await;

    // A sign-on later: the vault opens with the server's escrow key; no passphrase asked.
    let step = sign_on_as(&app, &account, SignOnPurpose::SignIn).await.unwrap();
    let AuthState::SignedIn { session } = step else { panic!("{step:?}") };
    assert_eq!(session.profile_id, profile);

    // Another employee on the same workstation gets their own vault and their own passphrase.
    app.auth().sign_out().await;
    let other = world.accounts().await.remove(1);
    let step = sign_on_as(&app, &other, SignOnPurpose::SignIn).await.unwrap();
    assert!(
        matches!(step, AuthState::PassphraseNeeded { reason: PassphraseReason::FirstSignOn, .. }),
        "{step:?}"
    );
    app.auth().cancel().await;
    let AuthState::SignedOut { profiles } = app.auth().state() else { panic!("signed out") };
    assert_eq!(profiles.len(), 1, "the step left makes no vault");
}

#[tokio::test]
async fn online_sign_in_then_offline_with_the_passphrase_shows_the_cached_record() {
    let mut world = World::new().await;
    let account = world.accounts().await.remove(0);

    let app = world.app();
    let signed = sign_in_online(&app, &account).await;
    let AuthState::SignedIn { session } = signed else { panic!("{signed:?}") };
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
    assert_eq!(profiles[0].masked_id, account.national_id.masked());
    let error = app.auth().begin_sign_on(SignOnPurpose::SignIn).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::ServerUnreachable, "the sign-on needs the network");

    let wrong = app.auth().open_offline(&session.profile_id, "not-it".into()).await.unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::WrongPassword);
    let offline = app.auth().open_offline(&session.profile_id, account.password.clone()).await.unwrap();
    let AuthState::SignedIn { session } = offline else { panic!("{offline:?}") };
    assert!(!session.online);
    assert_eq!(session.national_id, account.national_id.as_str(), "read from inside the vault");
    let view = app.records().employee().await.unwrap();
    assert_eq!(view.profile, online_view.profile);
    assert!(view.cached_at.is_some(), "shown from the local copy");
}

#[tokio::test]
async fn a_stranger_cannot_sign_in_offline_and_is_told_why() {
    let mut world = World::new().await;
    world.stop_server().await;
    let app = world.app();
    let error = app.auth().begin_sign_on(SignOnPurpose::SignIn).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::FirstSignInNeedsNetwork);
    assert_eq!(app.ui_error(error).code, ErrorCode::FirstSignInNeedsNetwork);
}

/// A second click answers the sign-on under way; cancelling ends it (its port closes) and the
/// app is back at the start.
#[tokio::test]
async fn a_second_click_starts_nothing_and_cancel_ends_the_sign_on() {
    let world = World::new().await;
    let app = world.app();
    app.check_connection().await;
    let first = app.auth().begin_sign_on(SignOnPurpose::SignIn).await.unwrap();
    assert!(!first.browser_opened, "no browser in this test: the address is shown to copy");
    let second = app.auth().begin_sign_on(SignOnPurpose::SignIn).await.unwrap();
    assert_eq!(first, second, "the same sign-on");
    assert!(matches!(app.auth().state(), AuthState::SigningOn { sign_on } if sign_on == first));
    let auth = app.auth().clone();
    let waiting = tokio::spawn(async move { auth.finish_sign_on().await });
    let url = url::Url::parse(&first.url).unwrap();
    let redirect = url.query_pairs().find(|(k, _)| k == "redirect_uri").unwrap().1.into_owned();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(matches!(app.auth().cancel().await, AuthState::SignedOut { .. }));
    let outcome = waiting.await.unwrap();
    assert_eq!(outcome.unwrap_err().code(), ErrorCode::SignOnCancelled);
    assert!(reqwest::get(&redirect).await.is_err(), "the port is closed");
    // A new sign-on is a new one.
    let again = app.auth().begin_sign_on(SignOnPurpose::SignIn).await.unwrap();
    assert_ne!(again.url, first.url);
}

#[tokio::test]
async fn lock_and_unlock_with_the_passphrase() {
    let world = World::new().await;
    let account = world.accounts().await.remove(0);
    let app = world.app();
    sign_in_online(&app, &account).await;
    assert!(matches!(app.auth().lock().await, AuthState::Locked { needs_sign_on: false, .. }));
    assert_eq!(
        app.records().employee().await.unwrap_err().code(),
        ErrorCode::NotSignedIn,
        "nothing readable while locked"
    );
    assert_eq!(app.auth().unlock("wrong".into()).await.unwrap_err().code(), ErrorCode::WrongPassword);
    assert!(matches!(app.auth().unlock(account.password.clone()).await.unwrap(), AuthState::SignedIn { .. }));
    // Back online through the refresh token sealed by the vault.
    let view = app.records().employee().await.unwrap();
    assert!(view.cached_at.is_none());
}

/// The access token expires: renewed silently. The session's absolute lifetime ends: the app
/// says so, and a sign-on over the open page by the same employee carries on (another
/// employee's is refused and changes nothing).
#[tokio::test]
async fn an_ended_session_is_signed_on_again_over_the_open_page() {
    let world = World::new().await;
    let accounts = world.accounts().await;
    let (account, other) = (&accounts[0], &accounts[1]);
    let app = world.app();
    sign_in_online(&app, account).await;
    world.clock.advance(chrono::Duration::minutes(20));
    let view = app.records().employee().await.unwrap();
    assert!(view.cached_at.is_none(), "fetched from the server after a silent refresh");

    world.clock.advance(chrono::Duration::hours(12));
    let error = app.records().employee().await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::SessionExpired);

    let refused = sign_on_as(&app, other, SignOnPurpose::Renew).await;
    assert_eq!(core_code(refused), ErrorCode::AnotherEmployee);
    assert_eq!(app.records().employee().await.unwrap_err().code(), ErrorCode::SessionExpired);

    let step = sign_on_as(&app, account, SignOnPurpose::Renew).await.unwrap();
    assert!(matches!(step, AuthState::SignedIn { .. }), "{step:?}");
    let view = app.records().employee().await.unwrap();
    assert!(view.cached_at.is_none(), "the page goes on online");
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
/// the whole session is over, the round says so (the app then asks for a new sign-on).
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

    world.clock.advance(chrono::Duration::hours(13));
    let status = app.sync().round().await;
    let masar_core::sync::SyncStatus::Failed { reason, .. } = status else { panic!("{status:?}") };
    assert_eq!(reason.code, ErrorCode::SessionExpired);
}

#[tokio::test]
async fn sign_out_revokes_and_forgets_the_refresh_token_and_keeps_the_profile_listed() {
    let world = World::new().await;
    let account = world.accounts().await.remove(0);
    let app = world.app();
    let AuthState::SignedIn { session } = sign_in_online(&app, &account).await else { panic!() };
    let sealed =
        world.dir.path().join("data/profiles").join(&session.profile_id).join("refresh-token.sealed");
    assert!(sealed.exists());
    assert!(world.keychain.get(&format!("refresh-token:{}", session.profile_id)).unwrap().is_none());
    let AuthState::SignedOut { profiles } = app.auth().sign_out().await else { panic!("signed out") };
    assert_eq!(profiles.len(), 1);
    assert!(!sealed.exists(), "the refresh token is gone");
    assert_eq!(app.records().employee().await.unwrap_err().code(), ErrorCode::NotSignedIn);
    // The provider ended the session: its revocation is recorded on the server.
    let server_db = rusqlite::Connection::open(world._server_dir.path().join("masar.db")).unwrap();
    let revoked: i64 = server_db
        .query_row("SELECT count(*) FROM token_families WHERE revoked_at IS NOT NULL", [], |row| row.get(0))
        .unwrap();
    assert_eq!(revoked, 1);
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

/// Without a policy the server address is a setting; changing it signs everyone out of this
/// workstation first: the session ends here and at the provider, and every profile's sealed
/// session is gone (a token of one server is never sent to another).
#[tokio::test]
async fn changing_the_server_address_signs_everyone_out_of_this_workstation() {
    let world = World::new().await;
    let accounts = world.accounts().await;
    let app = world.app();
    let AuthState::SignedIn { session: first } = sign_in_online(&app, &accounts[0]).await else { panic!() };
    app.auth().sign_out().await;
    let AuthState::SignedIn { session: second } = sign_in_online(&app, &accounts[1]).await else { panic!() };
    let sealed =
        |profile: &str| world.dir.path().join("data/profiles").join(profile).join("refresh-token.sealed");
    assert!(!sealed(&first.profile_id).exists(), "signed out");
    assert!(sealed(&second.profile_id).exists());

    let input = masar_core::SettingsInput {
        server_url: "http://127.0.0.1:9".into(),
        language: masar_core::Language::Ar,
        idle_lock_minutes: 10,
        text_size: 100,
    };
    app.save_settings(&input).await.unwrap();
    let AuthState::SignedOut { profiles } = app.auth().state() else { panic!("signed out") };
    assert_eq!(profiles.len(), 2, "the copies stay, listed");
    assert!(!sealed(&second.profile_id).exists(), "the session of the old server is gone");
    let server_db = rusqlite::Connection::open(world._server_dir.path().join("masar.db")).unwrap();
    let live: i64 = server_db
        .query_row("SELECT count(*) FROM token_families WHERE revoked_at IS NULL", [], |row| row.get(0))
        .unwrap();
    assert_eq!(live, 0, "both sessions ended at the provider");
}
