//! The collector: what uploads leave behind goes after a while. Expired uploads with their
//! partial bytes; the daily quota's history once out of its window; and blobs that no
//! qualification attaches and nobody has sent for the grace period (an employee who uploads the
//! scans, then stays offline for days before the request goes, keeps them: each sending counts
//! anew). Every node runs it; what one removed the others find gone.

use std::time::Duration;

use crate::AppState;
use crate::rules::uploads::DAY_MS;

/// How long an unused blob is kept after it was last sent.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// How often the collector runs.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(60 * 60);

/// What one round removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Round {
    pub blobs: usize,
    pub history_rows: u64,
}

/// One round, at the server's now.
pub async fn collect(state: &AppState) -> anyhow::Result<Round> {
    let now_ms = state.clock.now_ms();
    super::handlers::sweep_expired(state, now_ms).await;
    let grace_ms = i64::try_from(state.blob_grace.as_millis()).unwrap_or(i64::MAX / 2);
    let collected = state.store.collect_unused(now_ms - DAY_MS, now_ms.saturating_sub(grace_ms)).await?;
    for sha256 in &collected.blobs {
        // The rows are gone: a file left behind (a failed removal) is only disk space, tried
        // again never, and logged.
        if let Err(error) = state.blobs.remove_blob(sha256).await {
            tracing::warn!(%error, "cannot remove an unused blob's bytes");
        }
    }
    Ok(Round { blobs: collected.blobs.len(), history_rows: collected.history_rows })
}

/// Runs a round every `every` for as long as the returned future is polled (the server's task
/// drops it when the server stops).
pub async fn run(state: AppState, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match collect(&state).await {
            Ok(round) if round.blobs > 0 => tracing::info!(blobs = round.blobs, "unused blobs removed"),
            Ok(_) => {}
            Err(error) => tracing::warn!(error = %format!("{error:#}"), "the collector's round failed"),
        }
    }
}
