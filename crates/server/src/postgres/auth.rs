//! The sign-in tables in PostgreSQL: the rows `rules::signin_rows` reads and writes. Rows a
//! concurrent request could change between a read and a write are read `FOR UPDATE` (or changed
//! in one statement), so two nodes answering the same employee at once never both win.

use anyhow::Context;
use deadpool_postgres::GenericClient;
use masar_protocol::NationalId;
use tokio_postgres::Row;

use super::db::{exec, one, opt};
use super::sync::PgRows;
use crate::rules::signin::{Attempt, Failures, TokenState};
use crate::rules::signin_rows::{Account, Challenge, SigninRows, Token};
use crate::storage::Role;

fn national_id(text: &str) -> anyhow::Result<NationalId> {
    NationalId::parse(text).context("stored national ID is invalid")
}

fn role(text: &str) -> anyhow::Result<Role> {
    Role::parse(text).with_context(|| format!("stored role {text} is unknown"))
}

/// A token row: family, expires, revoked at, used at, national ID, role.
fn token(row: &Row) -> anyhow::Result<Token> {
    let (revoked, used): (Option<i64>, Option<i64>) = (row.get(2), row.get(3));
    let state = TokenState { expires_at: row.get(1), revoked: revoked.is_some(), used: used.is_some() };
    Ok(Token {
        family: row.get(0),
        national_id: national_id(row.get(4))?,
        role: role(row.get(5))?,
        state,
        signed_in_at: row.get(6),
    })
}

impl<C: GenericClient + Sync> SigninRows for PgRows<'_, C> {
    async fn account(&self, id: &NationalId) -> anyhow::Result<Option<Account>> {
        let row = opt(
            self.0,
            "SELECT password_hash, mobile, role FROM accounts WHERE national_id = $1",
            &[&id.as_str()],
        )
        .await?;
        row.map(|row| Ok(Account { password_hash: row.get(0), mobile: row.get(1), role: role(row.get(2))? }))
            .transpose()
    }

    async fn failures(&self, id: &NationalId) -> anyhow::Result<Failures> {
        // The row is made first so that it can be locked: two nodes reserving a check for one ID
        // at once take turns here.
        exec(
            self.0,
            "INSERT INTO login_failures (national_id, failures, locked_until) VALUES ($1, 0, NULL)
                 ON CONFLICT (national_id) DO NOTHING",
            &[&id.as_str()],
        )
        .await?;
        let row = one(
            self.0,
            "SELECT failures, locked_until FROM login_failures WHERE national_id = $1 FOR UPDATE",
            &[&id.as_str()],
        )
        .await?;
        let count: i32 = row.get(0);
        Ok(Failures { count: u32::try_from(count).unwrap_or(0), locked_until: row.get(1) })
    }

    async fn set_failures(&self, id: &NationalId, failures: Failures) -> anyhow::Result<()> {
        exec(
            self.0,
            "INSERT INTO login_failures (national_id, failures, locked_until) VALUES ($1, $2, $3)
                 ON CONFLICT (national_id) DO UPDATE SET failures = $2, locked_until = $3",
            &[&id.as_str(), &i32::try_from(failures.count).unwrap_or(i32::MAX), &failures.locked_until],
        )
        .await?;
        Ok(())
    }

    async fn clear_failures(&self, id: &NationalId) -> anyhow::Result<()> {
        exec(self.0, "DELETE FROM login_failures WHERE national_id = $1", &[&id.as_str()]).await?;
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
        exec(
            self.0,
            "UPDATE challenges SET done = TRUE WHERE national_id = $1 AND NOT done",
            &[&id.as_str()],
        )
        .await?;
        exec(
            self.0,
            "INSERT INTO challenges (id, national_id, code_hash, expires_at, last_sent_at) VALUES ($1, $2, $3, $4, $5)",
            &[&challenge_id, &id.as_str(), &code_hash, &expires_at, &now_ms],
        )
        .await?;
        Ok(())
    }

    async fn challenge(&self, challenge_id: &str) -> anyhow::Result<Option<Challenge>> {
        let row = opt(
            self.0,
            "SELECT national_id, code_hash, expires_at, last_sent_at, attempts, resends
                 FROM challenges WHERE id = $1 AND NOT done FOR UPDATE",
            &[&challenge_id],
        )
        .await?;
        let Some(row) = row else { return Ok(None) };
        let (attempts, resends): (i32, i32) = (row.get(4), row.get(5));
        let attempt = Attempt {
            expires_at: row.get(2),
            last_sent_at: row.get(3),
            attempts: u32::try_from(attempts).unwrap_or(0),
            resends: u32::try_from(resends).unwrap_or(0),
        };
        Ok(Some(Challenge { national_id: national_id(row.get(0))?, code_hash: row.get(1), attempt }))
    }

    async fn count_wrong_code(
        &self,
        challenge_id: &str,
        attempts: u32,
        exhausted: bool,
    ) -> anyhow::Result<()> {
        exec(
            self.0,
            "UPDATE challenges SET attempts = $2, done = $3 WHERE id = $1",
            &[&challenge_id, &i32::try_from(attempts).unwrap_or(i32::MAX), &exhausted],
        )
        .await?;
        Ok(())
    }

    async fn replace_code(
        &self,
        challenge_id: &str,
        code_hash: &str,
        expires_at: i64,
        now_ms: i64,
    ) -> anyhow::Result<()> {
        exec(
            self.0,
            "UPDATE challenges SET code_hash = $2, expires_at = $3, last_sent_at = $4, resends = resends + 1
                 WHERE id = $1",
            &[&challenge_id, &code_hash, &expires_at, &now_ms],
        )
        .await?;
        Ok(())
    }

    async fn close_challenge(&self, challenge_id: &str) -> anyhow::Result<()> {
        exec(self.0, "UPDATE challenges SET done = TRUE WHERE id = $1", &[&challenge_id]).await?;
        Ok(())
    }

    async fn insert_family(&self, family: &str, id: &NationalId, now_ms: i64) -> anyhow::Result<()> {
        exec(
            self.0,
            "INSERT INTO token_families (id, national_id, created_at) VALUES ($1, $2, $3)",
            &[&family, &id.as_str(), &now_ms],
        )
        .await?;
        Ok(())
    }

    async fn insert_refresh_token(&self, family: &str, hash: &str, expires_at: i64) -> anyhow::Result<()> {
        exec(
            self.0,
            "INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES ($1, $2, $3)",
            &[&hash, &family, &expires_at],
        )
        .await?;
        Ok(())
    }

    async fn refresh_token(&self, hash: &str) -> anyhow::Result<Option<Token>> {
        // Locked: the same token sent to two nodes at once is used once; the second use is a
        // reuse and revokes the family.
        let row = opt(
            self.0,
            "SELECT r.family_id, r.expires_at, f.revoked_at, r.used_at, f.national_id, a.role, f.created_at
                 FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id
                 JOIN accounts a ON a.national_id = f.national_id
                 WHERE r.token_hash = $1 FOR UPDATE OF r",
            &[&hash],
        )
        .await?;
        row.as_ref().map(token).transpose()
    }

    async fn mark_refresh_used(&self, hash: &str, now_ms: i64) -> anyhow::Result<()> {
        exec(self.0, "UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1", &[&hash, &now_ms])
            .await?;
        Ok(())
    }

    async fn revoke_family(&self, family: &str, now_ms: i64) -> anyhow::Result<()> {
        exec(
            self.0,
            "UPDATE token_families SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&family, &now_ms],
        )
        .await?;
        Ok(())
    }
}
