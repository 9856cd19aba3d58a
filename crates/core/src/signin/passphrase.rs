//! The offline passphrase's rule: long enough to resist guessing on a stolen workstation (it is
//! stretched with Argon2id, and five wrong tries hand the copy over to the single sign-on), with
//! no composition rules (NIST SP 800-63B §5.1.1.2): at least [`MIN_CHARS`] characters, at least
//! [`MIN_DISTINCT`] different ones, and not a run of one repeated pattern of digits.

use super::types::SignInError;
use crate::secret::{ExposeSecret, SecretString};

pub const MIN_CHARS: usize = 10;
pub const MIN_DISTINCT: usize = 5;

/// Checks a new passphrase and its confirmation.
pub fn check(passphrase: &SecretString, confirmation: &SecretString) -> Result<(), SignInError> {
    let text = passphrase.expose_secret();
    if text.is_empty() {
        return Err(SignInError::PasswordRequired);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut distinct = chars.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let only_digits = chars.iter().all(char::is_ascii_digit);
    if chars.len() < MIN_CHARS || distinct.len() < MIN_DISTINCT || (only_digits && distinct.len() < MIN_CHARS)
    {
        return Err(SignInError::PassphraseTooWeak);
    }
    if text != confirmation.expose_secret() {
        return Err(SignInError::PassphraseMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(passphrase: &str, confirmation: &str) -> &'static str {
        let secret = |t: &str| SecretString::from(t.to_owned());
        match check(&secret(passphrase), &secret(confirmation)) {
            Ok(()) => "ok",
            Err(SignInError::PasswordRequired) => "empty",
            Err(SignInError::PassphraseTooWeak) => "weak",
            Err(SignInError::PassphraseMismatch) => "mismatch",
            Err(_) => "other",
        }
    }

    #[test]
    fn the_rule_takes_long_varied_passphrases_in_any_script() {
        let table = [
            ("", "", "empty"),
            ("short1!", "short1!", "weak"),
            ("aaaaaaaaaaaa", "aaaaaaaaaaaa", "weak"),
            ("abababababab", "abababababab", "weak"),
            ("1234512345", "1234512345", "weak"),
            ("9876543210", "9876543210", "ok"),
            ("نخلة الواحة الخضراء", "نخلة الواحة الخضراء", "ok"),
            ("palm tree oasis", "palm tree oasis", "ok"),
            ("palm tree oasis", "palm tree oasiz", "mismatch"),
        ];
        for (passphrase, confirmation, expected) in table {
            assert_eq!(checked(passphrase, confirmation), expected, "{passphrase:?}");
        }
    }
}
