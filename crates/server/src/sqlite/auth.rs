//! The sign-in tables in SQLite: the rows `rules::signin_rows` reads and writes, and the
//! accounts the demo seeds. Every write runs in an IMMEDIATE transaction, so a row read here
//! stays as read until the transaction ends.

use anyhow::Context;
use masar_protocol::NationalId;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::rows::SqliteRows;
use crate::rules::signin::{Attempt, Failures, TokenState};
use crate::rules::signin_rows::{Account, Challenge, SigninRows, Token};
use crate::storage::Role;

fn role(text: &str) -> rusqlite::Result<Role> {
    Role::parse(text)
        .ok_or_else(|| rusqlite::Error::InvalidColumnType(0, text.to_owned(), rusqlite::types::Type::Text))
}

fn national_id(text: &str) -> anyhow::Result<NationalId> {
    NationalId::parse(text).context("stored national ID is invalid")
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

/// A token row: (family, expires, revoked at, used at, national ID, role).
type TokenRow = (String, i64, Option<i64>, Option<i64>, String, String, i64);

fn token_row(row: &Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?))
}

fn token(
    (family, expires_at, revoked_at, used_at, id, role_text, signed_in_at): TokenRow,
) -> anyhow::Result<Token> {
    let state = TokenState { expires_at, revoked: revoked_at.is_some(), used: used_at.is_some() };
    Ok(Token { family, national_id: national_id(&id)?, role: role(&role_text)?, state, signed_in_at })
}

impl SigninRows for SqliteRows<'_> {
    async fn account(&self, id: &NationalId) -> anyhow::Result<Option<Account>> {
        account(self.0, id)
    }

    async fn failures(&self, id: &NationalId) -> anyhow::Result<Failures> {
        let row: Option<(u32, Option<i64>)> = self
            .0
            .query_row(
                "SELECT failures, locked_until FROM login_failures WHERE national_id = ?1",
                [id.as_str()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        Ok(row.map(|(count, locked_until)| Failures { count, locked_until }).unwrap_or_default())
    }

    async fn set_failures(&self, id: &NationalId, failures: Failures) -> anyhow::Result<()> {
        self.0.execute(
            "INSERT INTO login_failures (national_id, failures, locked_until) VALUES (?1, ?2, ?3)
             ON CONFLICT (national_id) DO UPDATE SET failures = ?2, locked_until = ?3",
            params![id.as_str(), failures.count, failures.locked_until],
        )?;
        Ok(())
    }

    async fn clear_failures(&self, id: &NationalId) -> anyhow::Result<()> {
        self.0.execute("DELETE FROM login_failures WHERE national_id = ?1", [id.as_str()])?;
        Ok(())
    }

    async fn open_attempt(
        &self,
        challenge_id: &str,
        id: &NationalId,
        code_hash: &str,
        now_ms: i64,
        expires_at: i64,
    ) -> anyhow::Result<()> {
        self.0
            .execute("UPDATE challenges SET done = 1 WHERE national_id = ?1 AND done = 0", [id.as_str()])?;
        self.0.execute(
            "INSERT INTO challenges (id, national_id, code_hash, expires_at, last_sent_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![challenge_id, id.as_str(), code_hash, expires_at, now_ms],
        )?;
        Ok(())
    }

    async fn challenge(&self, challenge_id: &str) -> anyhow::Result<Option<Challenge>> {
        let row: Option<(String, String, i64, i64, u32, u32)> = self
            .0
            .query_row(
                "SELECT national_id, code_hash, expires_at, last_sent_at, attempts, resends
                 FROM challenges WHERE id = ?1 AND done = 0",
                [challenge_id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)),
            )
            .optional()?;
        let Some((id, code_hash, expires_at, last_sent_at, attempts, resends)) = row else { return Ok(None) };
        let attempt = Attempt { expires_at, last_sent_at, attempts, resends };
        Ok(Some(Challenge { national_id: national_id(&id)?, code_hash, attempt }))
    }

    async fn count_wrong_code(
        &self,
        challenge_id: &str,
        attempts: u32,
        exhausted: bool,
    ) -> anyhow::Result<()> {
        self.0.execute(
            "UPDATE challenges SET attempts = ?2, done = ?3 WHERE id = ?1",
            params![challenge_id, attempts, exhausted],
        )?;
        Ok(())
    }

    async fn replace_code(
        &self,
        challenge_id: &str,
        code_hash: &str,
        expires_at: i64,
        now_ms: i64,
    ) -> anyhow::Result<()> {
        self.0.execute(
            "UPDATE challenges SET code_hash = ?2, expires_at = ?3, last_sent_at = ?4, resends = resends + 1
             WHERE id = ?1",
            params![challenge_id, code_hash, expires_at, now_ms],
        )?;
        Ok(())
    }

    async fn close_challenge(&self, challenge_id: &str) -> anyhow::Result<()> {
        self.0.execute("UPDATE challenges SET done = 1 WHERE id = ?1", [challenge_id])?;
        Ok(())
    }

    async fn insert_family(&self, family: &str, id: &NationalId, now_ms: i64) -> anyhow::Result<()> {
        self.0.execute(
            "INSERT INTO token_families (id, national_id, created_at) VALUES (?1, ?2, ?3)",
            params![family, id.as_str(), now_ms],
        )?;
        Ok(())
    }

    async fn insert_refresh_token(&self, family: &str, hash: &str, expires_at: i64) -> anyhow::Result<()> {
        self.0.execute(
            "INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES (?1, ?2, ?3)",
            params![hash, family, expires_at],
        )?;
        Ok(())
    }

    async fn refresh_token(&self, hash: &str) -> anyhow::Result<Option<Token>> {
        let row = self
            .0
            .query_row(
                "SELECT r.family_id, r.expires_at, f.revoked_at, r.used_at, f.national_id, a.role, f.created_at
                 FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id
                 JOIN accounts a ON a.national_id = f.national_id
                 WHERE r.token_hash = ?1",
                [hash],
                token_row,
            )
            .optional()?;
        row.map(token).transpose()
    }

    async fn mark_refresh_used(&self, hash: &str, now_ms: i64) -> anyhow::Result<()> {
        self.0
            .execute("UPDATE refresh_tokens SET used_at = ?2 WHERE token_hash = ?1", params![hash, now_ms])?;
        Ok(())
    }

    async fn revoke_family(&self, family: &str, now_ms: i64) -> anyhow::Result<()> {
        self.0.execute(
            "UPDATE token_families SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![family, now_ms],
        )?;
        Ok(())
    }
}
