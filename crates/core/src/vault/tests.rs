//! The vault's life: create, unlock, lockout, re-wrap, set aside; and a sample record for
//! the other modules' tests.

use masar_protocol::EmployeeRecord;

use super::*;

const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

fn vaults(root: &Path, keychain: &Keychain) -> Vaults {
    Vaults::new(root, keychain.clone(), FAST)
}

fn id() -> NationalId {
    NationalId::parse("1000000008").unwrap()
}

fn password(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

/// An employee record as the demo server sends it (shared by the core's unit tests).
pub(crate) fn sample_record() -> EmployeeRecord {
    masar_protocol::fixtures::sample_record()
}

#[test]
fn a_created_vault_opens_again_with_the_password_and_keeps_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let created = vaults.create(&id(), "منيرة", &password("Masar@0008"), Utc::now()).unwrap();
    created.db.save_record(&sample_record(), Utc::now()).unwrap();
    let profile = created.profile_id.clone();
    drop(created);

    let opened = vaults.unlock(&profile, &password("Masar@0008"), Utc::now()).unwrap();
    let (record, _) = opened.db.load_record().unwrap().unwrap();
    assert_eq!(record, sample_record());
    let listed = vaults.profiles().list();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].masked_id, "1********8");
    assert_eq!(listed[0].display_name, "منيرة");
}

#[test]
fn a_wrong_password_is_an_answer_not_a_crash_and_five_lock_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let profile = vaults.create(&id(), "منيرة", &password("right"), Utc::now()).unwrap().profile_id;
    let now = Utc::now();
    for remaining in (1..MAX_FAILED_UNLOCKS).rev() {
        match vaults.unlock(&profile, &password("wrong"), now) {
            Err(VaultError::WrongPassword { remaining: r }) => assert_eq!(r, remaining),
            other => panic!("expected a wrong password, got {other:?}"),
        }
    }
    assert!(matches!(vaults.unlock(&profile, &password("wrong"), now), Err(VaultError::Locked { .. })));
    // Locked: even the right password waits.
    assert!(matches!(vaults.unlock(&profile, &password("right"), now), Err(VaultError::Locked { .. })));
    let later = now + Duration::minutes(UNLOCK_LOCKOUT_MINUTES) + Duration::seconds(1);
    assert!(vaults.unlock(&profile, &password("right"), later).is_ok());
}

#[test]
fn a_vault_copied_into_another_profile_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let other_id = NationalId::with_check_digit("100000001").unwrap();
    let mine = vaults.create(&id(), "منيرة", &password("same-password"), Utc::now()).unwrap().profile_id;
    let theirs = vaults.create(&other_id, "سارة", &password("same-password"), Utc::now()).unwrap().profile_id;
    // Copy my vault file over theirs: their key (and keychain secret) does not open it.
    std::fs::copy(vaults.profiles().vault_path(&mine), vaults.profiles().vault_path(&theirs)).unwrap();
    match vaults.unlock(&theirs, &password("same-password"), Utc::now()) {
        Err(VaultError::Db(VaultDbError::WrongKey)) => {}
        other => panic!("expected the copied vault to stay shut, got {other:?}"),
    }
    // And my profile.json moved over theirs does not unwrap (the profile id is authenticated).
    let mut meta = vaults.profiles().load(&mine).unwrap().unwrap();
    meta.profile_id = theirs.clone();
    vaults.profiles().save(&meta).unwrap();
    assert!(matches!(
        vaults.unlock(&theirs, &password("same-password"), Utc::now()),
        Err(VaultError::WrongPassword { .. })
    ));
}

#[test]
fn without_the_keychain_secret_the_password_alone_does_not_open_it() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let profile = vaults.create(&id(), "منيرة", &password("right"), Utc::now()).unwrap().profile_id;
    vaults.forget_secret(&profile).unwrap();
    assert!(matches!(
        vaults.unlock(&profile, &password("right"), Utc::now()),
        Err(VaultError::SecretMissing)
    ));
    // Another workstation's keychain (a different store) has no secret either.
    let elsewhere = Vaults::new(dir.path(), Keychain::in_memory().unwrap(), FAST);
    assert!(matches!(
        elsewhere.unlock(&profile, &password("right"), Utc::now()),
        Err(VaultError::SecretMissing)
    ));
}

#[test]
fn the_vault_file_holds_no_plaintext_id_or_name() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let vault = vaults.create(&id(), "منيرة", &password("right"), Utc::now()).unwrap();
    vault.db.save_record(&sample_record(), Utc::now()).unwrap();
    let path = vaults.profiles().vault_path(&vault.profile_id);
    drop(vault);
    let mut bytes = std::fs::read(&path).unwrap();
    if let Ok(wal) = std::fs::read(path.with_extension("db-wal")) {
        bytes.extend(wal);
    }
    assert!(bytes.len() > 1000, "the vault has content");
    for needle in ["1000000008", "الشمري", "Alshammari", "وزارة المالية", "SQLite format"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "found {needle:?} in the vault file"
        );
    }
}
