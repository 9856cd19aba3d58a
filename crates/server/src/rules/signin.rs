//! The rules of sign-in, as numbers and pure decisions: when a password may be checked and when
//! an ID is locked, what a code check or a resend finds, when a refresh token rotates or ends its
//! session, whether an access token is good. The transactions that read and write for them are in
//! `signin_rows`.
//!
//! Every wrong password and every wrong code counts toward one lockout per national ID. A password
//! check is reserved (counted as a failure) before the slow hash is compared and released only when
//! the password proves right, so requests sent at the same moment cannot pass the lockout; codes
//! are counted per sign-in across resends, and the resends themselves are capped.

/// A code is valid this long after it was sent.
pub const CODE_TTL_SECONDS: u32 = 5 * 60;
/// A new code can be asked for this long after the last one.
pub const RESEND_COOLDOWN_SECONDS: u32 = 60;
/// Wrong codes allowed for one sign-in attempt.
pub const MAX_CODE_ATTEMPTS: u32 = 5;
/// New codes one sign-in may ask for after its first.
pub const MAX_RESENDS: u32 = 3;
/// Wrong passwords and codes in a row before the national ID is locked.
pub const MAX_PASSWORD_FAILURES: u32 = 5;
pub const LOCKOUT_SECONDS: u32 = 15 * 60;
pub const ACCESS_TOKEN_SECONDS: u32 = 15 * 60;
/// A session (one sign-in and the refreshes after it; its refresh tokens live until then) ends
/// this long after the sign-in, however busy: then only a full sign-in continues (ASVS 4.0
/// §3.3.2, level 2: twelve hours).
pub const SESSION_MAX_SECONDS: u32 = 12 * 60 * 60;
/// Sign-in requests per client address per minute.
pub const DEFAULT_AUTH_REQUESTS_PER_MINUTE: u32 = 60;

/// [`rate_key`] of an address as text (kept as it is when it is not an IP address).
pub fn rate_key_of(address: &str) -> String {
    address.parse().map_or_else(|_| address.to_owned(), rate_key)
}

/// The key a client's sign-in requests are limited under: an IPv4 address alone; an IPv6 address
/// by its /64 network, the block one subscriber or one office is given (each of its 2^64
/// addresses counting alone would make the limit no limit).
pub fn rate_key(client: std::net::IpAddr) -> String {
    match client {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => {
            let network = u128::from(v6) & !u128::from(u64::MAX);
            format!("{}/64", std::net::Ipv6Addr::from(network))
        }
    }
}

pub fn ms(seconds: u32) -> i64 {
    i64::from(seconds) * 1000
}

/// Whole seconds from `now_ms` until `until_ms`, at least 1.
pub fn seconds_until(now_ms: i64, until_ms: i64) -> u32 {
    let millis = (until_ms - now_ms).max(0);
    u32::try_from((millis + 999) / 1000).unwrap_or(u32::MAX).max(1)
}

/// The lock's end while it holds: a lock whose time has come is no lock.
pub fn locked(until: Option<i64>, now_ms: i64) -> Option<i64> {
    until.filter(|until| *until > now_ms)
}

/// After a wrong password that made `failures` in a row: the lock's end when it locks the ID.
pub fn lock_after(failures: u32, now_ms: i64) -> Option<i64> {
    (failures >= MAX_PASSWORD_FAILURES).then(|| now_ms + ms(LOCKOUT_SECONDS))
}

/// An ID's failure count as stored: wrong passwords and codes in a row (reserved checks
/// included), and the end of its lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: u32,
    pub locked_until: Option<i64>,
}

/// Whether a password may be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Check it; `Failures` (this check counted) is what to store first.
    Check(Failures),
    /// Locked, or as many checks under way as failures are left: try again after this many seconds.
    Refused { retry_after: u32 },
}

/// Reserves a password check: refused while the ID is locked, or while the checks already counted
/// would lock it; otherwise this check is counted as a failure until the password proves right.
pub fn reserve(current: Failures, now_ms: i64) -> Reservation {
    if let Some(until) = locked(current.locked_until, now_ms) {
        return Reservation::Refused { retry_after: seconds_until(now_ms, until) };
    }
    // A lock whose time has come starts the count again.
    let count = if current.locked_until.is_some() { 0 } else { current.count };
    if count >= MAX_PASSWORD_FAILURES {
        return Reservation::Refused { retry_after: 1 };
    }
    Reservation::Check(Failures { count: count + 1, locked_until: None })
}

/// The count after a failure is settled: at the limit the ID locks and the count starts again.
pub fn settle(failures: Failures, now_ms: i64) -> Failures {
    match lock_after(failures.count, now_ms) {
        Some(until) => Failures { count: 0, locked_until: Some(until) },
        None => failures,
    }
}

/// The reserved check found the password right: its reservation is given back (earlier failures
/// stay counted until the sign-in is complete).
pub fn release(failures: Failures) -> Failures {
    Failures { count: failures.count.saturating_sub(1), ..failures }
}

/// A wrong code: one more failure for the ID, settled.
pub fn wrong_code(failures: Failures, now_ms: i64) -> Failures {
    settle(Failures { count: failures.count.saturating_add(1), ..failures }, now_ms)
}

/// Tries left before either the sign-in's codes run out or the ID locks.
pub fn tries_left(code_remaining: u32, failures: Failures) -> u32 {
    code_remaining.min(MAX_PASSWORD_FAILURES.saturating_sub(failures.count))
}

/// What a wrong code leads to, counted for the sign-in (`code_remaining`: its tries left, `None`
/// when that was its last) and for the ID (`failures`, settled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrongCode {
    Retry {
        remaining: u32,
    },
    /// The sign-in's codes are used up.
    Exhausted,
    /// The ID locked.
    Locked {
        retry_after: u32,
    },
}

impl WrongCode {
    /// Whether the sign-in attempt is over.
    pub fn ends_attempt(self) -> bool {
        !matches!(self, Self::Retry { .. })
    }
}

pub fn after_wrong_code(code_remaining: Option<u32>, failures: Failures, now_ms: i64) -> WrongCode {
    if let Some(until) = locked(failures.locked_until, now_ms) {
        return WrongCode::Locked { retry_after: seconds_until(now_ms, until) };
    }
    match code_remaining {
        None => WrongCode::Exhausted,
        Some(remaining) => WrongCode::Retry { remaining: tries_left(remaining, failures) },
    }
}

/// When a code sent at `sent_ms` stops being valid.
pub fn code_expiry(sent_ms: i64) -> i64 {
    sent_ms + ms(CODE_TTL_SECONDS)
}

/// What an open sign-in attempt holds, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    pub expires_at: i64,
    pub last_sent_at: i64,
    /// Wrong codes so far, over every code of this sign-in.
    pub attempts: u32,
    /// New codes sent after the first.
    pub resends: u32,
}

/// What a code sent for an attempt finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeVerdict {
    /// No such open attempt (finished, abandoned, never made).
    Unknown,
    Expired,
    Correct,
    /// Wrong: counted (`attempts` in all), `remaining` tries left.
    Wrong {
        attempts: u32,
        remaining: u32,
    },
    /// Wrong, and the last try: the attempt ends.
    Exhausted {
        attempts: u32,
    },
}

impl CodeVerdict {
    /// The outcome as the audit log records it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Unknown => "unknown_challenge",
            Self::Expired => "expired",
            Self::Correct => "signed_in",
            Self::Wrong { .. } => "wrong_code",
            Self::Exhausted { .. } => "too_many_attempts",
        }
    }
}

/// Checks a code against an attempt; `matches` says whether the code's hash is the stored one.
pub fn check_code(attempt: Option<Attempt>, matches: bool, now_ms: i64) -> CodeVerdict {
    let Some(attempt) = attempt else { return CodeVerdict::Unknown };
    if attempt.expires_at <= now_ms {
        return CodeVerdict::Expired;
    }
    if matches {
        return CodeVerdict::Correct;
    }
    let attempts = attempt.attempts.saturating_add(1);
    if attempts >= MAX_CODE_ATTEMPTS {
        CodeVerdict::Exhausted { attempts }
    } else {
        CodeVerdict::Wrong { attempts, remaining: MAX_CODE_ATTEMPTS - attempts }
    }
}

/// What asking for a new code finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResendVerdict {
    /// Send one; it expires then.
    Send {
        expires_at: i64,
    },
    TooSoon {
        retry_after: u32,
    },
    /// This sign-in had all its new codes: the last one stays valid until it expires.
    Limit,
}

/// A new code for an attempt: capped, and only after the cool-down; wrong codes stay counted.
pub fn resend(attempt: Attempt, now_ms: i64) -> ResendVerdict {
    if attempt.resends >= MAX_RESENDS {
        return ResendVerdict::Limit;
    }
    let ready_at = attempt.last_sent_at + ms(RESEND_COOLDOWN_SECONDS);
    if now_ms < ready_at {
        ResendVerdict::TooSoon { retry_after: seconds_until(now_ms, ready_at) }
    } else {
        ResendVerdict::Send { expires_at: code_expiry(now_ms) }
    }
}

/// When a session signed in at `signed_in_ms` ends, however often it is refreshed: its refresh
/// tokens expire then.
pub fn session_end(signed_in_ms: i64) -> i64 {
    signed_in_ms + ms(SESSION_MAX_SECONDS)
}

/// How long an access token issued with `session_left` seconds of its session left lives: fifteen
/// minutes, never past the session's end.
pub fn access_lifetime(session_left: u32) -> u32 {
    ACCESS_TOKEN_SECONDS.min(session_left)
}

/// A stored token, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenState {
    pub expires_at: i64,
    /// Its session was revoked (signed out, or a refresh token came back).
    pub revoked: bool,
    /// A refresh token was used already.
    pub used: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshVerdict {
    /// Unknown, expired, or of a revoked session.
    Invalid,
    /// Used before: someone holds a copy, so the whole session ends.
    Reused,
    Rotate,
}

pub fn refresh(token: Option<TokenState>, now_ms: i64) -> RefreshVerdict {
    match token {
        None => RefreshVerdict::Invalid,
        Some(token) if token.revoked || token.expires_at <= now_ms => RefreshVerdict::Invalid,
        Some(token) if token.used => RefreshVerdict::Reused,
        Some(_) => RefreshVerdict::Rotate,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessVerdict {
    Valid,
    Expired,
    Invalid,
}

pub fn access(token: Option<TokenState>, now_ms: i64) -> AccessVerdict {
    match token {
        None => AccessVerdict::Invalid,
        Some(token) if token.revoked => AccessVerdict::Invalid,
        Some(token) if token.expires_at <= now_ms => AccessVerdict::Expired,
        Some(_) => AccessVerdict::Valid,
    }
}

#[cfg(test)]
#[path = "signin_tests.rs"]
mod tests;
