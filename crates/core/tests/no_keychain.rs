//! A workstation without a system keychain is a supported case: the employee signs in, works
//! and stays signed in (the refresh token sealed beside the vault), offline too, with the
//! passphrase alone protecting the copy; said once. A keychain that appears later takes the
//! profile over, its session included. A keychain copy whose keychain is out of reach in this
//! session opens with a single sign-on (the server's escrow key) and takes a new passphrase,
//! its queued work intact. Against the real server in-process, through the fault proxy.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use masar_core::signin::PassphraseReason;
use masar_core::sync::SyncStatus;
use masar_core::vault::{KeyNotice, KeyProtection};
use masar_core::{AuthState, ErrorCode, Keychain, SessionInfo};
use masar_protocol::sync::{ContactUpdate, MutationBody};
use masar_test_support::{Fault, World, open_app, open_offline};

fn signed_in(step: &AuthState) -> &SessionInfo {
    match step {
        AuthState::SignedIn { session } => session,
        other => panic!("expected to be signed in, got {other:?}"),
    }
}

async fn without_keychain() -> World {
    World::signed_in_with(|options| options.keychain = Some(Keychain::absent())).await
}

fn profile_dir(world: &World, profile_id: &str) -> PathBuf {
    world.app_dir.path().join("data/profiles").join(profile_id)
}

fn code_of(result: Result<AuthState, masar_test_support::SignInError>) -> ErrorCode {
    match result {
        Err(masar_test_support::SignInError::Core(error)) => error.code(),
        other => panic!("expected the core to refuse, got {other:?}"),
    }
}

fn folders(world: &World) -> usize {
    std::fs::read_dir(world.app_dir.path().join("data/profiles")).unwrap().count()
}

/// Queues a new mobile with the network refused.
async fn edit_offline(app: &masar_core::MasarCore, world: &World, mobile: &str) {
    app.sync().round().await;
    world.proxy.set(Fault::Refuse);
    let view = app.records().local_view().await.unwrap();
    let edit = MutationBody::UpdateContact(ContactUpdate {
        mobile: mobile.into(),
        email: view.profile.email.clone(),
        address: view.profile.address.clone(),
    });
    app.outbox().queue_edit(edit, vec!["mobile".into()]).await.unwrap();
}

#[tokio::test]
async fn without_a_keychain_the_employee_signs_in_works_and_signs_in_again_offline() {
    let world = without_keychain().await;
    let session = world.app.auth().state();
    let session = signed_in(&session);
    assert_eq!(session.key_protection, KeyProtection::PasswordOnly);
    assert_eq!(session.key_notice, Some(KeyNotice::NoKeychain), "said at this sign-in");
    let sealed = profile_dir(&world, &session.profile_id).join("refresh-token.sealed");
    let first_seal = std::fs::read(&sealed).unwrap();
    let fields: serde_json::Value = serde_json::from_slice(&first_seal).unwrap();
    assert_eq!(fields.as_object().unwrap().keys().collect::<Vec<_>>(), ["ciphertext", "nonce"]);

    // Offline, an edit waits; the app locks (the access token is forgotten). The password
    // alone unlocks it (a wrong one is counted) and the notice is not said again.
    edit_offline(&world.app, &world, "0555000801").await;
    world.app.auth().lock().await;
    assert_eq!(world.app.auth().unlock("wrong".into()).await.unwrap_err().code(), ErrorCode::WrongPassword);
    let unlocked = world.app.auth().unlock(world.account.password.clone()).await.unwrap();
    assert_eq!(signed_in(&unlocked).key_notice, None);

    // The network returns: the session goes on from the sealed refresh token (rotated and
    // sealed again) and the edit is sent.
    world.proxy.set(Fault::Pass);
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Synced { pending: 0, .. }), "{status:?}");
    assert_ne!(std::fs::read(&sealed).unwrap(), first_seal, "the rotated token was sealed again");
    assert_eq!(world.server_profile().mobile, "+966555000801");

    // Signing out removes the sealed token; offline, the passphrase opens the copy again.
    world.app.auth().sign_out().await;
    assert!(!sealed.exists(), "the refresh token is gone with the sign-out");
    world.proxy.set(Fault::Refuse);
    world.app.check_connection().await;
    let offline = open_offline(&world.app, &world.account.password).await.unwrap();
    let offline = signed_in(&offline);
    assert!(!offline.online);
    assert_eq!((offline.key_protection, offline.key_notice), (KeyProtection::PasswordOnly, None));
    assert_eq!(world.app.records().local_view().await.unwrap().profile.mobile, "+966555000801");
}

#[tokio::test]
async fn a_keychain_that_appears_takes_the_profile_and_its_session_over() {
    let world = without_keychain().await;
    let profile_id = signed_in(&world.app.auth().state()).profile_id.clone();
    edit_offline(&world.app, &world, "0555000802").await;
    // The app closes at the lock screen: the copy and its sealed session stay.
    world.app.auth().lock().await;

    // Started again where a keychain answers, still offline: the passphrase opens the copy and
    // the profile moves to the keychain; the refresh token stays sealed by the vault (never in
    // the keychain, where anyone on the OS account could read it).
    let keychain = Keychain::in_memory().unwrap();
    let app = open_app(&world.proxy.url, world.app_dir.path(), &keychain);
    app.check_connection().await;
    let step = open_offline(&app, &world.account.password).await.unwrap();
    let session = signed_in(&step);
    assert_eq!(session.key_protection, KeyProtection::Keychain);
    assert_eq!(session.key_notice, Some(KeyNotice::MovedToKeychain));
    assert!(keychain.get(&format!("vault-secret:{profile_id}")).unwrap().is_some());
    assert!(keychain.get(&format!("refresh-token:{profile_id}")).unwrap().is_none());
    assert!(profile_dir(&world, &profile_id).join("refresh-token.sealed").exists());

    // The network returns: the moved session sends the edit, once, with no new sign-in.
    world.proxy.set(Fault::Pass);
    let status = app.sync().round().await;
    assert!(matches!(status, SyncStatus::Synced { pending: 0, .. }), "{status:?}");
    assert_eq!(world.server_profile().mobile, "+966555000802");
    assert_eq!(world.count("SELECT count(*) FROM changes WHERE version > 1"), 1);

    // From now on the copy needs that keychain: the password alone does not open it.
    let error = world.app.auth().unlock(world.account.password.clone()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::KeychainUnavailable);
}

#[tokio::test]
async fn a_copy_whose_keychain_is_out_of_reach_opens_by_sign_on_and_takes_a_new_passphrase() {
    let world = World::signed_in().await;
    edit_offline(&world.app, &world, "0555000803").await;
    world.app.auth().lock().await;

    // Started from a terminal with no keychain: offline, the passphrase cannot open the copy
    // (its key needs the keychain's secret), and the message says where its key is.
    let bare = open_app(&world.proxy.url, world.app_dir.path(), &Keychain::absent());
    bare.check_connection().await;
    let offline = open_offline(&bare, &world.account.password).await;
    assert_eq!(code_of(offline), ErrorCode::KeychainUnavailable);

    // Online, a sign-on opens it with the server's escrow key and asks for a new passphrase
    // (the old one cannot work here): the same copy, its edit still queued.
    world.proxy.set(Fault::Pass);
    bare.check_connection().await;
    let step = masar_test_support::sign_on(
        &bare,
        world.account.national_id.as_str(),
        &world.account.password,
        masar_core::signin::SignOnPurpose::SignIn,
    )
    .await
    .unwrap();
    assert!(
        matches!(step, AuthState::PassphraseNeeded { reason: PassphraseReason::KeyLost, unsent: Some(u), .. } if u.edits == 1),
        "{step:?}"
    );
    let step =
        bare.auth().set_passphrase("a new passphrase".into(), "a new passphrase".into()).await.unwrap();
    let session = signed_in(&step);
    assert_eq!(
        (session.key_protection, session.key_notice),
        (KeyProtection::PasswordOnly, Some(KeyNotice::NoKeychain))
    );
    assert_eq!(folders(&world), 1, "nothing set aside or replaced");
    assert!(matches!(bare.sync().round().await, SyncStatus::Synced { pending: 0, .. }));
    assert_eq!(world.server_profile().mobile, "+966555000803");
    assert_eq!(world.count("SELECT count(*) FROM changes WHERE version > 1"), 1, "sent once");
}
