//! The vault's life: create, unlock, wrong passphrases, the escrow key, a new passphrase, set
//! aside; and a sample record and a vault maker for the other modules' tests.

use masar_protocol::EmployeeRecord;

use super::*;

const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

fn vaults(root: &Path, keychain: &Keychain) -> Vaults {
    Vaults::new(root, keychain.clone(), FAST)
}

pub(crate) fn password(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

/// The escrow key the server would keep for the vault (a fixed one per test).
pub(crate) fn escrow(byte: u8) -> Key {
    crate::secret::key([byte; 32])
}

/// A new vault for "منيرة" (`1********8`) with `passphrase` and escrow key 1.
pub(crate) fn create(vaults: &Vaults, passphrase: &str) -> OpenVault {
    let new = NewVault {
        vault_id: new_vault_id().unwrap(),
        masked_id: "1********8".into(),
        display_name: "منيرة".into(),
    };
    vaults.create(&new, &password(passphrase), &escrow(1), Utc::now()).unwrap()
}

/// A new vault holding the sample record, closed again: its profile id.
fn with_record(vaults: &Vaults, passphrase: &str) -> String {
    let created = create(vaults, passphrase);
    created.db.save_record(&sample_record(), Utc::now()).unwrap();
    created.profile_id.clone()
}

/// An employee record as the demo server sends it (shared by the core's unit tests).
pub(crate) fn sample_record() -> EmployeeRecord {
    masar_protocol::fixtures::sample_record()
}

#[test]
fn a_created_vault_opens_again_with_the_passphrase_and_keeps_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let created = create(&vaults, "palm tree oasis");
    created.db.save_record(&sample_record(), Utc::now()).unwrap();
    let profile = created.profile_id.clone();
    assert!(masar_protocol::vault_key::is_vault_id(&profile), "the folder is a random vault id: {profile}");
    drop(created);

    let opened = vaults.unlock(&profile, &password("palm tree oasis"), Utc::now()).unwrap();
    let (record, _) = opened.db.load_record().unwrap().unwrap();
    assert_eq!(record, sample_record());
    let listed = vaults.profiles().list();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].masked_id, "1********8");
    assert_eq!(listed[0].display_name, "منيرة");
}

#[test]
fn five_wrong_passphrases_leave_only_the_sign_on_which_opens_it_and_clears_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let profile = create(&vaults, "the right one").profile_id;
    let now = Utc::now();
    for remaining in (1..MAX_FAILED_UNLOCKS).rev() {
        match vaults.unlock(&profile, &password("wrong"), now) {
            Err(VaultError::WrongPassword { remaining: r }) => assert_eq!(r, remaining),
            other => panic!("expected a wrong passphrase, got {other:?}"),
        }
    }
    assert!(matches!(vaults.unlock(&profile, &password("wrong"), now), Err(VaultError::NeedsSignOn)));
    // Even the right passphrase, even much later: only a sign-on opens it now.
    let later = now + chrono::Duration::days(3);
    assert!(matches!(
        vaults.unlock(&profile, &password("the right one"), later),
        Err(VaultError::NeedsSignOn)
    ));
    assert!(vaults.profiles().load(&profile).unwrap().unwrap().needs_sign_on);

    assert!(matches!(vaults.unlock_with_escrow(&profile, &escrow(2), later), Err(VaultError::EscrowWrong)));
    let opened = vaults.unlock_with_escrow(&profile, &escrow(1), later).unwrap();
    assert!(!opened.passphrase_lost);
    drop(opened);
    assert!(vaults.unlock(&profile, &password("the right one"), later).is_ok(), "the count starts again");
}

#[test]
fn a_new_passphrase_after_a_sign_on_keeps_everything_in_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let profile = with_record(&vaults, "forgotten one");

    let renewed =
        vaults.set_passphrase(&profile, &escrow(1), &password("a brand new one"), Utc::now()).unwrap();
    assert_eq!(renewed.db.load_record().unwrap().unwrap().0, sample_record());
    drop(renewed);
    assert!(matches!(
        vaults.unlock(&profile, &password("forgotten one"), Utc::now()),
        Err(VaultError::WrongPassword { .. })
    ));
    assert!(vaults.unlock(&profile, &password("a brand new one"), Utc::now()).is_ok());
    assert!(matches!(
        vaults.set_passphrase(&profile, &escrow(9), &password("someone else"), Utc::now()),
        Err(VaultError::EscrowWrong)
    ));
}

#[test]
fn a_lost_keychain_secret_is_a_new_passphrase_after_a_sign_on_not_a_lost_vault() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let profile = with_record(&vaults, "palm tree oasis");
    vaults.forget_secret(&profile).unwrap();
    assert!(matches!(
        vaults.unlock(&profile, &password("palm tree oasis"), Utc::now()),
        Err(VaultError::SecretMissing)
    ));

    let opened = vaults.unlock_with_escrow(&profile, &escrow(1), Utc::now()).unwrap();
    assert!(opened.passphrase_lost, "the passphrase cannot open it without the secret");
    drop(opened);
    let renewed =
        vaults.set_passphrase(&profile, &escrow(1), &password("palm tree oasis"), Utc::now()).unwrap();
    assert_eq!(renewed.db.load_record().unwrap().unwrap().0, sample_record());
    drop(renewed);
    assert!(
        vaults.unlock(&profile, &password("palm tree oasis"), Utc::now()).is_ok(),
        "a new secret in the keychain"
    );
}

#[test]
fn a_vault_copied_into_another_profile_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let mine = create(&vaults, "same passphrase").profile_id;
    let theirs = create(&vaults, "same passphrase").profile_id;
    // Copy my vault file over theirs: their key (and keychain secret) does not open it.
    std::fs::copy(vaults.profiles().vault_path(&mine), vaults.profiles().vault_path(&theirs)).unwrap();
    match vaults.unlock(&theirs, &password("same passphrase"), Utc::now()) {
        Err(VaultError::Db(VaultDbError::WrongKey)) => {}
        other => panic!("expected the copied vault to stay shut, got {other:?}"),
    }
    // And my profile.json moved over theirs does not unwrap (the profile id is authenticated).
    let mut meta = vaults.profiles().load(&mine).unwrap().unwrap();
    meta.profile_id = theirs.clone();
    vaults.profiles().save(&meta).unwrap();
    assert!(matches!(
        vaults.unlock(&theirs, &password("same passphrase"), Utc::now()),
        Err(VaultError::WrongPassword { .. })
    ));
    assert!(matches!(
        vaults.unlock_with_escrow(&theirs, &escrow(1), Utc::now()),
        Err(VaultError::EscrowWrong)
    ));
}

#[test]
fn without_the_keychain_secret_the_passphrase_alone_does_not_open_it() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let profile = create(&vaults, "palm tree oasis").profile_id;
    vaults.forget_secret(&profile).unwrap();
    assert!(matches!(
        vaults.unlock(&profile, &password("palm tree oasis"), Utc::now()),
        Err(VaultError::SecretMissing)
    ));
    // Another workstation's keychain (a different store) has no secret either.
    let elsewhere = Vaults::new(dir.path(), Keychain::in_memory().unwrap(), FAST);
    assert!(matches!(
        elsewhere.unlock(&profile, &password("palm tree oasis"), Utc::now()),
        Err(VaultError::SecretMissing)
    ));
}

#[test]
fn the_profile_file_holds_no_national_id() {
    let dir = tempfile::tempdir().unwrap();
    let vaults = vaults(dir.path(), &Keychain::in_memory().unwrap());
    let profile = create(&vaults, "palm tree oasis").profile_id;
    let json = std::fs::read_to_string(dir.path().join(&profile).join("profile.json")).unwrap();
    assert!(json.contains("1********8") && json.contains("escrowKey"), "{json}");
    assert!(!json.contains("nationalId") && !json.contains("1000000008"), "{json}");
}

#[test]
fn the_vault_file_holds_no_plaintext_id_or_name() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory().unwrap();
    let vaults = vaults(dir.path(), &keychain);
    let vault = create(&vaults, "palm tree oasis");
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
