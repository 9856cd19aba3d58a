//! Argon2id password hashes (PHC strings), verified off the async threads.

use std::sync::LazyLock;

use anyhow::anyhow;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use masar_protocol::WireSecret;

/// A hash of a random password: unknown IDs are checked against it so that a wrong ID takes as
/// long as a wrong password.
static DECOY: LazyLock<Option<String>> =
    LazyLock::new(|| crate::secrets::new_token().ok().and_then(|password| hash(&password).ok()));

pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow!("cannot hash a password: {e}"))
}

/// True when `password` matches `stored`; with no stored hash, burns the same time and says no.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    match stored {
        Some(stored) => Argon2::default().verify_password(password.as_bytes(), stored).is_ok(),
        None => {
            if let Some(decoy) = DECOY.as_deref() {
                let _ = Argon2::default().verify_password(password.as_bytes(), decoy);
            }
            false
        }
    }
}

/// [`verify`] on the blocking pool.
pub async fn verify_async(password: WireSecret, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || verify(password.expose(), stored.as_deref()))
        .await
        .map_err(|e| anyhow!("password check panicked: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("Masar@2026").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("Masar@2026", Some(&stored)));
        assert!(!verify("masar@2026", Some(&stored)));
        assert!(!verify("Masar@2026", None));
        assert!(!verify("anything", Some("not a hash")));
    }
}
