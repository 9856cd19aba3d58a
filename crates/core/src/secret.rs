//! Secrets held by the app (passwords, tokens, keys) are `secrecy` boxes: `Debug` prints
//! `[REDACTED]`, they cannot be serialised, and their memory is wiped when dropped. Reading
//! one is an explicit `expose_secret()`.

pub use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox, SecretSlice, SecretString};

/// A 256-bit key (the vault's data key, the key that wraps it).
pub type Key = SecretBox<[u8; 32]>;

/// A key from its bytes (the bytes move into the box; the caller's copy is the caller's).
pub fn key(bytes: [u8; 32]) -> Key {
    SecretBox::new(Box::new(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = SecretString::from("Masar@4101");
        assert!(!format!("{secret:?}").contains("Masar"), "{secret:?}");
        assert_eq!(secret.expose_secret(), "Masar@4101");
        let key = key([7; 32]);
        assert!(format!("{key:?}").contains("REDACTED"), "{key:?}");
    }
}
