//! What a record kind adds to sync. Sync itself pushes any kind's queued mutations and pulls any
//! kind's changes, and uploads the files any queued mutation needs; a kind whose records need
//! more registers a [`RecordKind`] hook: work on the vault before the round's push (bringing
//! what an earlier version kept elsewhere into the outbox), and the decisions a page of pulled
//! changes brings (HR's on a qualification, the administration's on an application). Sync knows
//! these hooks, never the features behind them.

use std::sync::Arc;

use crate::active::ActiveSession;
use crate::failure::SessionError;
use crate::notices::DecisionNotice;
use crate::vault::db::{VaultDb, VaultDbError};
use masar_protocol::sync::Change;

#[async_trait::async_trait]
pub trait RecordKind: Send + Sync + std::fmt::Debug {
    /// Runs before the round's uploads and push; what it queues goes in this round. A failure
    /// is this kind's alone (logged, the round goes on).
    async fn before_push(&self, _active: &ActiveSession) -> Result<(), SessionError> {
        Ok(())
    }

    /// The decisions in `changes` that are news to this vault, read before the page is applied.
    fn decisions(&self, db: &VaultDb, changes: &[Change]) -> Result<Vec<DecisionNotice>, VaultDbError>;
}

/// The kinds a workstation knows, in the order their hooks run.
pub type Kinds = Arc<[Arc<dyn RecordKind>]>;

/// Every record of `kind` this vault holds, as the server sent it. A record this build cannot
/// read (written by a newer server) is left out and said in the log.
pub fn kept_records<T: serde::de::DeserializeOwned>(
    db: &VaultDb,
    kind: masar_protocol::sync::RecordKind,
) -> Result<Vec<T>, VaultDbError> {
    let mut records = Vec::new();
    for json in db.server_records(kind)? {
        match serde_json::from_str(&json) {
            Ok(record) => records.push(record),
            Err(error) => {
                tracing::warn!(kind = kind.as_str(), %error, "a kept record this build cannot read")
            }
        }
    }
    Ok(records)
}
