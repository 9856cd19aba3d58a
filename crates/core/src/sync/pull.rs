//! Pulling: every page of changes after the vault's cursor, into the vault, one transaction per
//! page (with the new cursor), until the plan says done.

use super::plan::{RoundPlan, Step};
use crate::active::ActiveSession;
use crate::client::MasarClient;
use crate::failure::SessionError;
use crate::secret::SecretString;

/// Pulls every page after the vault's cursor into the vault.
pub async fn pull_changes(
    active: &ActiveSession,
    client: &MasarClient,
    token: &SecretString,
) -> Result<(), SessionError> {
    let mut plan = RoundPlan::pulling();
    loop {
        let cursor = active.vault(|vault| Ok(vault.db.cursor()?)).await?;
        tracing::debug!(target: "masar_sync", cursor, "pull");
        let page = client.pull(token, cursor).await?;
        active.set_online(true);
        let (has_more, next) = (page.has_more, page.cursor);
        active.vault(move |vault| Ok(vault.db.apply_pull(&page.changes, page.cursor)?)).await?;
        if plan.after_pull(has_more, cursor, next) == Step::Done {
            return Ok(());
        }
    }
}
