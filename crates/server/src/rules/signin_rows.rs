//! Sign-in's transactions over a store's rows: each reads what the rule in `signin` needs, asks
//! it, and writes and audits the outcome. Codes and tokens are stored only as digests.

use masar_protocol::{NationalId, WireSecret};

use super::records::{Audit, RecordRows};
use super::signin::{
    self, Attempt, CodeVerdict, Failures, RefreshVerdict, ResendVerdict, Reservation, TokenState, WrongCode,
};
use crate::secrets::{digest, new_id, new_token, same_digest};
use crate::storage::{Caller, IssuedTokens, PasswordCheck, RefreshOutcome, Resent, Role, Verified};

/// An account as stored. `Debug` leaves out the password hash.
pub struct Account {
    pub password_hash: String,
    pub mobile: String,
    pub role: Role,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account").field("role", &self.role).finish_non_exhaustive()
    }
}

/// An open sign-in attempt as stored. `Debug` leaves out the code's hash: six digits are quickly
/// guessed from it.
pub struct Challenge {
    pub national_id: NationalId,
    pub code_hash: String,
    pub attempt: Attempt,
}

impl std::fmt::Debug for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Challenge")
            .field("national_id", &self.national_id)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

/// A stored token: its session (token family), whose it is, and its state.
#[derive(Debug)]
pub struct Token {
    pub family: String,
    pub national_id: NationalId,
    pub role: Role,
    pub state: TokenState,
    /// When its session's sign-in was (the session's absolute lifetime counts from it).
    pub signed_in_at: i64,
}

/// The sign-in rows, inside the store's transaction.
#[allow(async_fn_in_trait, reason = "crate-internal: each store's futures are checked where they run")]
pub trait SigninRows: RecordRows {
    async fn account(&self, id: &NationalId) -> anyhow::Result<Option<Account>>;
    /// The ID's failure count, its row locked until the transaction ends (no row: none counted).
    async fn failures(&self, id: &NationalId) -> anyhow::Result<Failures>;
    async fn set_failures(&self, id: &NationalId, failures: Failures) -> anyhow::Result<()>;
    /// A complete sign-in: nothing counted against the ID any more.
    async fn clear_failures(&self, id: &NationalId) -> anyhow::Result<()>;
    /// Closes the ID's open attempts and opens a new one, its code sent at `now_ms`.
    async fn open_attempt(
        &self,
        challenge_id: &str,
        id: &NationalId,
        code_hash: &str,
        now_ms: i64,
        expires_at: i64,
    ) -> anyhow::Result<()>;
    /// An attempt that is neither finished nor abandoned, locked until the transaction ends.
    async fn challenge(&self, challenge_id: &str) -> anyhow::Result<Option<Challenge>>;
    async fn count_wrong_code(
        &self,
        challenge_id: &str,
        attempts: u32,
        exhausted: bool,
    ) -> anyhow::Result<()>;
    /// The attempt's code replaced by a new one, its resends counted; wrong codes stay counted.
    async fn replace_code(
        &self,
        challenge_id: &str,
        code_hash: &str,
        expires_at: i64,
        now_ms: i64,
    ) -> anyhow::Result<()>;
    async fn close_challenge(&self, challenge_id: &str) -> anyhow::Result<()>;
    async fn insert_family(&self, family: &str, id: &NationalId, now_ms: i64) -> anyhow::Result<()>;
    /// A refresh token of a session, with its expiry time.
    async fn insert_refresh_token(&self, family: &str, hash: &str, expires_at: i64) -> anyhow::Result<()>;
    /// A refresh token by its digest, locked until the transaction ends.
    async fn refresh_token(&self, hash: &str) -> anyhow::Result<Option<Token>>;
    async fn mark_refresh_used(&self, hash: &str, now_ms: i64) -> anyhow::Result<()>;
    /// Ends a session: its refresh tokens refused from now on.
    async fn revoke_family(&self, family: &str, now_ms: i64) -> anyhow::Result<()>;
}

fn code_digest(challenge_id: &str, code: &str) -> String {
    digest(&format!("code:{challenge_id}"), code)
}

/// Step one, before the password is checked: the check is reserved (counted as a failure) unless
/// the ID is locked or the checks already under way would lock it.
pub async fn reserve_password_check(
    rows: &impl SigninRows,
    id: &NationalId,
    caller: &Caller,
) -> anyhow::Result<PasswordCheck> {
    match signin::reserve(rows.failures(id).await?, caller.now_ms) {
        Reservation::Refused { retry_after } => {
            audited(rows, Audit::of(caller, "login", "locked", Some(id))).await?;
            Ok(PasswordCheck::Refused { retry_after })
        }
        Reservation::Check(reserved) => {
            rows.set_failures(id, reserved).await?;
            let account = rows.account(id).await?.map(|a| (a.password_hash, a.mobile));
            Ok(PasswordCheck::Check { account })
        }
    }
}

/// The reserved check found a wrong password: its failure stays counted and may lock the ID.
/// Audited; the seconds the ID is locked for when it is.
pub async fn password_wrong(
    rows: &impl SigninRows,
    id: &NationalId,
    caller: &Caller,
) -> anyhow::Result<Option<u32>> {
    let settled = signin::settle(rows.failures(id).await?, caller.now_ms);
    rows.set_failures(id, settled).await?;
    let locked = signin::locked(settled.locked_until, caller.now_ms);
    let outcome = if locked.is_some() { "wrong_password_locked" } else { "wrong_password" };
    audited(rows, Audit::of(caller, "login", outcome, Some(id))).await?;
    Ok(locked.map(|until| signin::seconds_until(caller.now_ms, until)))
}

/// The code could not be sent: the attempt is closed so it cannot be used blind.
pub async fn abandon_challenge(
    rows: &impl SigninRows,
    challenge_id: &str,
    id: &NationalId,
    caller: &Caller,
) -> anyhow::Result<()> {
    rows.close_challenge(challenge_id).await?;
    // The gateway failed, not the client: no address.
    audited(rows, Audit { client: "", ..Audit::of(caller, "sms", "failed", Some(id)) }).await
}

/// The password was right: its reservation given back, earlier attempts closed, a new one waiting
/// for `code`. Returns the attempt's id.
pub async fn begin_challenge(
    rows: &impl SigninRows,
    id: &NationalId,
    code: &str,
    caller: &Caller,
) -> anyhow::Result<String> {
    let failures = rows.failures(id).await?;
    rows.set_failures(id, signin::release(failures)).await?;
    let challenge_id = new_id()?;
    let expires_at = signin::code_expiry(caller.now_ms);
    rows.open_attempt(&challenge_id, id, &code_digest(&challenge_id, code), caller.now_ms, expires_at)
        .await?;
    audited(rows, Audit::of(caller, "login", "code_sent", Some(id))).await?;
    Ok(challenge_id)
}

/// Checks a code for an attempt: the employee when it is right (the attempt closed, the ID's
/// failures cleared), else why not (a wrong one counted toward the lockout too). Every outcome
/// is audited.
pub async fn judge_code(
    rows: &impl SigninRows,
    challenge_id: &str,
    code: &str,
    caller: &Caller,
) -> anyhow::Result<Result<NationalId, Verified>> {
    let challenge = rows.challenge(challenge_id).await?;
    let failures = match &challenge {
        Some(challenge) => rows.failures(&challenge.national_id).await?,
        None => Failures::default(),
    };
    if let (Some(challenge), Some(until)) = (&challenge, signin::locked(failures.locked_until, caller.now_ms))
    {
        rows.close_challenge(challenge_id).await?;
        audited(rows, Audit::of(caller, "verify", "locked", Some(&challenge.national_id))).await?;
        return Ok(Err(Verified::Locked { retry_after: signin::seconds_until(caller.now_ms, until) }));
    }
    let matches =
        challenge.as_ref().is_some_and(|c| same_digest(&c.code_hash, &code_digest(challenge_id, code)));
    let verdict = signin::check_code(challenge.as_ref().map(|c| c.attempt), matches, caller.now_ms);
    let who = challenge.map(|c| c.national_id);
    audited(rows, Audit::of(caller, "verify", verdict.label(), who.as_ref())).await?;
    let Some(who) = who else { return Ok(Err(Verified::Invalid)) };
    let (attempts, code_remaining) = match verdict {
        CodeVerdict::Unknown => return Ok(Err(Verified::Invalid)),
        CodeVerdict::Expired => return Ok(Err(Verified::Expired)),
        CodeVerdict::Correct => {
            rows.close_challenge(challenge_id).await?;
            rows.clear_failures(&who).await?;
            return Ok(Ok(who));
        }
        CodeVerdict::Wrong { attempts, remaining } => (attempts, Some(remaining)),
        CodeVerdict::Exhausted { attempts } => (attempts, None),
    };
    let failures = signin::wrong_code(failures, caller.now_ms);
    rows.set_failures(&who, failures).await?;
    let outcome = signin::after_wrong_code(code_remaining, failures, caller.now_ms);
    rows.count_wrong_code(challenge_id, attempts, outcome.ends_attempt()).await?;
    Ok(Err(match outcome {
        WrongCode::Retry { remaining } => Verified::Wrong { remaining },
        WrongCode::Exhausted => Verified::Exhausted,
        WrongCode::Locked { retry_after } => Verified::Locked { retry_after },
    }))
}

/// A new code for an open attempt, once the cool-down has passed and while resends are left.
pub async fn resend(
    rows: &impl SigninRows,
    challenge_id: &str,
    code: &str,
    caller: &Caller,
) -> anyhow::Result<Resent> {
    let Some(challenge) = rows.challenge(challenge_id).await? else { return Ok(Resent::Invalid) };
    let expires_at = match signin::resend(challenge.attempt, caller.now_ms) {
        ResendVerdict::Send { expires_at } => expires_at,
        ResendVerdict::TooSoon { retry_after } => return Ok(Resent::TooSoon { retry_after }),
        ResendVerdict::Limit => {
            audited(rows, Audit::of(caller, "resend", "limit", Some(&challenge.national_id))).await?;
            return Ok(Resent::Limit);
        }
    };
    let Some(account) = rows.account(&challenge.national_id).await? else { return Ok(Resent::Invalid) };
    rows.replace_code(challenge_id, &code_digest(challenge_id, code), expires_at, caller.now_ms).await?;
    audited(rows, Audit::of(caller, "resend", "code_sent", Some(&challenge.national_id))).await?;
    Ok(Resent::Sent { national_id: challenge.national_id, mobile: account.mobile })
}

/// A fresh refresh token in a session; only its digest is stored. (The access token is a JWT the
/// provider signs: nothing of it is stored.)
async fn issue(
    rows: &impl SigninRows,
    family: &str,
    role: Role,
    signed_in_at: i64,
    now_ms: i64,
) -> anyhow::Result<IssuedTokens> {
    let refresh = new_token()?;
    let expiry = signin::session_end(signed_in_at);
    rows.insert_refresh_token(family, &digest("refresh", &refresh), expiry).await?;
    Ok(IssuedTokens {
        refresh: WireSecret::new(refresh),
        role,
        refresh_expires_in: signin::seconds_until(now_ms, expiry),
    })
}

/// A new session (token family) for a signed-in employee: its id and its first tokens.
pub async fn begin_session(
    rows: &impl SigninRows,
    id: &NationalId,
    now_ms: i64,
) -> anyhow::Result<(String, IssuedTokens)> {
    let role = rows.account(id).await?.ok_or_else(|| anyhow::anyhow!("a verified ID has no account"))?.role;
    let family = new_id()?;
    rows.insert_family(&family, id, now_ms).await?;
    Ok((family.clone(), issue(rows, &family, role, now_ms, now_ms).await?))
}

/// Rotates a refresh token; a second use of one revokes its whole session.
pub async fn refresh(
    rows: &impl SigninRows,
    refresh_token: &str,
    caller: &Caller,
) -> anyhow::Result<RefreshOutcome> {
    let hash = digest("refresh", refresh_token);
    let token = rows.refresh_token(&hash).await?;
    let (outcome, who) = match (signin::refresh(token.as_ref().map(|t| t.state), caller.now_ms), token) {
        (RefreshVerdict::Rotate, Some(token)) => {
            rows.mark_refresh_used(&hash, caller.now_ms).await?;
            let issued = issue(rows, &token.family, token.role, token.signed_in_at, caller.now_ms).await?;
            (RefreshOutcome::Rotated(token.national_id.clone(), issued), Some(token.national_id))
        }
        (RefreshVerdict::Reused, Some(token)) => {
            rows.revoke_family(&token.family, caller.now_ms).await?;
            tracing::warn!(employee = %token.national_id.masked(), "a used refresh token came back: session revoked");
            (RefreshOutcome::Reused(token.national_id.clone()), Some(token.national_id))
        }
        _ => (RefreshOutcome::Invalid, None),
    };
    let label = match outcome {
        RefreshOutcome::Rotated(..) => "rotated",
        RefreshOutcome::Reused(_) => "reused_family_revoked",
        RefreshOutcome::Invalid => "invalid",
    };
    audited(rows, Audit::of(caller, "refresh", label, who.as_ref())).await?;
    Ok(outcome)
}

/// Ends the session of a refresh token, whoever's it was.
pub async fn logout(rows: &impl SigninRows, refresh_token: &str, caller: &Caller) -> anyhow::Result<()> {
    let token = rows.refresh_token(&digest("refresh", refresh_token)).await?;
    if let Some(token) = &token {
        rows.revoke_family(&token.family, caller.now_ms).await?;
    }
    let outcome = if token.is_some() { "ok" } else { "unknown_token" };
    audited(rows, Audit::of(caller, "logout", outcome, token.as_ref().map(|t| &t.national_id))).await
}

/// A step of signing in written to the audit log and counted in the metrics.
async fn audited(rows: &impl SigninRows, entry: Audit<'_>) -> anyhow::Result<()> {
    crate::ops::metrics::sign_in_step(entry.event, entry.outcome);
    rows.audit(entry).await
}
