//! Nothing unsent is ever orphaned by the vault's life cycle: a sign-in the server confirmed
//! opens the existing vault whatever the offline lockout says; a password changed elsewhere
//! carries the vault across with the previous password, or sets it aside (listed, recoverable);
//! a lost keychain secret sets it aside too; a passing disk error replaces nothing. Each path
//! ends with every unsent edit on the server exactly once.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use masar_core::sync::SyncStatus;
use masar_core::vault::UnsentWork;
use masar_core::{AuthState, EmployeeView, ErrorCode};
use masar_protocol::NationalAddress;
use masar_protocol::sync::{ContactUpdate, MutationBody};
use masar_server::rules::edits::Actor;
use masar_server::sqlite::apply_edit as apply;
use masar_test_support::{Fault, World};

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
    fn change_password_on_server(&self, new: &str);
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

    /// The server's own password for this employee changes (as at the national SSO).
    fn change_password_on_server(&self, new: &str) {
        let hash = masar_server::auth::password::hash(new).unwrap();
        self.server_db()
            .execute(
                "UPDATE accounts SET password_hash = ?1 WHERE national_id = ?2",
                [hash.as_str(), self.account.national_id.as_str()],
            )
            .unwrap();
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

#[tokio::test]
async fn a_confirmed_sign_in_opens_a_vault_the_offline_lockout_closed() {
    let world = World::signed_in().await;
    world.offline_work("0555000701").await;

    // At the lock screen: five wrong passwords lock the local profile.
    world.app.auth().lock().await;
    for _ in 0..4 {
        let error = world.app.auth().unlock("wrong".into()).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::WrongPassword);
    }
    assert_eq!(world.app.auth().unlock("wrong".into()).await.unwrap_err().code(), ErrorCode::ProfileLocked);
    // Even the right password waits offline.
    let error = world.app.auth().unlock(world.account.password.clone()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::ProfileLocked);

    // Switching user warns first: one edit and one draft would wait.
    assert_eq!(world.app.outbox().unsent_work().await.unwrap(), Some(UnsentWork { edits: 1, drafts: 1 }));
    world.app.auth().sign_out().await;

    // The network is back; the server confirms password and code: the same vault opens.
    let step = world.sign_in_online(&world.account.password).await;
    signed_in(&step);
    assert_eq!(world.app.outbox().unsent_work().await.unwrap(), Some(UnsentWork { edits: 1, drafts: 1 }));
    assert!(world.app.drafts().load(masar_core::edits::Form::Personal).await.unwrap().is_some());
    assert_eq!(world.folders().len(), 1, "no vault set aside or replaced: {:?}", world.folders());
    assert_eq!(world.settle().await, ("+966555000701".into(), 1), "the edit reached the server once");
    assert_eq!(world.count("SELECT count(*) FROM sync_results"), 1);
}

#[tokio::test]
async fn a_password_changed_elsewhere_carries_the_vault_across_with_the_previous_one() {
    let world = World::signed_in().await;
    world.offline_work("0555000702").await;
    world.app.auth().sign_out().await;
    world.change_password_on_server("Changed@2026");

    let step = world.sign_in_online("Changed@2026").await;
    match &step {
        AuthState::PreviousPasswordNeeded { unsent, .. } => {
            assert_eq!(*unsent, Some(UnsentWork { edits: 1, drafts: 1 }));
        }
        other => panic!("expected to be asked for the previous password, got {other:?}"),
    }
    let wrong = world.app.auth().carry_across("not-it".into()).await.unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::PreviousPasswordWrong);
    // Still asked (a wrong previous password ends nothing).
    assert!(matches!(world.app.auth().state(), AuthState::PreviousPasswordNeeded { .. }));

    let step = world.app.auth().carry_across(world.account.password.clone()).await.unwrap();
    signed_in(&step);
    assert!(world.app.drafts().load(masar_core::edits::Form::Personal).await.unwrap().is_some());
    assert_eq!(world.settle().await, ("+966555000702".into(), 1));

    // From now on the new password opens it offline, and the old one no longer does.
    world.app.auth().lock().await;
    assert_eq!(
        world.app.auth().unlock(world.account.password.clone()).await.unwrap_err().code(),
        ErrorCode::WrongPassword
    );
    signed_in(&world.app.auth().unlock("Changed@2026".into()).await.unwrap());
    assert_eq!(world.folders().len(), 1, "{:?}", world.folders());
}

#[tokio::test]
async fn a_vault_set_aside_stays_listed_and_its_edit_recovers_exactly_once() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let view = world.app.records().local_view().await.unwrap();
    world.app.outbox().queue_edit(contact(&view, "0555000703"), vec!["mobile".into()]).await.unwrap();
    // The server applies the edit, and the answer is lost on the way back.
    world.proxy.set(Fault::LoseResponse);
    assert!(!matches!(world.app.sync().round().await, SyncStatus::Synced { .. }));
    assert_eq!(world.count("SELECT count(*) FROM changes WHERE version > 1"), 1, "applied once already");
    world.proxy.set(Fault::Refuse);
    // A second edit, offline: the e-mail.
    let MutationBody::UpdateContact(mut email_edit) = contact(&view, "0555000703") else { unreachable!() };
    email_edit.email = "mine@example.sa".into();
    let email_edit = MutationBody::UpdateContact(email_edit);
    world.app.outbox().queue_edit(email_edit, vec!["email".into()]).await.unwrap();
    let draft = [("first".to_owned(), "Muneera".to_owned())].into_iter().collect();
    world.app.drafts().save(masar_core::edits::Form::Personal, draft).await.unwrap();
    world.app.auth().sign_out().await;

    // HR changes both fields meanwhile: a second application of the mobile edit would be
    // visible, and the e-mail edit meets a conflict.
    let db = world.server_db();
    let (_, version) =
        masar_server::sqlite::records::load_profile(&db, &world.account.national_id).unwrap().unwrap();
    let MutationBody::UpdateContact(mut hr_edit) = contact(&view, "0566000703") else { unreachable!() };
    hr_edit.email = "hr@example.sa".into();
    let hr_edit = MutationBody::UpdateContact(hr_edit);
    let hr = apply(&db, &world.account.national_id, version, &hr_edit, &[], Actor::Hr, 0).unwrap();
    assert!(matches!(hr, masar_protocol::sync::MutationOutcome::Applied { .. }), "{hr:?}");
    world.change_password_on_server("Changed@2026");
    assert!(matches!(world.sign_in_online("Changed@2026").await, AuthState::PreviousPasswordNeeded { .. }));
    let step = world.app.auth().skip_carry_across().await.unwrap();
    let session = signed_in(&step);
    assert_eq!(session.previous.len(), 1, "the copy is listed in the session");
    let copy = session.previous[0].clone();
    assert_eq!(copy.unsent, Some(UnsentWork { edits: 2, drafts: 1 }));
    world.app.auth().sign_out().await;
    match world.app.auth().state() {
        AuthState::SignedOut { profiles } => {
            assert_eq!(profiles.len(), 1);
            assert_eq!(profiles[0].previous, vec![copy.clone()], "and on the start screen");
        }
        other => panic!("{other:?}"),
    }

    signed_in(&world.sign_in_online("Changed@2026").await);
    // Offline, recovery waits and keeps the copy.
    world.proxy.set(Fault::Refuse);
    let offline =
        world.app.previous_copies().recover(&copy.id, world.account.password.clone()).await.unwrap_err();
    assert_eq!(offline.code(), ErrorCode::RecoveryNeedsNetwork);
    // A server that answers with an error is that error, not "no network".
    world.proxy.set(Fault::ServerError);
    let failing =
        world.app.previous_copies().recover(&copy.id, world.account.password.clone()).await.unwrap_err();
    assert_eq!(failing.code(), ErrorCode::ServerError);
    world.proxy.set(Fault::Pass);
    let wrong = world.app.previous_copies().recover(&copy.id, "not-it".into()).await.unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::PreviousPasswordWrong);

    let recovery =
        world.app.previous_copies().recover(&copy.id, world.account.password.clone()).await.unwrap();
    let counts = (recovery.sent, recovery.to_review, recovery.drafts, recovery.removed);
    assert_eq!(counts, (2, 1, 1, true), "{recovery:?}");
    assert_eq!(
        world.count("SELECT count(*) FROM changes WHERE version > 1"),
        2,
        "the employee's edit once and HR's once: the resend under the copy's client id was not applied again"
    );
    assert_eq!(world.server_profile().mobile, "+966566000703", "HR's later value stands");
    assert_eq!(world.count("SELECT count(*) FROM sync_results"), 2, "both edits answered once");
    assert!(world.app.drafts().load(masar_core::edits::Form::Personal).await.unwrap().is_some());
    // The e-mail conflict is now the employee's to settle, here.
    let view = world.app.records().local_view().await.unwrap();
    let contact_form = view.forms.iter().find(|f| f.form == masar_core::edits::Form::Contact).unwrap();
    let masar_core::edits::EditStatus::Conflict { fields, .. } = &contact_form.status else {
        panic!("{:?}", view.forms)
    };
    assert_eq!(fields, &["email"]);
    assert_eq!(world.folders().len(), 1, "the empty copy is gone: {:?}", world.folders());
}

#[tokio::test]
async fn a_lost_keychain_secret_sets_the_vault_aside_with_its_work() {
    let world = World::signed_in().await;
    world.offline_work("0555000704").await;
    world.app.auth().sign_out().await;
    let profile = world.folders().pop().unwrap();
    world.keychain.delete(&format!("vault-secret:{profile}")).unwrap();

    let step = world.sign_in_online(&world.account.password).await;
    let session = signed_in(&step);
    assert_eq!(session.previous.len(), 1, "{:?}", world.folders());
    assert_eq!(session.previous[0].unsent, Some(UnsentWork { edits: 1, drafts: 1 }));
    assert_eq!(world.folders().len(), 2, "the new vault and the copy: {:?}", world.folders());
    // Without the secret nothing opens the copy; it is not deleted either.
    let error =
        world.app.previous_copies().recover(&session.previous[0].id, world.account.password.clone()).await;
    assert_eq!(error.unwrap_err().code(), ErrorCode::KeychainSecretMissing);
    assert_eq!(world.folders().len(), 2);
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
    world.app.auth().start(world.account.national_id.as_str(), world.account.password.clone()).await.unwrap();
    let text = world.app.auth().demo_sms().await.unwrap().pop().unwrap().text;
    let chars: Vec<char> = text.chars().collect();
    let code: String =
        chars.windows(6).find(|w| w.iter().all(char::is_ascii_digit)).unwrap().iter().collect();
    let error = world.app.auth().verify(&code).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::VaultUnavailable);
    assert_eq!(world.folders(), vec![profile.clone()], "nothing set aside, nothing new");

    // The disk is fine again: the same vault, the same edit, sent once.
    std::fs::remove_dir(&vault).unwrap();
    std::fs::rename(&aside, &vault).unwrap();
    signed_in(&world.sign_in_online(&world.account.password).await);
    assert_eq!(world.settle().await, ("+966555000705".into(), 1));
}

#[tokio::test]
async fn a_vault_known_to_hold_nothing_is_replaced_without_asking() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    // An edit made and synced: the count goes back to nothing.
    let view = world.app.records().local_view().await.unwrap();
    world.app.outbox().queue_edit(contact(&view, "0555000706"), vec!["mobile".into()]).await.unwrap();
    assert_eq!(world.settle().await, ("+966555000706".into(), 1));
    world.app.auth().sign_out().await;
    world.change_password_on_server("Changed@2026");
    signed_in(&world.sign_in_online("Changed@2026").await);
    assert_eq!(world.folders().len(), 1, "no empty copy kept: {:?}", world.folders());
}
