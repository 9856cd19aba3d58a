//! Sending the verification code, through a gateway: an HTTP SMS provider configured in the
//! server's settings file, or — only on a `--demo` server — the dev outbox, which keeps messages
//! in the store for the demo phone panel and the tests (so every server node shows what any of
//! them sent).

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use masar_protocol::NationalId;
use masar_protocol::auth::DevSms;
use serde::Deserialize;

pub use crate::storage::messages::{SmsMessage, mask_mobile};

#[async_trait]
pub trait SmsGateway: Debug + Send + Sync {
    async fn send(&self, message: SmsMessage) -> anyhow::Result<()>;

    /// Messages sent to this employee, newest last (only the dev outbox keeps them).
    async fn outbox(&self, _employee: &NationalId) -> anyhow::Result<Option<Vec<DevSms>>> {
        Ok(None)
    }
}

/// The text of a code's SMS, in Arabic, when the settings file gives none.
pub const DEFAULT_TEMPLATE: &str =
    "رمز التحقق لتسجيل الدخول إلى مسار: {code}\nلا تشاركه مع أحد. صالح لمدة {minutes} دقائق.";

/// The `[sms]` section of the settings file: where a real provider takes messages.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    /// The provider's endpoint; each message is a `POST` of `{"to": "+9665…", "text": "…"}`.
    pub url: url::Url,
    /// Sent as `Authorization: Bearer …`.
    pub credential: Option<String>,
    /// The message, with `{code}` and `{minutes}` filled in.
    #[serde(default = "default_template")]
    pub template: String,
    /// A provider slower than this has failed: the sign-in says the code could not be sent.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

fn default_template() -> String {
    DEFAULT_TEMPLATE.to_owned()
}

fn default_timeout() -> u64 {
    10
}

/// The credential is a secret: never printed.
impl Debug for SmsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsSettings")
            .field("url", &self.url.as_str())
            .field("credential", &self.credential.as_ref().map(|_| "…"))
            .field("timeout_seconds", &self.timeout_seconds)
            .finish_non_exhaustive()
    }
}

impl SmsSettings {
    /// Refuses settings a message could not be made from.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.template.contains("{code}"),
            "the SMS template has no {{code}}: the employee would receive a message without the code"
        );
        anyhow::ensure!(
            matches!(self.url.scheme(), "https" | "http"),
            "the SMS provider's url must be http(s), not {}",
            self.url.scheme()
        );
        Ok(())
    }
}

/// The text of the SMS for `code`, valid `minutes`.
pub fn render(template: &str, code: &str, minutes: u32) -> String {
    template.replace("{minutes}", &minutes.to_string()).replace("{code}", code)
}

/// A real SMS provider over HTTP.
#[derive(Debug)]
pub struct HttpSmsGateway {
    http: reqwest::Client,
    settings: SmsSettings,
}

impl HttpSmsGateway {
    pub fn new(settings: SmsSettings) -> anyhow::Result<Self> {
        settings.check()?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(settings.timeout_seconds.max(1)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("cannot make the SMS provider's HTTP client")?;
        Ok(Self { http, settings })
    }
}

#[async_trait]
impl SmsGateway for HttpSmsGateway {
    async fn send(&self, message: SmsMessage) -> anyhow::Result<()> {
        let mut request = self
            .http
            .post(self.settings.url.clone())
            .json(&serde_json::json!({ "to": message.mobile, "text": message.text }));
        if let Some(credential) = &self.settings.credential {
            request = request.bearer_auth(credential);
        }
        // The error names the provider's host and the status only: never the text (it holds the
        // code) or the number.
        let answer = request.send().await.map_err(|error| {
            let kind = if error.is_timeout() { "did not answer in time" } else { "cannot be reached" };
            anyhow::anyhow!("the SMS provider {} {kind}", self.settings.url.host_str().unwrap_or("?"))
        })?;
        let status = answer.status();
        anyhow::ensure!(status.is_success(), "the SMS provider answered {status}");
        tracing::info!(to = %mask_mobile(&message.mobile), "verification code sent");
        Ok(())
    }
}

/// Keeps messages in the store (the last 500, 50 shown per employee); logs the masked number only.
/// A `--demo` server's gateway, and only theirs.
#[derive(Debug)]
pub struct DevOutbox {
    store: Arc<dyn crate::storage::Store>,
}

impl DevOutbox {
    pub fn new(store: Arc<dyn crate::storage::Store>) -> Self {
        Self { store }
    }
}

#[async_trait]
impl SmsGateway for DevOutbox {
    async fn send(&self, message: SmsMessage) -> anyhow::Result<()> {
        tracing::info!(to = %mask_mobile(&message.mobile), "verification code sent to the dev outbox");
        self.store.keep_dev_sms(&message).await
    }

    async fn outbox(&self, employee: &NationalId) -> anyhow::Result<Option<Vec<DevSms>>> {
        Ok(Some(self.store.dev_sms(employee).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_filled_with_the_code_and_its_minutes() {
        assert_eq!(render("Code {code}, {minutes} min", "482913", 5), "Code 482913, 5 min");
        assert_eq!(
            render(DEFAULT_TEMPLATE, "482913", 5),
            "رمز التحقق لتسجيل الدخول إلى مسار: 482913\nلا تشاركه مع أحد. صالح لمدة 5 دقائق."
        );
    }

    fn settings(text: &str) -> anyhow::Result<SmsSettings> {
        Ok(toml::from_str(text)?)
    }

    #[test]
    fn settings_without_a_code_or_with_unknown_keys_are_refused() {
        let good = settings("url = \"https://sms.example/send\"\ncredential = \"s3cret\"").and_then(|s| {
            s.check()?;
            Ok(s)
        });
        let good = good.unwrap_or_else(|error| panic!("{error:#}"));
        assert_eq!(good.template, DEFAULT_TEMPLATE);
        assert_eq!(good.timeout_seconds, 10);
        assert!(!format!("{good:?}").contains("s3cret"), "the credential never shows");
        let no_code = settings("url = \"https://sms.example/send\"\ntemplate = \"hello\"");
        assert!(no_code.and_then(|s| s.check()).is_err());
        assert!(
            settings("url = \"https://sms.example/send\"\npasword = \"x\"").is_err(),
            "a typo is an error"
        );
        let ftp = settings("url = \"ftp://sms.example/send\"");
        assert!(ftp.and_then(|s| s.check()).is_err());
    }
}
