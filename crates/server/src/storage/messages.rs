//! A verification code's SMS as the store keeps it for the dev outbox, and how a mobile number
//! is shown (masked) wherever it appears.

use std::fmt::Debug;

use chrono::{DateTime, Utc};
use masar_protocol::NationalId;

/// A message for one phone.
#[derive(Clone)]
pub struct SmsMessage {
    pub national_id: NationalId,
    /// E.164.
    pub mobile: String,
    pub text: String,
    pub sent_at: DateTime<Utc>,
}

/// The text carries a live code: never print it.
impl Debug for SmsMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsMessage").field("to", &mask_mobile(&self.mobile)).finish_non_exhaustive()
    }
}

/// `0512345678`-style number with all but the first two and last two digits hidden.
pub fn mask_mobile(e164: &str) -> String {
    let local = e164.strip_prefix("+966").map(|rest| format!("0{rest}")).unwrap_or_else(|| e164.to_owned());
    let chars: Vec<char> = local.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let hidden = "*".repeat(chars.len() - 4);
    format!(
        "{}{}{}",
        chars[..2].iter().collect::<String>(),
        hidden,
        chars[chars.len() - 2..].iter().collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_are_masked() {
        assert_eq!(mask_mobile("+966512345678"), "05******78");
        assert_eq!(mask_mobile("123"), "***");
    }

    #[test]
    fn debug_hides_the_text_and_the_number() {
        let message = SmsMessage {
            national_id: NationalId::parse("1000000008").unwrap(),
            mobile: "+966512345678".into(),
            text: "رمز التحقق: 123456".into(),
            sent_at: Utc::now(),
        };
        let debug = format!("{message:?}");
        assert!(!debug.contains("123456") && !debug.contains("512345678"), "{debug}");
    }
}
