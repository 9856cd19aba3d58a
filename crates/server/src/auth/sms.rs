//! Sending the verification code. Production would plug a real SMS provider in here; the dev
//! outbox keeps messages for the demo phone panel and the tests, in the store (so every server
//! node shows what any of them sent).

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;

use masar_protocol::NationalId;
use masar_protocol::auth::DevSms;

pub use crate::storage::messages::{SmsMessage, mask_mobile};

#[async_trait]
pub trait SmsGateway: Debug + Send + Sync {
    async fn send(&self, message: SmsMessage) -> anyhow::Result<()>;

    /// Messages sent to this employee, newest last (only a dev gateway keeps them).
    async fn outbox(&self, _employee: &NationalId) -> anyhow::Result<Option<Vec<DevSms>>> {
        Ok(None)
    }

    /// Whether `GET /v1/dev/sms` exists on this server.
    fn outbox_enabled(&self) -> bool {
        false
    }
}

/// Keeps messages in the store (the last 500, 50 shown per employee); logs the masked number only.
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

    fn outbox_enabled(&self) -> bool {
        true
    }
}

/// No provider configured: sign-in says the SMS service is unavailable.
#[derive(Debug, Default)]
pub struct NoSmsGateway;

#[async_trait]
impl SmsGateway for NoSmsGateway {
    async fn send(&self, _message: SmsMessage) -> anyhow::Result<()> {
        anyhow::bail!("no SMS provider is configured (start with --dev-sms or --demo for the dev outbox)")
    }
}
