//! Per-employee upload quotas: what one account may have unfinished at once, and what it may
//! start uploading in a rolling day. Anyone signed in could otherwise fill the documents
//! directory with 20 MiB files no submission uses.

use masar_protocol::attachments::AttachmentLimits;

use crate::storage::UploadUsage;

/// The rolling window of the daily quota.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Which quota a new upload would go over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaUsed {
    /// Unfinished uploads together: room comes as they finish, expire or are ended.
    InFlight { limit: u64 },
    /// The bytes started in the last 24 hours: room comes back after `retry_after` seconds
    /// at the earliest.
    Daily { limit: u64, retry_after: u32 },
}

impl QuotaUsed {
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            Self::InFlight { .. } => None,
            Self::Daily { retry_after, .. } => Some(*retry_after),
        }
    }
}

/// Whether an upload of `length` bytes may start now.
pub fn check(
    usage: &UploadUsage,
    length: u64,
    limits: &AttachmentLimits,
    now_ms: i64,
) -> Result<(), QuotaUsed> {
    if usage.in_flight.saturating_add(length) > limits.max_in_flight_bytes {
        return Err(QuotaUsed::InFlight { limit: limits.max_in_flight_bytes });
    }
    if usage.last_day.saturating_add(length) > limits.max_daily_bytes {
        let frees_at = usage.oldest_ms.map_or(now_ms + DAY_MS, |oldest| oldest + DAY_MS);
        let seconds = (frees_at - now_ms).max(1000).div_euclid(1000);
        return Err(QuotaUsed::Daily {
            limit: limits.max_daily_bytes,
            retry_after: u32::try_from(seconds).unwrap_or(u32::MAX),
        });
    }
    Ok(())
}

/// The message of a refusal, in Arabic (the API's language), with the limit in MiB.
pub fn quota_message(used: &QuotaUsed) -> String {
    let mib = |bytes: u64| bytes.div_ceil(1024 * 1024);
    match used {
        QuotaUsed::InFlight { limit } => format!(
            "لديك ملفات قيد الرفع تبلغ الحد المسموح به ({} ميغابايت). يُرفع هذا الملف بعد اكتمال رفعها.",
            mib(*limit)
        ),
        QuotaUsed::Daily { limit, retry_after } => format!(
            "بلغت الملفات المرفوعة خلال 24 ساعة الحد المسموح به ({} ميغابايت). يمكن الرفع من جديد بعد {} دقيقة.",
            mib(*limit),
            retry_after.div_ceil(60)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;
    const NOW: i64 = 1_800_000_000_000;

    fn limits() -> AttachmentLimits {
        AttachmentLimits {
            max_in_flight_bytes: 100 * MIB,
            max_daily_bytes: 500 * MIB,
            ..AttachmentLimits::default()
        }
    }

    fn usage(in_flight: u64, last_day: u64, oldest_ago_ms: Option<i64>) -> UploadUsage {
        UploadUsage { in_flight, last_day, oldest_ms: oldest_ago_ms.map(|ago| NOW - ago), importing: 0 }
    }

    #[test]
    fn each_quota_refuses_what_would_go_over_it_and_no_more() {
        let hour = 60 * 60 * 1000;
        let cases = [
            // (unfinished, last day, oldest, new upload) → refusal
            (usage(0, 0, None), 20 * MIB, None),
            (usage(80 * MIB, 80 * MIB, Some(hour)), 20 * MIB, None),
            (
                usage(80 * MIB, 80 * MIB, Some(hour)),
                20 * MIB + 1,
                Some(QuotaUsed::InFlight { limit: 100 * MIB }),
            ),
            (usage(0, 480 * MIB, Some(hour)), 20 * MIB, None),
            (
                usage(0, 480 * MIB, Some(hour)),
                20 * MIB + 1,
                Some(QuotaUsed::Daily { limit: 500 * MIB, retry_after: 23 * 60 * 60 }),
            ),
            // Unfinished first: it is the one that frees itself soonest.
            (usage(100 * MIB, 500 * MIB, Some(hour)), 1, Some(QuotaUsed::InFlight { limit: 100 * MIB })),
            // A day's oldest upload about to leave the window: at least a second.
            (
                usage(0, 500 * MIB, Some(DAY_MS)),
                1,
                Some(QuotaUsed::Daily { limit: 500 * MIB, retry_after: 1 }),
            ),
        ];
        for (usage, length, expected) in cases {
            assert_eq!(check(&usage, length, &limits(), NOW).err(), expected, "{usage:?} + {length}");
        }
    }

    #[test]
    fn the_refusal_says_the_limit_and_the_wait() {
        let daily = quota_message(&QuotaUsed::Daily { limit: 500 * MIB, retry_after: 3601 });
        assert!(daily.contains("500 ميغابايت") && daily.contains("61 دقيقة"), "{daily}");
        let in_flight = quota_message(&QuotaUsed::InFlight { limit: 100 * MIB });
        assert!(in_flight.contains("100 ميغابايت"), "{in_flight}");
        assert_eq!(QuotaUsed::InFlight { limit: 1 }.retry_after(), None);
    }
}
