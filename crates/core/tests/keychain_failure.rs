//! A keychain that is there but answers with an error (not an absent one): unlocking says so as
//! an error to retry, touches nothing on disk, and once the keychain answers again the copy
//! opens with its queued edit, which reaches the server exactly once. Against the real server
//! in-process, through the fault proxy.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use masar_core::keychain::KeychainFault;
use masar_core::sync::SyncStatus;
use masar_core::{ErrorCode, Keychain};
use masar_protocol::sync::{ContactUpdate, MutationBody};
use masar_test_support::{Fault, World};

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[tokio::test]
async fn a_failing_keychain_is_an_error_to_retry_that_changes_nothing_and_loses_nothing() {
    let fault = KeychainFault::default();
    let keychain = Keychain::with_fault(&fault).unwrap();
    let world = World::signed_in_with(|options| options.keychain = Some(keychain)).await;
    let version_sql =
        format!("SELECT version FROM employees WHERE national_id = '{}'", world.account.national_id.as_str());
    let version_before = world.count(&version_sql);

    // Offline, the employee changes the mobile; the app locks.
    world.app.sync().round().await;
    world.proxy.set(Fault::Refuse);
    let view = world.app.records().local_view().await.unwrap();
    let edit = MutationBody::UpdateContact(ContactUpdate {
        mobile: "0555000911".into(),
        email: view.profile.email.clone(),
        address: view.profile.address.clone(),
    });
    world.app.outbox().queue_edit(edit, vec!["mobile".into()]).await.unwrap();
    world.app.auth().lock().await;
    let profiles = world.app_dir.path().join("data/profiles");
    let before = snapshot(&profiles);
    assert!(before.len() >= 2, "the vault and its profile are on disk: {:?}", before.keys());

    // The keychain answers with an error: unlocking says so (to retry), twice, and nothing on
    // disk changes (no copy replaced, set aside or re-wrapped; no try counted against the
    // password).
    fault.fail(true);
    for _ in 0..2 {
        let refused = world.app.auth().unlock(world.account.password.clone()).await.unwrap_err();
        assert_eq!(refused.code(), ErrorCode::KeychainFailed);
    }
    assert_eq!(snapshot(&profiles), before, "the failing keychain changed nothing on disk");

    // The keychain answers again: the password opens the copy, the edit is still queued, and
    // with the network back it reaches the server once.
    fault.fail(false);
    world.app.auth().unlock(world.account.password.clone()).await.unwrap();
    assert_eq!(world.app.records().local_view().await.unwrap().profile.mobile, "+966555000911");
    world.proxy.set(Fault::Pass);
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Synced { pending: 0, .. }), "{status:?}");
    assert_eq!(world.server_profile().mobile, "+966555000911");
    world.app.sync().round().await;
    assert_eq!(world.count(&version_sql) - version_before, 1, "applied once");
    assert_eq!(world.count("SELECT count(*) FROM sync_results"), 1, "one mutation, one stored result");
}
