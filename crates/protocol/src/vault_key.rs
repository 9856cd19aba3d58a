//! The escrow key of a vault: a random key masar-server keeps for one employee and one vault
//! on one workstation, and gives only to that employee's valid access token. The app wraps the
//! vault's data key under it beside the passphrase, so a single sign-on always opens the vault
//! (a forgotten passphrase loses nothing). The workstation names the vault by a random id;
//! nothing in the id says whose it is.

use serde::{Deserialize, Serialize};

use crate::WireSecret;

/// The answer of `PUT /v1/me/vault-keys/{id}`: 32 random bytes, base64url without padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VaultKey {
    pub key: WireSecret,
}

/// Length of a vault's id: 128 random bits in lowercase hex.
pub const VAULT_ID_LEN: usize = 32;

/// Whether `id` is a vault id as the app makes them.
pub fn is_vault_id(id: &str) -> bool {
    id.len() == VAULT_ID_LEN && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_32_lowercase_hex_digits_name_a_vault() {
        assert!(is_vault_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_vault_id("0123456789ABCDEF0123456789abcdef"));
        assert!(!is_vault_id("0123456789abcdef0123456789abcde"));
        assert!(!is_vault_id("0123456789abcdef0123456789abcdefa"));
        assert!(!is_vault_id("0123456789abcdef0123456789abcdeg"));
        assert!(!is_vault_id("../../etc/passwd/0123456789abcdef"));
    }
}
