//! The background sync loop, with a timer that records the waits it is asked for (and waits only
//! a few real milliseconds): failures wait and grow instead of spinning, a success resets the
//! backoff and waits the interval, and a long queue goes in batches of 500.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use masar_core::ConnectionStatus;
use masar_core::sync::{SyncStatus, SyncTimer};
use masar_protocol::NationalAddress;
use masar_protocol::sync::{ContactUpdate, MutationBody};
use masar_test_support::{Fault, World};

/// Records each wait; lets a little real time pass so the test and the server keep up.
#[derive(Debug, Default)]
struct RecordingTimer {
    waits: Mutex<Vec<Duration>>,
}

impl SyncTimer for RecordingTimer {
    fn wait(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        self.waits.lock().unwrap().push(duration);
        Box::pin(tokio::time::sleep(Duration::from_millis(5)))
    }
}

impl RecordingTimer {
    fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap().clone()
    }

    /// Polls until the recorded waits satisfy `done` (bounded: a stuck loop fails the test).
    async fn until(&self, done: impl Fn(&[Duration]) -> bool) -> Vec<Duration> {
        for _ in 0..2_000 {
            let waits = self.waits();
            if done(&waits) {
                return waits;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the loop never got there: {:?}", self.waits());
    }
}

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test]
async fn failures_back_off_without_spinning_and_a_success_resets() {
    let timer = Arc::new(RecordingTimer::default());
    let shared: Arc<dyn SyncTimer> = timer.clone();
    let world = World::signed_in_with(|options| options.sync_timer = Some(shared)).await;
    world.proxy.set(Fault::Refuse);
    let sync_loop = world.app.sync().spawn_loop();

    // The first round runs at once; then every failed round is followed by a longer wait.
    let waits = timer.until(|w| w.len() >= 7).await;
    assert_eq!(waits[0], Duration::ZERO, "the first round goes at once");
    let failures = &waits[1..7];
    let bounds = [(0.5, 1.0), (1.0, 2.0), (2.0, 4.0), (4.0, 8.0), (8.0, 16.0), (16.0, 32.0)];
    for (wait, (low, high)) in failures.iter().zip(bounds) {
        assert!(
            *wait >= SECOND.mul_f64(low) && *wait <= SECOND.mul_f64(high),
            "each wait doubles, with jitter: {failures:?}"
        );
    }
    assert!(matches!(world.app.sync().status(), SyncStatus::Offline { .. }));

    // The server is reachable again: the next round succeeds and the loop waits the interval.
    world.proxy.set(Fault::Pass);
    let seen = timer.waits().len();
    let waits = timer.until(|w| w[seen..].contains(&Duration::from_secs(15))).await;
    assert!(matches!(world.app.sync().status(), SyncStatus::Synced { pending: 0, .. }));

    // A new failure starts from the first step again.
    world.proxy.set(Fault::Refuse);
    world.app.sync().now();
    let seen = waits.len();
    let waits =
        timer.until(|w| w[seen..].iter().any(|d| *d > Duration::ZERO && *d < Duration::from_secs(15))).await;
    let first = waits[seen..].iter().find(|d| **d > Duration::ZERO && **d < Duration::from_secs(15)).unwrap();
    assert!(*first >= SECOND / 2 && *first <= SECOND, "reset after the success: {:?}", &waits[seen..]);
    sync_loop.abort();
}

#[tokio::test]
async fn twelve_hundred_waiting_edits_go_in_three_pushes_of_at_most_five_hundred() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    world.proxy.set(Fault::Refuse);
    let view = world.app.records().local_view().await.unwrap();
    for n in 0..1_200_u32 {
        let edit = MutationBody::UpdateContact(ContactUpdate {
            mobile: format!("05{:08}", 50_000_000 + n),
            email: view.profile.email.clone(),
            address: NationalAddress { ..view.profile.address.clone() },
        });
        world.app.outbox().queue_edit(edit, vec!["mobile".into()]).await.unwrap();
    }
    world.proxy.set(Fault::Pass);
    let before = world.proxy.pushes();
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Synced { pending: 0, .. }), "{status:?}");
    assert_eq!(world.proxy.pushes() - before, 3, "500 + 500 + 200");
    assert_eq!(world.count("SELECT count(*) FROM sync_results"), 1_200);
    assert_eq!(world.count("SELECT max(last_mutation_id) FROM sync_clients"), 1_200);
}

/// Waits a round's whole interval (a long time) unless woken; the loop's first wait (zero) passes
/// at once. Records the long waits it was asked for.
#[derive(Debug, Default)]
struct PatientTimer {
    long_waits: Mutex<usize>,
}

impl SyncTimer for PatientTimer {
    fn wait(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        if duration.is_zero() {
            return Box::pin(std::future::ready(()));
        }
        *self.long_waits.lock().unwrap() += 1;
        Box::pin(tokio::time::sleep(Duration::from_secs(3_600)))
    }
}

impl PatientTimer {
    async fn until(&self, rounds: usize) {
        for _ in 0..2_000 {
            if *self.long_waits.lock().unwrap() >= rounds {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the loop is still waiting after {} rounds", self.long_waits.lock().unwrap());
    }
}

/// «تحقق الآن», a local edit, a reconnect: asking for a round starts one at once instead of
/// after the interval. (A request made while a round runs is kept for after it, once; so the
/// second request is what shows that every request is heard.)
#[tokio::test]
async fn asking_for_a_round_wakes_the_waiting_loop() {
    let timer = Arc::new(PatientTimer::default());
    let shared: Arc<dyn SyncTimer> = timer.clone();
    let world = World::signed_in_with(|options| options.sync_timer = Some(shared)).await;
    let sync_loop = world.app.sync().spawn_loop();
    timer.until(1).await;
    world.app.sync().now();
    timer.until(2).await;
    world.app.sync().now();
    timer.until(3).await;
    sync_loop.abort();
}

/// A round that reaches the server while the status bar still says offline tells it at once:
/// the connection is checked then, not at the monitor's next turn (an hour away here).
#[tokio::test]
async fn a_round_that_reaches_the_server_brings_the_connection_back_at_once() {
    let world = World::signed_in().await;
    world.proxy.set(Fault::Refuse);
    let mut updates = world.app.subscribe_connection();
    updates.borrow_and_update();
    let monitor = world.app.spawn_connection_monitor(Duration::from_secs(3_600));
    // Each check publishes its result: the monitor's first, and the one the sign-in asked for
    // (kept until the monitor came). Then it waits its hour.
    for _ in 0..2 {
        tokio::time::timeout(Duration::from_secs(20), updates.changed()).await.unwrap().unwrap();
        assert!(!updates.borrow_and_update().is_online());
    }
    world.proxy.set(Fault::Pass);
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Synced { .. }), "{status:?}");
    tokio::time::timeout(Duration::from_secs(20), updates.wait_for(ConnectionStatus::is_online))
        .await
        .expect("the connection stayed offline after the round reached the server")
        .unwrap();
    monitor.abort();
}
