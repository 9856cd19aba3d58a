//! What an app on this workstation leaves on disk holds nothing of the employee's data in the
//! clear: not the cached record, not a queued edit, not a draft, not the full national ID, not
//! a token; in the vault files (with the WAL and shared-memory files beside them), profile.json
//! and the sealed refresh token; and the keychain holds no token. And the vault of a real start
//! (no test shortcut) is protected with the Argon2id cost the README states.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use masar_core::edits::Form;
use masar_protocol::NationalAddress;
use masar_protocol::sync::{ContactUpdate, MutationBody};
use masar_test_support::{Fault, World};

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn no_record_edit_or_draft_is_readable_on_disk() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    world.proxy.set(Fault::Refuse);
    let view = world.app.records().local_view().await.unwrap();
    let edit = MutationBody::UpdateContact(ContactUpdate {
        mobile: "0555987123".into(),
        email: "hidden.mail@example.sa".into(),
        address: NationalAddress { street: "شارع الكتمان".into(), ..view.profile.address.clone() },
    });
    world
        .app
        .outbox()
        .queue_edit(edit, vec!["mobile".into(), "email".into(), "address.street".into()])
        .await
        .unwrap();
    let draft = [("district".to_owned(), "حي المسودة".to_owned())].into_iter().collect();
    world.app.drafts().save(Form::Contact, draft).await.unwrap();

    // Every token that crossed the wire: the sign-on's and the refreshes' (the proxy is the
    // provider's address too).
    let tokens = world.proxy.tokens_seen();
    assert!(tokens.len() >= 2, "the sign-on's tokens were seen: {}", tokens.len());
    let profiles = world.app_dir.path().join("data/profiles");
    let files = files_under(&profiles);
    let names: Vec<String> =
        files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for expected in ["vault.db", "vault.db-wal", "vault.db-shm", "profile.json"] {
        assert!(names.iter().any(|n| n == expected), "{expected} is among {names:?}");
    }
    let profile = &view.profile;
    let mut needles = vec![
        "555987123".to_owned(),
        "hidden.mail".to_owned(),
        "شارع الكتمان".to_owned(),
        "حي المسودة".to_owned(),
        profile.name_ar.family.clone(),
        profile.name_en.family.clone(),
        profile.entity.clone(),
        profile.email.clone(),
        profile.mobile.trim_start_matches("+966").to_owned(),
        "SQLite format".to_owned(),
    ];
    needles.retain(|n| !n.is_empty());
    let mut scanned = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        scanned += bytes.len();
        let name = file.file_name().unwrap().to_string_lossy();
        for needle in &needles {
            assert!(!contains(&bytes, needle), "{needle:?} readable in {name}");
        }
        // No file outside the vault's encryption holds the full national ID (the start screen
        // has the masked one), and no token the provider gave is readable anywhere.
        assert!(!contains(&bytes, world.account.national_id.as_str()), "the ID readable in {name}");
        for token in &tokens {
            assert!(!contains(&bytes, token), "a token readable in {name}");
        }
    }
    assert!(scanned > 10_000, "the files hold the data, encrypted: {scanned} bytes");
    let profile_id = files
        .iter()
        .find(|p| p.ends_with("profile.json"))
        .and_then(|p| p.parent()?.file_name()?.to_str().map(str::to_owned))
        .unwrap();
    for account in [format!("refresh-token:{profile_id}"), format!("access-token:{profile_id}")] {
        assert!(world.keychain.get(&account).unwrap().is_none(), "{account} in the keychain");
    }
}

#[tokio::test]
async fn a_real_start_protects_the_vault_with_argon2id_at_128_mib_and_two_passes() {
    let world = World::signed_in_with(|options| options.kdf = None).await;
    let profiles = world.app_dir.path().join("data/profiles");
    let meta = files_under(&profiles).into_iter().find(|p| p.ends_with("profile.json")).unwrap();
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(meta).unwrap()).unwrap();
    assert_eq!(
        meta["kdf"],
        serde_json::json!({ "memory_kib": 131_072, "iterations": 2, "parallelism": 1 }),
        "the README's 128 MiB, 2 passes"
    );
}
