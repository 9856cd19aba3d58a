//! The rules of sign-in, as numbers and pure decisions: when an ID is locked, what a code check
//! or a resend finds, when a refresh token rotates or ends its session, whether an access token
//! is good. The transactions that read and write for them are in `signin_rows`.

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

/// The lock's end while it holds: a lock whose time has come is no lock.
pub fn locked(until: Option<i64>, now_ms: i64) -> Option<i64> {
    until.filter(|until| *until > now_ms)
}

/// After a wrong password that made `failures` in a row: the lock's end when it locks the ID.
pub fn lock_after(failures: u32, now_ms: i64) -> Option<i64> {
    (failures >= MAX_PASSWORD_FAILURES).then(|| now_ms + ms(LOCKOUT_SECONDS))
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
    /// Wrong codes so far.
    pub attempts: u32,
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

/// A new code for an attempt: the new code's expiry, or the seconds to wait for it.
pub fn resend(attempt: Attempt, now_ms: i64) -> Result<i64, u32> {
    let ready_at = attempt.last_sent_at + ms(RESEND_COOLDOWN_SECONDS);
    if now_ms < ready_at { Err(seconds_until(now_ms, ready_at)) } else { Ok(code_expiry(now_ms)) }
}

/// When tokens issued at `now_ms` expire: (access, refresh).
pub fn token_expiry(now_ms: i64) -> (i64, i64) {
    (now_ms + ms(ACCESS_TOKEN_SECONDS), now_ms + ms(REFRESH_TOKEN_SECONDS))
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
