//! The sign-in tables in SQLite. Each function is part of one transaction on a connection; the
//! caller passes the time so tests can move it.

use anyhow::Context;
use masar_protocol::{NationalId, WireSecret};
use rusqlite::{Connection, OptionalExtension, params};

use crate::auth::policy::{self, ms};
use crate::auth::secrets::{digest, new_id, new_token, same_digest};
use crate::storage::{AccessCheck, Caller, IssuedTokens, RefreshOutcome, Role, Verified};

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

fn role(text: &str) -> rusqlite::Result<Role> {
    Role::parse(text)
        .ok_or_else(|| rusqlite::Error::InvalidColumnType(0, text.to_owned(), rusqlite::types::Type::Text))
}

pub fn account(conn: &Connection, id: &NationalId) -> anyhow::Result<Option<Account>> {
    Ok(conn
        .query_row(
            "SELECT password_hash, mobile, role FROM accounts WHERE national_id = ?1",
            [id.as_str()],
            |row| {
                Ok(Account {
                    password_hash: row.get(0)?,
                    mobile: row.get(1)?,
                    role: role(&row.get::<_, String>(2)?)?,
                })
            },
        )
        .optional()?)
}

pub fn insert_account(
    conn: &Connection,
    id: &NationalId,
    password_hash: &str,
    mobile: &str,
    role: Role,
) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO accounts (national_id, password_hash, mobile, role) VALUES (?1, ?2, ?3, ?4)",
        params![id.as_str(), password_hash, mobile, role.as_str()],
    )?;
    Ok(())
}

/// Until when this ID is locked, if it is.
pub fn locked_until(conn: &Connection, id: &NationalId, now_ms: i64) -> anyhow::Result<Option<i64>> {
    let until: Option<Option<i64>> = conn
        .query_row("SELECT locked_until FROM login_failures WHERE national_id = ?1", [id.as_str()], |row| {
            row.get(0)
        })
        .optional()?;
    Ok(until.flatten().filter(|until| *until > now_ms))
}

/// Counts a wrong password; returns the lock's end when this one locked the ID.
pub fn record_password_failure(
    conn: &Connection,
    id: &NationalId,
    now_ms: i64,
) -> anyhow::Result<Option<i64>> {
    let failures: i64 = conn.query_row(
        "INSERT INTO login_failures (national_id, failures, locked_until) VALUES (?1, 1, NULL)
         ON CONFLICT (national_id) DO UPDATE SET failures = failures + 1
         RETURNING failures",
        [id.as_str()],
        |row| row.get(0),
    )?;
    if failures >= i64::from(policy::MAX_PASSWORD_FAILURES) {
        let until = now_ms + ms(policy::LOCKOUT_SECONDS);
        conn.execute(
            "UPDATE login_failures SET failures = 0, locked_until = ?2 WHERE national_id = ?1",
            params![id.as_str(), until],
        )?;
        return Ok(Some(until));
    }
    Ok(None)
}

pub fn clear_password_failures(conn: &Connection, id: &NationalId) -> anyhow::Result<()> {
    conn.execute("DELETE FROM login_failures WHERE national_id = ?1", [id.as_str()])?;
    Ok(())
}

fn code_context(challenge_id: &str) -> String {
    format!("code:{challenge_id}")
}

/// A new sign-in attempt waiting for `code`. Earlier open attempts of the same ID are closed.
pub fn new_challenge(conn: &Connection, id: &NationalId, code: &str, now_ms: i64) -> anyhow::Result<String> {
    let challenge_id = new_id()?;
    conn.execute("UPDATE challenges SET done = 1 WHERE national_id = ?1 AND done = 0", [id.as_str()])?;
    conn.execute(
        "INSERT INTO challenges (id, national_id, code_hash, expires_at, last_sent_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            challenge_id,
            id.as_str(),
            digest(&code_context(&challenge_id), code),
            now_ms + ms(policy::CODE_TTL_SECONDS),
            now_ms
        ],
    )?;
    Ok(challenge_id)
}

/// `Debug` leaves out the code's hash: six digits are quickly guessed from it.
pub struct OpenChallenge {
    pub national_id: NationalId,
    code_hash: String,
    pub expires_at: i64,
    pub last_sent_at: i64,
    pub attempts: u32,
}

/// An attempt that is neither finished nor abandoned.
pub fn open_challenge(conn: &Connection, challenge_id: &str) -> anyhow::Result<Option<OpenChallenge>> {
    let row = conn
        .query_row(
            "SELECT national_id, code_hash, expires_at, last_sent_at, attempts
             FROM challenges WHERE id = ?1 AND done = 0",
            [challenge_id],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, u32>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((id, code_hash, expires_at, last_sent_at, attempts)) = row else { return Ok(None) };
    let national_id = NationalId::parse(&id).context("stored national ID is invalid")?;
    Ok(Some(OpenChallenge { national_id, code_hash, expires_at, last_sent_at, attempts }))
}

impl std::fmt::Debug for OpenChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenChallenge")
            .field("national_id", &self.national_id)
            .field("expires_at", &self.expires_at)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub enum CodeCheck {
    Correct,
    Wrong { remaining: u32 },
    Exhausted,
}

/// Checks a code against an open attempt, counting a wrong one; the fifth wrong one ends it.
pub fn check_code(
    conn: &Connection,
    challenge_id: &str,
    challenge: &OpenChallenge,
    code: &str,
) -> anyhow::Result<CodeCheck> {
    if same_digest(&challenge.code_hash, &digest(&code_context(challenge_id), code)) {
        conn.execute("UPDATE challenges SET done = 1 WHERE id = ?1", [challenge_id])?;
        return Ok(CodeCheck::Correct);
    }
    let attempts = challenge.attempts + 1;
    let exhausted = attempts >= policy::MAX_CODE_ATTEMPTS;
    conn.execute(
        "UPDATE challenges SET attempts = ?2, done = ?3 WHERE id = ?1",
        params![challenge_id, attempts, exhausted],
    )?;
    Ok(if exhausted {
        CodeCheck::Exhausted
    } else {
        CodeCheck::Wrong { remaining: policy::MAX_CODE_ATTEMPTS - attempts }
    })
}

/// Replaces the code of an open attempt (resend): a fresh code, a fresh expiry, tries reset.
pub fn replace_code(conn: &Connection, challenge_id: &str, code: &str, now_ms: i64) -> anyhow::Result<()> {
    conn.execute(
        "UPDATE challenges SET code_hash = ?2, expires_at = ?3, last_sent_at = ?4, attempts = 0 WHERE id = ?1",
        params![
            challenge_id,
            digest(&code_context(challenge_id), code),
            now_ms + ms(policy::CODE_TTL_SECONDS),
            now_ms
        ],
    )?;
    Ok(())
}

pub fn close_challenge(conn: &Connection, challenge_id: &str) -> anyhow::Result<()> {
    conn.execute("UPDATE challenges SET done = 1 WHERE id = ?1", [challenge_id])?;
    Ok(())
}

fn issue_in_family(conn: &Connection, family: &str, now_ms: i64) -> anyhow::Result<IssuedTokens> {
    let access = new_token()?;
    let refresh = new_token()?;
    conn.execute(
        "INSERT INTO access_tokens (token_hash, family_id, expires_at) VALUES (?1, ?2, ?3)",
        params![digest("access", &access), family, now_ms + ms(policy::ACCESS_TOKEN_SECONDS)],
    )?;
    conn.execute(
        "INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES (?1, ?2, ?3)",
        params![digest("refresh", &refresh), family, now_ms + ms(policy::REFRESH_TOKEN_SECONDS)],
    )?;
    let role = conn.query_row(
        "SELECT a.role FROM token_families f JOIN accounts a ON a.national_id = f.national_id WHERE f.id = ?1",
        [family],
        |row| role(&row.get::<_, String>(0)?),
    )?;
    Ok(IssuedTokens { access: WireSecret::new(access), refresh: WireSecret::new(refresh), role })
}

/// Starts a new session (token family) for a verified employee.
pub fn start_session(conn: &Connection, id: &NationalId, now_ms: i64) -> anyhow::Result<IssuedTokens> {
    let family = new_id()?;
    conn.execute(
        "INSERT INTO token_families (id, national_id, created_at) VALUES (?1, ?2, ?3)",
        params![family, id.as_str(), now_ms],
    )?;
    issue_in_family(conn, &family, now_ms)
}

pub fn refresh(conn: &Connection, refresh_token: &str, now_ms: i64) -> anyhow::Result<RefreshOutcome> {
    let row = conn
        .query_row(
            "SELECT r.family_id, r.expires_at, r.used_at, f.revoked_at, f.national_id
             FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id
             WHERE r.token_hash = ?1",
            [digest("refresh", refresh_token)],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                    row.get::<_, Option<i64>>(3)?,
                    row.get::<_, String>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((family, expires_at, used_at, revoked_at, id)) = row else { return Ok(RefreshOutcome::Invalid) };
    let id = NationalId::parse(&id).context("stored national ID is invalid")?;
    if revoked_at.is_some() || expires_at <= now_ms {
        return Ok(RefreshOutcome::Invalid);
    }
    if used_at.is_some() {
        revoke_family(conn, &family, now_ms)?;
        return Ok(RefreshOutcome::Reused(id));
    }
    conn.execute(
        "UPDATE refresh_tokens SET used_at = ?2 WHERE token_hash = ?1",
        params![digest("refresh", refresh_token), now_ms],
    )?;
    Ok(RefreshOutcome::Rotated(id.clone(), issue_in_family(conn, &family, now_ms)?))
}

fn revoke_family(conn: &Connection, family: &str, now_ms: i64) -> anyhow::Result<()> {
    conn.execute(
        "UPDATE token_families SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![family, now_ms],
    )?;
    conn.execute("DELETE FROM access_tokens WHERE family_id = ?1", [family])?;
    Ok(())
}

/// Ends the session a refresh token belongs to. Returns whose it was, if it was one.
pub fn logout(conn: &Connection, refresh_token: &str, now_ms: i64) -> anyhow::Result<Option<NationalId>> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT f.id, f.national_id FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id
             WHERE r.token_hash = ?1",
            [digest("refresh", refresh_token)],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((family, id)) = row else { return Ok(None) };
    revoke_family(conn, &family, now_ms)?;
    Ok(NationalId::parse(&id).ok())
}

pub fn check_access(conn: &Connection, access_token: &str, now_ms: i64) -> anyhow::Result<AccessCheck> {
    let row: Option<(i64, Option<i64>, String, String)> = conn
        .query_row(
            "SELECT a.expires_at, f.revoked_at, f.national_id, c.role
             FROM access_tokens a JOIN token_families f ON f.id = a.family_id
             JOIN accounts c ON c.national_id = f.national_id
             WHERE a.token_hash = ?1",
            [digest("access", access_token)],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    Ok(match row {
        None | Some((_, Some(_), _, _)) => AccessCheck::Invalid,
        Some((expires_at, None, _, _)) if expires_at <= now_ms => AccessCheck::Expired,
        Some((_, None, id, role)) => match (NationalId::parse(&id), Role::parse(&role)) {
            (Ok(id), Some(role)) => AccessCheck::Valid(id, role),
            _ => AccessCheck::Invalid,
        },
    })
}

/// One line of the audit log. Never a secret: the event, the outcome, whose, from where.
pub fn audit(
    conn: &Connection,
    now_ms: i64,
    event: &str,
    outcome: &str,
    id: Option<&NationalId>,
    client: &str,
) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, event, outcome, national_id, client) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now_ms, event, outcome, id.map(NationalId::as_str), client],
    )?;
    Ok(())
}

/// Checks a code against its challenge: signed in (a new token family), wrong (attempts left),
/// exhausted, expired or unknown; each outcome audited.
pub fn verify(
    conn: &Connection,
    challenge_id: &str,
    code: &str,
    caller: &Caller,
) -> anyhow::Result<Verified> {
    let (now, from) = (caller.now_ms, caller.address.as_str());
    let Some(open) = open_challenge(conn, challenge_id)? else {
        audit(conn, now, "verify", "unknown_challenge", None, from)?;
        return Ok(Verified::Invalid);
    };
    let who = open.national_id.clone();
    if open.expires_at <= now {
        audit(conn, now, "verify", "expired", Some(&who), from)?;
        return Ok(Verified::Expired);
    }
    Ok(match check_code(conn, challenge_id, &open, code)? {
        CodeCheck::Correct => {
            let issued = start_session(conn, &who, now)?;
            audit(conn, now, "verify", "signed_in", Some(&who), from)?;
            Verified::Signed(who, issued)
        }
        CodeCheck::Wrong { remaining } => {
            audit(conn, now, "verify", "wrong_code", Some(&who), from)?;
            Verified::Wrong { remaining }
        }
        CodeCheck::Exhausted => {
            audit(conn, now, "verify", "too_many_attempts", Some(&who), from)?;
            Verified::Exhausted
        }
    })
}
