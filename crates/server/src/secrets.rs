//! Random codes and tokens, and how they are stored (only their SHA-256).

use anyhow::Context;
use sha2::{Digest, Sha256};

pub fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes)
}

/// 256 random bits as hex: access and refresh tokens.
pub fn new_token() -> anyhow::Result<String> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// 128 random bits as hex: challenge and token-family ids.
pub fn new_id() -> anyhow::Result<String> {
    Ok(hex::encode(random_bytes::<16>()?))
}

/// Six uniformly random digits.
pub fn new_code() -> anyhow::Result<String> {
    // Rejection sampling: values above the largest multiple of 1,000,000 would bias the digits.
    const LIMIT: u32 = u32::MAX - (u32::MAX % 1_000_000);
    loop {
        let value = u32::from_le_bytes(random_bytes::<4>().context("code")?);
        if value < LIMIT {
            return Ok(format!("{:06}", value % 1_000_000));
        }
    }
}

/// What the database keeps of a token or code: its SHA-256, bound to a context so a code
/// hash can never be mistaken for a token hash.
pub fn digest(context: &str, secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(context.as_bytes());
    hasher.update([0]);
    hasher.update(secret.as_bytes());
    hex::encode(hasher.finalize())
}

/// Compares two digests without leaking where they differ.
pub fn same_digest(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A statement's verification code, `MSR-XXXX-XXXX-XXXX`: 12 characters of an alphabet of 26
/// that cannot be confused when typed (about 56 bits; each byte picks without modulo bias).
pub fn new_statement_code() -> anyhow::Result<String> {
    let alphabet = masar_protocol::statement::CODE_ALPHABET;
    let limit = u8::try_from(256 - 256 % alphabet.len()).unwrap_or(0);
    let mut picked = Vec::with_capacity(12);
    while picked.len() < 12 {
        for byte in random_bytes::<16>()? {
            if byte < limit && picked.len() < 12 {
                picked.push(alphabet[usize::from(byte) % alphabet.len()]);
            }
        }
    }
    let text = String::from_utf8(picked)?;
    Ok(format!("MSR-{}-{}-{}", &text[..4], &text[4..8], &text[8..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_codes_have_the_printed_form_and_differ() {
        let codes: Vec<String> = (0..200).map(|_| new_statement_code().unwrap()).collect();
        assert!(codes.iter().all(|c| masar_protocol::statement::is_code(c)), "{codes:?}");
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: Vec<String> = (0..50).map(|_| new_code().unwrap()).collect();
        assert!(codes.iter().all(|c| c.len() == 6 && c.chars().all(|d| d.is_ascii_digit())));
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert!(distinct.len() > 40);
    }

    #[test]
    fn digests_depend_on_context_and_compare_exactly() {
        let a = digest("code:1", "123456");
        assert_eq!(a, digest("code:1", "123456"));
        assert_ne!(a, digest("code:2", "123456"));
        assert!(same_digest(&a, &digest("code:1", "123456")));
        assert!(!same_digest(&a, &digest("code:1", "123457")));
        assert_eq!(new_token().unwrap().len(), 64);
    }
}
