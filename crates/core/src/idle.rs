//! The idle lock, kept by the core: after the configured time without the employee's input the
//! vault is closed, whatever the page is doing (a dialog open, a re-authentication waiting, a
//! page that stopped its scripts). The page only reports input ([`IdleWatch::touch`]) and shows
//! the lock screen when told; it cannot keep the vault open by forgetting to lock it.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// How often the watch looks at the clock: a lock comes at most this late.
const TICK: Duration = Duration::from_secs(1);

/// When the employee last gave input, and how many idle locks there have been.
#[derive(Debug)]
pub struct IdleWatch {
    last_input: Mutex<Instant>,
    locks: tokio::sync::watch::Sender<u64>,
}

impl Default for IdleWatch {
    fn default() -> Self {
        Self { last_input: Mutex::new(Instant::now()), locks: tokio::sync::watch::Sender::new(0) }
    }
}

impl IdleWatch {
    /// The employee pressed a key, clicked, scrolled or moved the pointer.
    pub fn touch(&self) {
        *self.last_input.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    fn idle_for(&self) -> Duration {
        self.last_input.lock().unwrap_or_else(PoisonError::into_inner).elapsed()
    }

    /// Counts idle locks: the shell tells the window at each.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.locks.subscribe()
    }

    /// Watches until dropped: when `open()` (a vault is open) and no input came for `limit()`,
    /// runs `lock` and counts it. While nothing is open the clock starts anew, so the time
    /// counts from the sign-in or unlock, not from before it.
    pub async fn run<Lock, Locking>(&self, limit: impl Fn() -> Duration, open: impl Fn() -> bool, lock: Lock)
    where
        Lock: Fn() -> Locking,
        Locking: Future<Output = ()>,
    {
        self.run_every(TICK, limit, open, lock).await;
    }

    async fn run_every<Lock, Locking>(
        &self,
        tick: Duration,
        limit: impl Fn() -> Duration,
        open: impl Fn() -> bool,
        lock: Lock,
    ) where
        Lock: Fn() -> Locking,
        Locking: Future<Output = ()>,
    {
        let mut ticks = tokio::time::interval(tick);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if !open() {
                self.touch();
            } else if self.idle_for() >= limit() {
                tracing::info!("locked after the idle time");
                lock().await;
                self.touch();
                self.locks.send_modify(|count| *count += 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

    use super::*;

    /// Short real times: a lock is never early (the watch reads the clock), and the tests wait
    /// for a lateness of up to seconds, so a loaded machine does not make them fail.
    const LIMIT: Duration = Duration::from_millis(400);

    struct Fixture {
        watch: Arc<IdleWatch>,
        open: Arc<AtomicBool>,
        locked: Arc<AtomicU32>,
    }

    impl Fixture {
        fn start() -> Self {
            let watch = Arc::new(IdleWatch::default());
            let open = Arc::new(AtomicBool::new(true));
            let locked = Arc::new(AtomicU32::new(0));
            let (w, o, l) = (Arc::clone(&watch), Arc::clone(&open), Arc::clone(&locked));
            tokio::spawn(async move {
                let is_open = Arc::clone(&o);
                let lock = move || {
                    let (o, l) = (Arc::clone(&o), Arc::clone(&l));
                    async move {
                        o.store(false, Ordering::SeqCst);
                        l.fetch_add(1, Ordering::SeqCst);
                    }
                };
                w.run_every(
                    Duration::from_millis(10),
                    || LIMIT,
                    move || is_open.load(Ordering::SeqCst),
                    lock,
                )
                .await;
            });
            Self { watch, open, locked }
        }

        fn locks(&self) -> u32 {
            self.locked.load(Ordering::SeqCst)
        }

        async fn wait_for_lock(&self, count: u32) {
            let waited = Instant::now();
            while self.locks() < count {
                assert!(waited.elapsed() < Duration::from_secs(10), "never locked");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }

    #[tokio::test]
    async fn an_open_vault_locks_after_the_idle_time_and_not_before() {
        let f = Fixture::start();
        let started = Instant::now();
        let mut locks = f.watch.subscribe();
        f.wait_for_lock(1).await;
        assert!(started.elapsed() >= LIMIT, "locked after {:?}", started.elapsed());
        assert!(!f.open.load(Ordering::SeqCst));
        locks.changed().await.unwrap();
        assert_eq!(*locks.borrow_and_update(), 1);
        // Locked: nothing more to lock however long it stays.
        tokio::time::sleep(LIMIT * 3).await;
        assert_eq!(f.locks(), 1);
    }

    #[tokio::test]
    async fn input_puts_the_lock_off() {
        let f = Fixture::start();
        let mut last_input = Instant::now();
        let mut longest_gap = Duration::ZERO;
        for _ in 0..8 {
            tokio::time::sleep(LIMIT / 4).await;
            longest_gap = longest_gap.max(last_input.elapsed());
            f.watch.touch();
            last_input = Instant::now();
        }
        // Compared with the clock, not assumed: a lock here is only right if this machine
        // stalled for the whole idle time between two inputs.
        assert!(f.locks() == 0 || longest_gap >= LIMIT, "locked while the employee kept working");
        let count = f.locks();
        f.open.store(true, Ordering::SeqCst);
        f.wait_for_lock(count + 1).await;
        assert!(last_input.elapsed() >= LIMIT);
    }

    #[tokio::test]
    async fn the_time_counts_from_the_unlock_not_from_before_it() {
        let f = Fixture::start();
        f.open.store(false, Ordering::SeqCst);
        tokio::time::sleep(LIMIT * 2).await;
        let unlocked = Instant::now();
        f.open.store(true, Ordering::SeqCst);
        f.wait_for_lock(1).await;
        // The clock restarted at the last look while closed (a tick before the unlock, or more
        // on a busy machine): never at once, as a clock that kept running would have it.
        assert!(unlocked.elapsed() >= LIMIT / 2, "locked {:?} after the unlock", unlocked.elapsed());
    }
}
