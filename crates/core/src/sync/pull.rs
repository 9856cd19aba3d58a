//! Pulling: every page of changes after the vault's cursor, into the vault, one transaction per
//! page (with the new cursor), until the plan says done.

use super::plan::{RoundPlan, Step};
use crate::active::{ActiveSession, TokenLease};
use crate::client::MasarClient;
use crate::failure::SessionError;
use crate::kinds::Kinds;
use crate::notices::DecisionNotice;
use crate::vault::db::{VaultDb, VaultDbError};
use masar_protocol::sync::Change;

/// Pulls every page after the vault's cursor into the vault; returns the decisions that are news
/// to this vault (see [`decisions_in`]).
pub async fn pull_changes(
    active: &ActiveSession,
    client: &MasarClient,
    lease: &mut TokenLease<'_>,
    kinds: &Kinds,
) -> Result<Vec<DecisionNotice>, SessionError> {
    let mut plan = RoundPlan::pulling();
    let mut decided = Vec::new();
    loop {
        let cursor = active.vault(|vault| Ok(vault.db.cursor()?)).await?;
        tracing::debug!(target: "masar_sync", cursor, "pull");
        let page = lease.call(|token| async move { client.pull(&token, cursor).await }).await?;
        active.set_online(true);
        let (has_more, next) = (page.has_more, page.cursor);
        let kinds = Kinds::clone(kinds);
        let news = active
            .vault(move |vault| {
                let news = decisions_in(&kinds, vault.db, &page.changes)?;
                vault.db.apply_pull(&page.changes, page.cursor)?;
                Ok(news)
            })
            .await?;
        decided.extend(news);
        if plan.after_pull(has_more, cursor, next) == Step::Done {
            return Ok(decided);
        }
    }
}

/// The decisions in `changes` that are news to this vault, as each record kind finds them.
fn decisions_in(
    kinds: &Kinds,
    db: &VaultDb,
    changes: &[Change],
) -> Result<Vec<DecisionNotice>, VaultDbError> {
    let mut news = Vec::new();
    for kind in kinds.iter() {
        news.extend(kind.decisions(db, changes)?);
    }
    Ok(news)
}
