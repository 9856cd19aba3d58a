//! How many sign-in requests one client address may make, shared by every server node: the
//! state lives in the store, not in a process, so a request may land on any node. The rule is
//! GCRA (the generic cell rate algorithm): a burst of N, then one more every 60/N seconds. Its
//! whole state per address is one time, the "theoretical arrival time"; this file holds the
//! arithmetic, the store reads and writes that time in one transaction.

/// The limit: `burst` requests at once, then one every `interval_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateRule {
    pub interval_ms: i64,
    pub burst: u32,
}

impl RateRule {
    /// `per_minute` requests a minute, all of them at once if they come at once.
    pub fn per_minute(per_minute: u32) -> Self {
        let per_minute = per_minute.max(1);
        // At least a millisecond: above 60 000 a minute the share would round to nothing, and
        // with it the burst's tolerance, refusing a request stamped a moment before the last.
        Self { interval_ms: (60_000 / i64::from(per_minute)).max(1), burst: per_minute }
    }

    /// How long after the last request the address is back to a full burst (its row may go).
    pub fn window_ms(self) -> i64 {
        self.interval_ms.saturating_mul(i64::from(self.burst))
    }

    /// Given the stored arrival time (`None`: a new address) and now: the new time to store, or
    /// how many seconds to wait (at least 1).
    pub fn admit(self, tat_ms: Option<i64>, now_ms: i64) -> Result<i64, u32> {
        let tolerance = self.interval_ms.saturating_mul(i64::from(self.burst.saturating_sub(1)));
        let tat = tat_ms.unwrap_or(now_ms).max(now_ms);
        if tat - now_ms <= tolerance {
            return Ok(tat + self.interval_ms);
        }
        let wait_ms = tat - tolerance - now_ms;
        Err(u32::try_from((wait_ms + 999) / 1000).unwrap_or(u32::MAX).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs requests through the rule as the store would, on one address.
    struct Address {
        rule: RateRule,
        tat: Option<i64>,
    }

    impl Address {
        fn request(&mut self, now_s: i64) -> Result<(), u32> {
            let next = self.rule.admit(self.tat, now_s * 1000)?;
            self.tat = Some(next);
            Ok(())
        }
    }

    #[test]
    fn a_burst_then_one_more_every_share_of_the_minute() {
        let mut ip = Address { rule: RateRule::per_minute(3), tat: None };
        for _ in 0..3 {
            assert_eq!(ip.request(0), Ok(()));
        }
        assert_eq!(ip.request(0), Err(20), "one more every 20 s");
        assert_eq!(ip.request(15), Err(5));
        assert_eq!(ip.request(20), Ok(()));
        assert!(ip.request(20).is_err());
        for _ in 0..3 {
            assert_eq!(ip.request(80), Ok(()), "a minute later the whole burst is back");
        }
        assert_eq!(RateRule::per_minute(3).window_ms(), 60_000);
    }

    #[test]
    fn a_wait_under_a_second_is_one_second_and_zero_per_minute_is_one() {
        let rule = RateRule::per_minute(1);
        assert_eq!(rule.admit(Some(60_500), 500), Err(60));
        assert_eq!(rule.admit(Some(60_000), 59_999), Err(1));
        assert_eq!(RateRule::per_minute(0), rule);
    }

    #[test]
    fn a_limit_above_sixty_thousand_a_minute_still_takes_requests_stamped_out_of_order() {
        let rule = RateRule::per_minute(10_000_000);
        assert_eq!(rule.interval_ms, 1);
        let mut ip = Address { rule, tat: None };
        assert_eq!(ip.request(100), Ok(()));
        // Two requests on two threads: the one stamped first is stored second.
        assert_eq!(rule.admit(ip.tat, 99_995).map(|_| ()), Ok(()));
    }
}
