//! The plain-file keychain of the test builds: survives the process, private to its owner.

#![allow(clippy::unwrap_used)]

use masar_core::Keychain;
use masar_core::secret::ExposeSecret;

#[test]
fn the_file_keychain_survives_the_process_and_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keychain.json");
    Keychain::file(&path).set("a", b"secret").unwrap();
    assert_eq!(Keychain::file(&path).get("a").unwrap().unwrap().expose_secret(), b"secret".as_slice());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    Keychain::file(&path).delete("a").unwrap();
    assert!(Keychain::file(&path).get("a").unwrap().is_none());
}
