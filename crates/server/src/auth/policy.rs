//! The numbers of sign-in.

/// A code is valid this long after it was sent.
pub const CODE_TTL_SECONDS: u32 = 5 * 60;
/// A new code can be asked for this long after the last one.
pub const RESEND_COOLDOWN_SECONDS: u32 = 60;
/// Wrong codes allowed for one sign-in attempt.
pub const MAX_CODE_ATTEMPTS: u32 = 5;
/// Wrong passwords in a row before the national ID is locked.
pub const MAX_PASSWORD_FAILURES: u32 = 5;
pub const LOCKOUT_SECONDS: u32 = 15 * 60;
pub const ACCESS_TOKEN_SECONDS: u32 = 15 * 60;
pub const REFRESH_TOKEN_SECONDS: u32 = 30 * 24 * 60 * 60;
/// Sign-in requests per client address per minute.
pub const DEFAULT_AUTH_REQUESTS_PER_MINUTE: u32 = 60;

pub fn ms(seconds: u32) -> i64 {
    i64::from(seconds) * 1000
}

/// Whole seconds from `now_ms` until `until_ms`, at least 1.
pub fn seconds_until(now_ms: i64, until_ms: i64) -> u32 {
    let millis = (until_ms - now_ms).max(0);
    u32::try_from((millis + 999) / 1000).unwrap_or(u32::MAX).max(1)
}
