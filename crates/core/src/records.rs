//! The employee's record: fetched from the server when it answers (and cached in the vault),
//! pulled change by change after the vault's cursor, and shown from the vault otherwise.

use std::sync::Arc;

use chrono::Utc;

use crate::client::ClientError;
use crate::context::Context;
use crate::edits::{EmployeeView, local_view};
use crate::failure::{SessionError, is_network};
use crate::sync::pull::pull_changes;

#[derive(Debug, Clone)]
pub struct Records {
    cx: Arc<Context>,
}

impl Records {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    /// The employee's profile: from the server when it answers (and cached), else the local
    /// copy; with the edits still queued shown on top, and where each form's last edit stands.
    pub async fn employee(&self) -> Result<EmployeeView, SessionError> {
        let active = self.cx.active()?;
        let client = self.cx.client();
        let fetch = &*client;
        let fetched = active.with_token(fetch, |token| async move { fetch.my_record(&token).await }).await;
        match fetched {
            Ok(record) => {
                active.vault(move |vault| Ok(vault.db.save_record(&record, Utc::now())?)).await?;
                active.set_online(true);
                let mut lease = active.lease(&client).await?;
                for decided in pull_changes(&active, &client, &mut lease, &self.cx.kinds).await? {
                    let _ = self.cx.decisions.send(decided);
                }
            }
            Err(SessionError::Client(error))
                if is_network(&error) || matches!(error, ClientError::Server { .. }) =>
            {
                active.set_online(false);
                let has_copy = active.vault(|vault| Ok(vault.db.load_record()?.is_some())).await?;
                if !has_copy {
                    return Err(SessionError::Client(error));
                }
            }
            Err(error) => return Err(error),
        }
        local_view(&active).await
    }

    /// The employee as the vault has it (no network): after a local change.
    pub async fn local_view(&self) -> Result<EmployeeView, SessionError> {
        local_view(&*self.cx.active()?).await
    }
}
