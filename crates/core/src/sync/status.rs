//! When the sync loop runs: what the status bar says, and how long to wait between rounds — on
//! a timer, at once after a local edit or a reconnect, and after a failure with capped
//! exponential backoff and jitter, forever.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What the status bar says about sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum SyncStatus {
    /// Nobody signed in.
    Idle,
    Syncing {
        pending: u32,
    },
    Synced {
        at: DateTime<Utc>,
        pending: u32,
    },
    /// The server cannot be reached; edits wait.
    Offline {
        pending: u32,
    },
    /// The server answered, but the round failed (session ended, server error).
    Failed {
        pending: u32,
        reason: crate::codes::UiError,
    },
}

/// How long to wait between rounds when all is well.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(15);
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(60);

/// Capped exponential backoff with "equal jitter": each wait is between half and all of
/// `FIRST_RETRY × 2^failures`, at most [`MAX_RETRY`], so many clients do not retry in step.
#[derive(Debug, Default, Clone)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// The wait after one more failure; `unit` in `[0, 1)` is the random part.
    pub fn next_wait_with(&mut self, unit: f64) -> Duration {
        let exponent = self.failures.min(16);
        self.failures = self.failures.saturating_add(1);
        let full = FIRST_RETRY.saturating_mul(1 << exponent).min(MAX_RETRY);
        full / 2 + full.mul_f64(unit.clamp(0.0, 1.0) / 2.0)
    }

    pub fn next_wait(&mut self) -> Duration {
        let mut bytes = [0_u8; 4];
        let unit = if getrandom::fill(&mut bytes).is_ok() {
            f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX)
        } else {
            0.5
        };
        self.next_wait_with(unit)
    }
}

/// What to wait before the next round, after one that ended in `status`: the interval when all
/// went (a round again at once if edits still wait), the next backoff step after a failure.
pub fn next_wait(status: &SyncStatus, backoff: &mut Backoff) -> Duration {
    match status {
        SyncStatus::Synced { pending, .. } => {
            backoff.reset();
            if *pending > 0 { Duration::ZERO } else { SYNC_INTERVAL }
        }
        SyncStatus::Idle => {
            backoff.reset();
            SYNC_INTERVAL
        }
        SyncStatus::Syncing { .. } | SyncStatus::Offline { .. } | SyncStatus::Failed { .. } => {
            backoff.next_wait()
        }
    }
}

/// The sync loop's clock: how it waits between rounds. The app uses the runtime's timer; a test
/// can record the waits asked for and return sooner, so the loop's timing is checked without
/// sleeping through it.
pub trait SyncTimer: Send + Sync + std::fmt::Debug {
    fn wait(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>>;
}

/// Waits for real, on the Tokio timer.
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioTimer;

impl SyncTimer for TokioTimer {
    fn wait(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_with_jitter_and_stop_growing_at_the_cap() {
        let mut backoff = Backoff::default();
        let low: Vec<Duration> = (0..8).map(|_| backoff.next_wait_with(0.0)).collect();
        let mut backoff = Backoff::default();
        let high: Vec<Duration> = (0..8).map(|_| backoff.next_wait_with(1.0)).collect();
        let secs = |d: &Duration| d.as_secs_f64();
        assert_eq!(low.iter().map(secs).collect::<Vec<_>>(), [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]);
        assert_eq!(high.iter().map(secs).collect::<Vec<_>>(), [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]);
        let mut backoff = Backoff::default();
        for _ in 0..100 {
            let wait = backoff.next_wait();
            assert!(wait <= MAX_RETRY && wait >= Duration::from_millis(500));
        }
        backoff.reset();
        assert!(backoff.next_wait_with(0.0) == Duration::from_millis(500));
    }

    #[test]
    fn the_jitter_is_random_so_many_clients_do_not_retry_in_step() {
        let draws: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| Backoff::default().next_wait()).collect();
        assert!(draws.len() > 25, "50 first waits, {} different: {draws:?}", draws.len());
        assert!(draws.iter().all(|d| *d >= Duration::from_millis(500) && *d <= Duration::from_secs(1)));
    }

    #[test]
    fn a_success_resets_the_backoff_and_waits_the_interval_or_not_at_all() {
        let mut backoff = Backoff::default();
        let failed = SyncStatus::Offline { pending: 2 };
        let waits: Vec<Duration> = (0..4).map(|_| next_wait(&failed, &mut backoff)).collect();
        assert!(waits[3] >= Duration::from_secs(4), "growing: {waits:?}");
        let synced = |pending| SyncStatus::Synced { at: Utc::now(), pending };
        assert_eq!(next_wait(&synced(0), &mut backoff), Duration::from_secs(15));
        let after_reset = next_wait(&failed, &mut backoff);
        assert!(after_reset <= Duration::from_secs(1), "back to the first step: {after_reset:?}");
        assert_eq!(next_wait(&synced(3), &mut backoff), Duration::ZERO, "edits still wait: at once");
        assert_eq!(next_wait(&SyncStatus::Idle, &mut backoff), Duration::from_secs(15));
        let failed = SyncStatus::Failed {
            pending: 0,
            reason: crate::codes::UiError::new(crate::ErrorCode::ServerError),
        };
        assert!(next_wait(&failed, &mut backoff) >= Duration::from_millis(500), "a failure never spins");
    }
}
