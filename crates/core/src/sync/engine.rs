//! Carries out sync rounds for the active session and runs them in the background: every
//! [`SYNC_INTERVAL`](super::SYNC_INTERVAL), at once on a local edit, a sign-in or a reconnect,
//! and after a failure with capped exponential backoff and jitter.

use std::sync::Arc;
use std::time::Duration;

use masar_protocol::sync::PushRequest;
use tokio::sync::watch;

use super::plan::{PUSH_BATCH, RoundPlan, Step};
use super::pull::pull_changes;
use super::status::{Backoff, SyncStatus, SyncTimer, next_wait};
use crate::active::{ActiveSession, SessionError};
use crate::client::MasarClient;
use crate::context::Context;
use crate::kinds::Kinds;
use crate::notices::DecisionNotice;
use crate::progress::UploadProgress;

#[derive(Debug, Clone)]
pub struct SyncEngine {
    cx: Arc<Context>,
    status: Arc<watch::Sender<SyncStatus>>,
    timer: Arc<dyn SyncTimer>,
}

/// What one sync round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Edits still waiting after the round (queued while it ran).
    pub pending: u64,
    /// HR's decisions this round brought.
    pub decided: Vec<DecisionNotice>,
}

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

async fn pending_count(active: &ActiveSession) -> Option<u64> {
    active.vault(|vault| Ok(vault.db.pending_count()?)).await.ok()
}

impl SyncEngine {
    pub fn new(cx: Arc<Context>, timer: Arc<dyn SyncTimer>) -> Self {
        Self { cx, status: Arc::new(watch::channel(SyncStatus::Idle).0), timer }
    }

    pub fn status(&self) -> SyncStatus {
        self.status.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<SyncStatus> {
        self.status.subscribe()
    }

    /// Asks for a round now.
    pub fn now(&self) {
        self.cx.wake_sync.notify_one();
    }

    /// One round now, publishing its outcome; returns what the status bar shows.
    pub async fn round(&self) -> SyncStatus {
        let active = self.cx.active().ok();
        let pending = match &active {
            Some(active) => pending_count(active).await,
            None => None,
        };
        let (Some(active), Some(pending)) = (active, pending) else {
            self.status.send_replace(SyncStatus::Idle);
            return SyncStatus::Idle;
        };
        self.status.send_replace(SyncStatus::Syncing { pending: count(pending) });
        let status = match sync_once(&active, &self.cx.client(), &self.cx.uploads, &self.cx.kinds).await {
            Ok(report) => {
                for decided in report.decided {
                    // Nobody listening (no window) is fine: the list shows it anyway.
                    let _ = self.cx.decisions.send(decided);
                }
                // The server answered: let the status bar know now, not at the next check.
                if !self.cx.connection.borrow().is_online() {
                    self.cx.recheck.notify_one();
                }
                SyncStatus::Synced { at: chrono::Utc::now(), pending: count(report.pending) }
            }
            Err(error) if error.is_network() => {
                active.set_online(false);
                SyncStatus::Offline { pending: count(pending_count(&active).await.unwrap_or(pending)) }
            }
            Err(SessionError::NotSignedIn) => SyncStatus::Idle,
            Err(error) => {
                let reason = error.to_ui();
                SyncStatus::Failed { pending: count(pending_count(&active).await.unwrap_or(pending)), reason }
            }
        };
        self.status.send_replace(status.clone());
        status
    }

    /// Runs rounds until the task is aborted (see [`next_wait`] for the waits).
    pub fn spawn_loop(&self) -> tokio::task::JoinHandle<()> {
        let engine = self.clone();
        tokio::spawn(async move {
            let mut backoff = Backoff::default();
            let mut wait = Duration::ZERO;
            loop {
                tokio::select! {
                    () = engine.timer.wait(wait) => {},
                    () = engine.cx.wake_sync.notified() => {},
                }
                wait = next_wait(&engine.round().await, &mut backoff);
            }
        })
    }
}

/// One round: push the queued edits (in order, in batches), store the answers, pull changes.
pub async fn sync_once(
    active: &ActiveSession,
    client: &MasarClient,
    uploads: &watch::Sender<UploadProgress>,
    kinds: &Kinds,
) -> Result<SyncReport, SessionError> {
    let mut lease = active.lease(client).await?;
    // Each kind's work on the vault first, then the files held mutations need: one whose files
    // are all verified takes its mutation id in time for this round's push. Only the network
    // stops the round here; anything else (a server error on one upload) must not block the push
    // or the pulls.
    for kind in kinds.iter() {
        if let Err(error) = kind.before_push(active).await {
            tracing::warn!(?kind, %error, "a record kind's work did not finish this round");
        }
    }
    match super::files::run(active, &mut lease, uploads).await {
        Err(error) if error.is_network() => return Err(error),
        Err(error) => tracing::warn!(%error, "the uploads did not finish this round"),
        Ok(()) => {}
    }
    let mut plan = RoundPlan::round();
    let mut step = plan.first();
    while step == Step::Push {
        let (client_id, batch) =
            active.vault(|vault| Ok((vault.db.client_id()?, vault.db.pending(PUSH_BATCH)?))).await?;
        if batch.is_empty() {
            plan.after_push(0);
            break;
        }
        let request =
            PushRequest { client_id, mutations: batch.iter().map(|row| row.as_mutation()).collect() };
        tracing::debug!(target: "masar_sync", batch = batch.len(), "push");
        let request = &request;
        let response = lease.call(|token| async move { client.push(&token, request).await }).await?;
        active
            .vault(move |vault| {
                vault.db.record_results(&response.results)?;
                Ok(vault.note_unsent()?)
            })
            .await?;
        step = plan.after_push(batch.len());
    }
    let decided = pull_changes(active, client, &mut lease, kinds).await?;
    Ok(SyncReport { pending: pending_count(active).await.unwrap_or(0), decided })
}
