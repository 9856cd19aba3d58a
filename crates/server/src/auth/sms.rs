//! Sending the verification code. Production would plug a real SMS provider in here; the dev
//! outbox keeps messages for the demo phone panel and the tests.

use std::fmt::Debug;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use masar_protocol::NationalId;
use masar_protocol::auth::DevSms;

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

pub trait SmsGateway: Debug + Send + Sync {
    fn send(&self, message: SmsMessage) -> anyhow::Result<()>;

    /// Messages sent to this employee, newest last (only a dev gateway keeps them).
    fn outbox(&self, _employee: &NationalId) -> Option<Vec<DevSms>> {
        None
    }

    /// Whether `GET /v1/dev/sms` exists on this server.
    fn outbox_enabled(&self) -> bool {
        false
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

/// Keeps messages in memory (the last 50 per employee); logs the masked number only.
#[derive(Debug, Default)]
pub struct DevOutbox {
    messages: Mutex<Vec<SmsMessage>>,
}

impl SmsGateway for DevOutbox {
    fn send(&self, message: SmsMessage) -> anyhow::Result<()> {
        tracing::info!(to = %mask_mobile(&message.mobile), "verification code sent to the dev outbox");
        let mut messages = self.messages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        messages.push(message);
        let len = messages.len();
        if len > 500 {
            messages.drain(..len - 500);
        }
        Ok(())
    }

    fn outbox(&self, employee: &NationalId) -> Option<Vec<DevSms>> {
        let messages = self.messages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mine: Vec<DevSms> = messages
            .iter()
            .filter(|m| &m.national_id == employee)
            .map(|m| DevSms {
                national_id: m.national_id.clone(),
                masked_mobile: mask_mobile(&m.mobile),
                text: m.text.clone(),
                sent_at: m.sent_at,
            })
            .collect();
        let skip = mine.len().saturating_sub(50);
        Some(mine.into_iter().skip(skip).collect())
    }

    fn outbox_enabled(&self) -> bool {
        true
    }
}

/// No provider configured: sign-in says the SMS service is unavailable.
#[derive(Debug, Default)]
pub struct NoSmsGateway;

impl SmsGateway for NoSmsGateway {
    fn send(&self, _message: SmsMessage) -> anyhow::Result<()> {
        anyhow::bail!("no SMS provider is configured (start with --dev-sms or --demo for the dev outbox)")
    }
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
