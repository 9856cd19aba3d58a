//! A fixed-window limit of sign-in requests per client address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute, windows: Mutex::new(HashMap::new()) }
    }

    /// `Ok` when the request may go on; `Err(seconds)` to wait otherwise.
    pub fn check(&self, client: IpAddr, now_ms: i64) -> Result<(), u32> {
        let window = now_ms.div_euclid(60_000);
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 10_000 {
            windows.retain(|_, (w, _)| *w == window);
        }
        let entry = windows.entry(client).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= self.per_minute {
            let next_window_ms = (window + 1) * 60_000;
            return Err(super::policy::seconds_until(now_ms, next_window_ms));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_holds_within_a_minute_and_resets_after() {
        let limiter = RateLimiter::new(3);
        let ip: IpAddr = [127, 0, 0, 1].into();
        let other: IpAddr = [127, 0, 0, 2].into();
        for _ in 0..3 {
            assert!(limiter.check(ip, 1_000).is_ok());
        }
        assert_eq!(limiter.check(ip, 30_000), Err(30));
        assert!(limiter.check(other, 30_000).is_ok());
        assert!(limiter.check(ip, 60_000).is_ok());
    }
}
