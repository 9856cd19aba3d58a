//! The sign-in tables in PostgreSQL: each function is part of the caller's transaction; rows a
//! concurrent request could change between a read and a write are read FOR UPDATE (or changed in
//! one statement), so two nodes answering the same employee at once never both win.

use anyhow::Context;
use deadpool_postgres::GenericClient;

use super::db::{exec, one, opt};
use masar_protocol::{NationalId, WireSecret};

use crate::auth::policy::{self, ms};
use crate::auth::secrets::{digest, new_id, new_token, same_digest};
use crate::storage::{
    AccessCheck, Caller, IssuedTokens, LoginLookup, RefreshOutcome, Resent, Role, Verified,
};

fn national_id(text: &str) -> anyhow::Result<NationalId> {
    NationalId::parse(text).context("stored national ID is invalid")
}

fn code_context(challenge_id: &str) -> String {
    format!("code:{challenge_id}")
}

/// One line of the audit log. Never a secret: the event, the outcome, whose, from where.
pub async fn audit(
    tx: &impl GenericClient,
    now_ms: i64,
    event: &str,
    outcome: &str,
    id: Option<&NationalId>,
    client: &str,
) -> anyhow::Result<()> {
    exec(
        tx,
        "INSERT INTO audit_log (at, event, outcome, national_id, client) VALUES ($1, $2, $3, $4, $5)",
        &[&now_ms, &event, &outcome, &id.map(NationalId::as_str), &client],
    )
    .await?;
    Ok(())
}

pub async fn login_lookup(
    tx: &impl GenericClient,
    id: &NationalId,
    now_ms: i64,
) -> anyhow::Result<LoginLookup> {
    let locked: Option<i64> =
        opt(tx, "SELECT locked_until FROM login_failures WHERE national_id = $1", &[&id.as_str()])
            .await?
            .and_then(|row| row.get::<_, Option<i64>>(0))
            .filter(|until| *until > now_ms);
    let account =
        opt(tx, "SELECT password_hash, mobile FROM accounts WHERE national_id = $1", &[&id.as_str()])
            .await?
            .map(|row| (row.get(0), row.get(1)));
    Ok(LoginLookup { locked_until: locked, account })
}

/// Counts a wrong password (one statement: two nodes counting at once both count); returns
/// the lock's end when this one locked the ID.
pub async fn password_failed(
    tx: &impl GenericClient,
    id: &NationalId,
    now_ms: i64,
) -> anyhow::Result<Option<i64>> {
    let failures: i32 = one(
        tx,
        "INSERT INTO login_failures (national_id, failures, locked_until) VALUES ($1, 1, NULL)
             ON CONFLICT (national_id) DO UPDATE SET failures = login_failures.failures + 1
             RETURNING failures",
        &[&id.as_str()],
    )
    .await?
    .get(0);
    if failures >= i32::try_from(policy::MAX_PASSWORD_FAILURES).unwrap_or(i32::MAX) {
        let until = now_ms + ms(policy::LOCKOUT_SECONDS);
        exec(
            tx,
            "UPDATE login_failures SET failures = 0, locked_until = $2 WHERE national_id = $1",
            &[&id.as_str(), &until],
        )
        .await?;
        return Ok(Some(until));
    }
    Ok(None)
}

/// A new sign-in attempt waiting for `code` (wrong passwords forgotten, earlier open attempts of
/// the same ID closed).
pub async fn begin_challenge(
    tx: &impl GenericClient,
    id: &NationalId,
    code: &str,
    now_ms: i64,
) -> anyhow::Result<String> {
    exec(tx, "DELETE FROM login_failures WHERE national_id = $1", &[&id.as_str()]).await?;
    let challenge_id = new_id()?;
    exec(tx, "UPDATE challenges SET done = TRUE WHERE national_id = $1 AND NOT done", &[&id.as_str()])
        .await?;
    exec(tx,
        "INSERT INTO challenges (id, national_id, code_hash, expires_at, last_sent_at) VALUES ($1, $2, $3, $4, $5)",
        &[
            &challenge_id,
            &id.as_str(),
            &digest(&code_context(&challenge_id), code),
            &(now_ms + ms(policy::CODE_TTL_SECONDS)),
            &now_ms,
        ],
    )
    .await?;
    Ok(challenge_id)
}

pub async fn close_challenge(tx: &impl GenericClient, challenge_id: &str) -> anyhow::Result<()> {
    exec(tx, "UPDATE challenges SET done = TRUE WHERE id = $1", &[&challenge_id]).await?;
    Ok(())
}

/// An open attempt, locked: (national ID, code hash, expires, last sent, attempts).
async fn open_challenge(
    tx: &impl GenericClient,
    challenge_id: &str,
) -> anyhow::Result<Option<(NationalId, String, i64, i64, i32)>> {
    let row = opt(
        tx,
        "SELECT national_id, code_hash, expires_at, last_sent_at, attempts
             FROM challenges WHERE id = $1 AND NOT done FOR UPDATE",
        &[&challenge_id],
    )
    .await?;
    row.map(|row| Ok((national_id(row.get(0))?, row.get(1), row.get(2), row.get(3), row.get(4)))).transpose()
}

/// Checks a code against its attempt: signed in (a new token family), wrong (attempts left),
/// exhausted, expired or unknown; each outcome audited.
pub async fn verify(
    tx: &impl GenericClient,
    challenge_id: &str,
    code: &str,
    caller: &Caller,
) -> anyhow::Result<Verified> {
    let (now, from) = (caller.now_ms, caller.address.as_str());
    let Some((who, code_hash, expires_at, _, attempts)) = open_challenge(tx, challenge_id).await? else {
        audit(tx, now, "verify", "unknown_challenge", None, from).await?;
        return Ok(Verified::Invalid);
    };
    if expires_at <= now {
        audit(tx, now, "verify", "expired", Some(&who), from).await?;
        return Ok(Verified::Expired);
    }
    if same_digest(&code_hash, &digest(&code_context(challenge_id), code)) {
        close_challenge(tx, challenge_id).await?;
        let issued = start_session(tx, &who, now).await?;
        audit(tx, now, "verify", "signed_in", Some(&who), from).await?;
        return Ok(Verified::Signed(who, issued));
    }
    let attempts = u32::try_from(attempts).unwrap_or(u32::MAX).saturating_add(1);
    let exhausted = attempts >= policy::MAX_CODE_ATTEMPTS;
    exec(
        tx,
        "UPDATE challenges SET attempts = $2, done = $3 WHERE id = $1",
        &[&challenge_id, &i32::try_from(attempts).unwrap_or(i32::MAX), &exhausted],
    )
    .await?;
    if exhausted {
        audit(tx, now, "verify", "too_many_attempts", Some(&who), from).await?;
        return Ok(Verified::Exhausted);
    }
    audit(tx, now, "verify", "wrong_code", Some(&who), from).await?;
    Ok(Verified::Wrong { remaining: policy::MAX_CODE_ATTEMPTS - attempts })
}

/// A fresh code for an open attempt, after the cool-down.
pub async fn resend(
    tx: &impl GenericClient,
    challenge_id: &str,
    code: &str,
    caller: &Caller,
) -> anyhow::Result<Resent> {
    let now = caller.now_ms;
    let Some((who, _, _, last_sent_at, _)) = open_challenge(tx, challenge_id).await? else {
        return Ok(Resent::Invalid);
    };
    let ready_at = last_sent_at + ms(policy::RESEND_COOLDOWN_SECONDS);
    if now < ready_at {
        return Ok(Resent::TooSoon { retry_after: policy::seconds_until(now, ready_at) });
    }
    let Some(row) = opt(tx, "SELECT mobile FROM accounts WHERE national_id = $1", &[&who.as_str()]).await?
    else {
        return Ok(Resent::Invalid);
    };
    exec(tx,
        "UPDATE challenges SET code_hash = $2, expires_at = $3, last_sent_at = $4, attempts = 0 WHERE id = $1",
        &[&challenge_id, &digest(&code_context(challenge_id), code), &(now + ms(policy::CODE_TTL_SECONDS)), &now],
    )
    .await?;
    audit(tx, now, "resend", "code_sent", Some(&who), &caller.address).await?;
    Ok(Resent::Sent { national_id: who, mobile: row.get(0) })
}

async fn issue_in_family(tx: &impl GenericClient, family: &str, now_ms: i64) -> anyhow::Result<IssuedTokens> {
    let access = new_token()?;
    let refresh = new_token()?;
    exec(
        tx,
        "INSERT INTO access_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)",
        &[&digest("access", &access), &family, &(now_ms + ms(policy::ACCESS_TOKEN_SECONDS))],
    )
    .await?;
    exec(
        tx,
        "INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)",
        &[&digest("refresh", &refresh), &family, &(now_ms + ms(policy::REFRESH_TOKEN_SECONDS))],
    )
    .await?;
    let role: String = one(tx,
            "SELECT a.role FROM token_families f JOIN accounts a ON a.national_id = f.national_id WHERE f.id = $1",
            &[&family],
        )
        .await?
        .get(0);
    Ok(IssuedTokens {
        access: WireSecret::new(access),
        refresh: WireSecret::new(refresh),
        role: Role::parse(&role).context("stored role is invalid")?,
    })
}

async fn start_session(
    tx: &impl GenericClient,
    id: &NationalId,
    now_ms: i64,
) -> anyhow::Result<IssuedTokens> {
    let family = new_id()?;
    exec(
        tx,
        "INSERT INTO token_families (id, national_id, created_at) VALUES ($1, $2, $3)",
        &[&family, &id.as_str(), &now_ms],
    )
    .await?;
    issue_in_family(tx, &family, now_ms).await
}

async fn revoke_family(tx: &impl GenericClient, family: &str, now_ms: i64) -> anyhow::Result<()> {
    exec(
        tx,
        "UPDATE token_families SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        &[&family, &now_ms],
    )
    .await?;
    exec(tx, "DELETE FROM access_tokens WHERE family_id = $1", &[&family]).await?;
    Ok(())
}

/// Rotates a refresh token (locked: the same token sent to two nodes at once is used once; the
/// second use is a reuse and revokes the family).
pub async fn refresh(
    tx: &impl GenericClient,
    refresh_token: &str,
    now_ms: i64,
) -> anyhow::Result<RefreshOutcome> {
    let hash = digest("refresh", refresh_token);
    let row = opt(
        tx,
        "SELECT r.family_id, r.expires_at, r.used_at, f.revoked_at, f.national_id
             FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id
             WHERE r.token_hash = $1 FOR UPDATE OF r",
        &[&hash],
    )
    .await?;
    let Some(row) = row else { return Ok(RefreshOutcome::Invalid) };
    let (family, expires_at, used_at, revoked_at): (String, i64, Option<i64>, Option<i64>) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let id = national_id(row.get(4))?;
    if revoked_at.is_some() || expires_at <= now_ms {
        return Ok(RefreshOutcome::Invalid);
    }
    if used_at.is_some() {
        revoke_family(tx, &family, now_ms).await?;
        return Ok(RefreshOutcome::Reused(id));
    }
    exec(tx, "UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1", &[&hash, &now_ms]).await?;
    let issued = issue_in_family(tx, &family, now_ms).await?;
    Ok(RefreshOutcome::Rotated(id, issued))
}

/// Ends the session a refresh token belongs to; whose it was, if it was one.
pub async fn logout(
    tx: &impl GenericClient,
    refresh_token: &str,
    now_ms: i64,
) -> anyhow::Result<Option<NationalId>> {
    let row = opt(
        tx,
        "SELECT f.id, f.national_id FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id
             WHERE r.token_hash = $1",
        &[&digest("refresh", refresh_token)],
    )
    .await?;
    let Some(row) = row else { return Ok(None) };
    let family: String = row.get(0);
    revoke_family(tx, &family, now_ms).await?;
    Ok(NationalId::parse(row.get(1)).ok())
}

pub async fn check_access(
    tx: &impl GenericClient,
    access_token: &str,
    now_ms: i64,
) -> anyhow::Result<AccessCheck> {
    let row = opt(
        tx,
        "SELECT a.expires_at, f.revoked_at, f.national_id, c.role
             FROM access_tokens a JOIN token_families f ON f.id = a.family_id
             JOIN accounts c ON c.national_id = f.national_id
             WHERE a.token_hash = $1",
        &[&digest("access", access_token)],
    )
    .await?;
    let Some(row) = row else { return Ok(AccessCheck::Invalid) };
    let (expires_at, revoked_at): (i64, Option<i64>) = (row.get(0), row.get(1));
    Ok(match (revoked_at, NationalId::parse(row.get(2)), Role::parse(row.get(3))) {
        (Some(_), _, _) => AccessCheck::Invalid,
        _ if expires_at <= now_ms => AccessCheck::Expired,
        (None, Ok(id), Some(role)) => AccessCheck::Valid(id, role),
        _ => AccessCheck::Invalid,
    })
}
