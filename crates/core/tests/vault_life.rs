//! Nothing unsent is ever orphaned by the vault's life cycle: a single sign-on opens the
//! employee's vault whatever happened to the passphrase (five wrong ones, a forgotten one, its
//! keychain secret lost), with the escrow key the server keeps for it; a passing disk error
//! replaces nothing. Each path ends with every unsent edit on the server exactly once, and no
//! copy set aside.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use masar_core::signin::{PassphraseReason, SignOnPurpose};
use masar_core::sync::SyncStatus;
use masar_core::vault::UnsentWork;
use masar_core::{AuthState, EmployeeView, ErrorCode};
use masar_protocol::NationalAddress;
use masar_protocol::sync::{ContactUpdate, MutationBody};
use masar_test_support::{Fault, World, sign_on};

fn contact(view: &EmployeeView, mobile: &str) -> MutationBody {
    let p = &view.profile;
    MutationBody::UpdateContact(ContactUpdate {
        mobile: mobile.into(),
        email: p.email.clone(),
        address: NationalAddress { ..p.address.clone() },
    })
}

/// Test steps on the shared world.
trait Steps {
    async fn offline_work(&self, mobile: &str);
    async fn settle(&self) -> (String, i64);
    fn folders(&self) -> Vec<String>;
}

impl Steps for World {
    /// Offline: queues a mobile edit and types a draft of the personal form.
    async fn offline_work(&self, mobile: &str) {
        self.app.sync().round().await;
        self.proxy.set(Fault::Refuse);
        let view = self.app.records().local_view().await.unwrap();
        self.app.outbox().queue_edit(contact(&view, mobile), vec!["mobile".into()]).await.unwrap();
        let draft = [("first".to_owned(), "Muneera".to_owned())].into_iter().collect();
        self.app.drafts().save(masar_core::edits::Form::Personal, draft).await.unwrap();
        assert!(matches!(self.app.sync().round().await, SyncStatus::Offline { pending: 1 }));
    }

    /// Rounds until nothing waits; then the server's mobile and how often the edit was applied.
    async fn settle(&self) -> (String, i64) {
        self.proxy.set(Fault::Pass);
        let mut last = SyncStatus::Idle;
        for _ in 0..5 {
            last = self.app.sync().round().await;
            if matches!(last, SyncStatus::Synced { pending: 0, .. }) {
                let applied = self.count("SELECT count(*) FROM changes WHERE version > 1");
                return (self.server_profile().mobile, applied);
            }
        }
        panic!("sync did not settle: {last:?}");
    }

    fn folders(&self) -> Vec<String> {
        let root = self.app_dir.path().join("data/profiles");
        let mut names: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

fn signed_in(step: &AuthState) -> &masar_core::SessionInfo {
    match step {
        AuthState::SignedIn { session } => session,
        other => panic!("expected to be signed in, got {other:?}"),
    }
}

/// A sign-on for `purpose` with the network passing; the step it leads to.
async fn sign_on_now(world: &World, purpose: SignOnPurpose) -> AuthState {
    world.proxy.set(Fault::Pass);
    world.app.check_connection().await;
    sign_on(&world.app, world.account.national_id.as_str(), &world.account.password, purpose).await.unwrap()
}

#[tokio::test]
async fn after_five_wrong_passphrases_only_a_sign_on_opens_the_same_vault() {
    let world = World::signed_in().await;
    world.offline_work("0555000701").await;

    // At the lock screen: five wrong passphrases hand the copy over to the sign-on.
    world.app.auth().lock().await;
    for _ in 0..4 {
        let error = world.app.auth().unlock("wrong".into()).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::WrongPassword);
    }
    assert_eq!(world.app.auth().unlock("wrong".into()).await.unwrap_err().code(), ErrorCode::NeedsSignOn);
    // Even the right passphrase no longer opens it.
    let error = world.app.auth().unlock(world.account.password.clone()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::NeedsSignOn);
    assert!(matches!(world.app.auth().state(), AuthState::Locked { needs_sign_on: true, .. }));

    // The network is back; a sign-on opens the same vault, its work intact.
    let step = sign_on_now(&world, SignOnPurpose::SignIn).await;
    signed_in(&step);
    assert_eq!(world.app.outbox().unsent_work().await.unwrap(), Some(UnsentWork { edits: 1, drafts: 1 }));
    assert!(world.app.drafts().load(masar_core::edits::Form::Personal).await.unwrap().is_some());
    assert_eq!(world.folders().len(), 1, "no vault set aside or replaced: {:?}", world.folders());
    assert_eq!(world.settle().await, ("+966555000701".into(), 1), "the edit reached the server once");
    assert_eq!(world.count("SELECT count(*) FROM sync_results"), 1);
    // And the passphrase opens it again (the count starts over).
    world.app.auth().lock().await;
    signed_in(&world.app.auth().unlock(world.account.password.clone()).await.unwrap());
}

#[tokio::test]
async fn a_forgotten_passphrase_is_a_new_one_after_a_sign_on_with_the_offline_edit_still_queued() {
    let world = World::signed_in().await;
    world.offline_work("0555000702").await;
    world.app.auth().sign_out().await;

    let step = sign_on_now(&world, SignOnPurpose::NewPassphrase).await;
    match &step {
        AuthState::PassphraseNeeded { reason, unsent, .. } => {
            assert_eq!(*reason, PassphraseReason::Forgotten);
            assert_eq!(*unsent, Some(UnsentWork { edits: 1, drafts: 1 }));
        }
        other => panic!("expected to choose a new passphrase, got {other:?}"),
    }
    let weak = world.app.auth().set_passphrase("short".into(), "short".into()).await.unwrap_err();
    assert_eq!(weak.code(), ErrorCode::PassphraseTooWeak);
    let mismatch = world
        .app
        .auth()
        .set_passphrase("a new passphrase".into(), "a new passphrasE".into())
        .await
        .unwrap_err();
    assert_eq!(mismatch.code(), ErrorCode::PassphraseMismatch);
    assert!(matches!(world.app.auth().state(), AuthState::PassphraseNeeded { .. }), "still asked");
    let step =
        world.app.auth().set_passphrase("a new passphrase".into(), "a new passphrase".into()).await.unwrap();
    signed_in(&step);
    assert!(world.app.drafts().load(masar_core::edits::Form::Personal).await.unwrap().is_some());
    assert_eq!(world.settle().await, ("+966555000702".into(), 1));

    // From now on the new passphrase opens it offline, and the old one no longer does.
    world.app.auth().lock().await;
    assert_eq!(
        world.app.auth().unlock(world.account.password.clone()).await.unwrap_err().code(),
        ErrorCode::WrongPassword
    );
    signed_in(&world.app.auth().unlock("a new passphrase".into()).await.unwrap());
    assert_eq!(world.folders().len(), 1, "{:?}", world.folders());
}

#[tokio::test]
async fn a_lost_keychain_secret_is_a_new_passphrase_after_a_sign_on_not_a_lost_vault() {
    let world = World::signed_in().await;
    world.offline_work("0555000704").await;
    world.app.auth().sign_out().await;
    let profile = world.folders().pop().unwrap();
    world.keychain.delete(&format!("vault-secret:{profile}")).unwrap();

    let step = sign_on_now(&world, SignOnPurpose::SignIn).await;
    assert!(
        matches!(step, AuthState::PassphraseNeeded { reason: PassphraseReason::KeyLost, .. }),
        "{step:?}"
    );
    let step =
        world.app.auth().set_passphrase("palm tree oasis".into(), "palm tree oasis".into()).await.unwrap();
    assert_eq!(signed_in(&step).profile_id, profile, "the same vault");
    assert_eq!(world.folders(), vec![profile], "nothing set aside");
    assert_eq!(world.settle().await, ("+966555000704".into(), 1));
}

#[tokio::test]
async fn a_disk_error_at_sign_in_is_an_error_and_replaces_nothing() {
    let world = World::signed_in().await;
    world.offline_work("0555000705").await;
    world.app.auth().sign_out().await;
    let profile = world.folders().pop().unwrap();
    let vault = world.app_dir.path().join("data/profiles").join(&profile).join("vault.db");
    let aside = vault.with_extension("moved");
    // The database cannot be opened for now (here: a folder where the file should be).
    std::fs::rename(&vault, &aside).unwrap();
    std::fs::create_dir(&vault).unwrap();

    world.proxy.set(Fault::Pass);
    world.app.check_connection().await;
    let error = sign_on(
        &world.app,
        world.account.national_id.as_str(),
        &world.account.password,
        SignOnPurpose::SignIn,
    )
    .await
    .unwrap_err();
    let masar_test_support::SignInError::Core(error) = error else { panic!("{error:?}") };
    assert_eq!(error.code(), ErrorCode::VaultUnavailable);
    assert_eq!(world.folders(), vec![profile.clone()], "nothing set aside, nothing new");

    // The disk is fine again: the same vault, the same edit, sent once.
    std::fs::remove_dir(&vault).unwrap();
    std::fs::rename(&aside, &vault).unwrap();
    signed_in(&sign_on_now(&world, SignOnPurpose::SignIn).await);
    assert_eq!(world.settle().await, ("+966555000705".into(), 1));
}
