//! How many sign-in requests one client address may make: behind a trait, so several server
//! nodes can share one limit (a shared store) while one node keeps it in memory. The in-memory
//! limit is `governor`'s GCRA (a burst of N, then one more every 60/N seconds) on the server's
//! clock, so tests can move time.

use std::fmt::Debug;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::ops::Add;
use std::sync::Arc;

use governor::clock::{Clock as GovernorClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::clock::Clock;

pub trait RateLimit: Debug + Send + Sync {
    /// `Ok` when a request from `client` may go on; `Err(seconds)` to wait otherwise.
    fn check(&self, client: IpAddr) -> Result<(), u32>;
}

/// The server's clock as `governor` reads it: nanoseconds since the Unix epoch.
#[derive(Debug, Clone)]
struct ServerClock(Arc<dyn Clock>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Instant(u64);

impl Add<Nanos> for Instant {
    type Output = Self;

    fn add(self, other: Nanos) -> Self {
        Self(self.0.saturating_add(other.as_u64()))
    }
}

impl Reference for Instant {
    fn duration_since(&self, earlier: Self) -> Nanos {
        Nanos::from(self.0.saturating_sub(earlier.0))
    }

    fn saturating_sub(&self, duration: Nanos) -> Self {
        Self(self.0.saturating_sub(duration.as_u64()))
    }
}

impl GovernorClock for ServerClock {
    type Instant = Instant;

    fn now(&self) -> Instant {
        Instant(u64::try_from(self.0.now_ms()).unwrap_or(0).saturating_mul(1_000_000))
    }
}

type Limiter = RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, ServerClock, NoOpMiddleware<Instant>>;

/// One node's limit, in memory.
#[derive(Debug)]
pub struct MemoryRateLimit {
    limiter: Limiter,
    clock: ServerClock,
}

impl MemoryRateLimit {
    pub fn new(per_minute: u32, clock: Arc<dyn Clock>) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        let clock = ServerClock(clock);
        Self { limiter: RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock.clone()), clock }
    }
}

impl RateLimit for MemoryRateLimit {
    fn check(&self, client: IpAddr) -> Result<(), u32> {
        if self.limiter.len() > 10_000 {
            // Addresses that are back to a full burst need no memory.
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            u32::try_from(wait.as_secs())
                .unwrap_or(u32::MAX)
                .saturating_add(u32::from(wait.subsec_nanos() > 0))
                .max(1)
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn a_burst_then_one_more_every_share_of_the_minute_per_address() {
        let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()));
        let limiter = MemoryRateLimit::new(3, clock.clone());
        let ip: IpAddr = [127, 0, 0, 1].into();
        let other: IpAddr = [127, 0, 0, 2].into();
        for _ in 0..3 {
            assert!(limiter.check(ip).is_ok());
        }
        assert_eq!(limiter.check(ip), Err(20), "one more every 20 s");
        assert!(limiter.check(other).is_ok(), "another address has its own limit");
        clock.advance(chrono::Duration::seconds(15));
        assert_eq!(limiter.check(ip), Err(5));
        clock.advance(chrono::Duration::seconds(5));
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_err());
        clock.advance(chrono::Duration::seconds(60));
        for _ in 0..3 {
            assert!(limiter.check(ip).is_ok(), "a minute later the whole burst is back");
        }
    }
}
