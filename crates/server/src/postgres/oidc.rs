//! The built-in provider's tables in PostgreSQL: the rows `rules::oidc_rows` reads and writes. A
//! request and a code are read `FOR UPDATE`, so two nodes given the same one take turns.

use anyhow::Context;
use deadpool_postgres::GenericClient;
use masar_protocol::NationalId;
use tokio_postgres::Row;

use super::PgStore;
use super::db::{exec, opt, rows};
use super::sync::PgRows;
use crate::rules::oidc::{AuthorizationRequest, KeyAge, StoredCode};
use crate::rules::oidc_rows::{self, CodeRow, NewCode, OidcRows};
use crate::storage::Caller;
use crate::storage::oidc::{CodeEntered, Exchanged, KeyCandidate, ProviderStore, StoredKey, StoredRequest};

fn request_row(row: &Row) -> StoredRequest {
    StoredRequest {
        id: row.get(0),
        browser_hash: row.get(1),
        request: AuthorizationRequest {
            client_id: row.get(2),
            redirect_uri: row.get(3),
            scope: row.get(4),
            state: row.get(5),
            nonce: row.get(6),
            code_challenge: row.get(7),
        },
        locale: row.get(8),
        challenge_id: row.get(9),
        expires_at: row.get(10),
    }
}

impl<C: GenericClient + Sync> OidcRows for PgRows<'_, C> {
    async fn signing_keys(&self) -> anyhow::Result<Vec<StoredKey>> {
        let found =
            rows(self.0, "SELECT kid, pkcs8, created_at FROM oidc_keys ORDER BY created_at", &[]).await?;
        Ok(found
            .iter()
            .map(|row| StoredKey {
                age: KeyAge { kid: row.get(0), created_at: row.get(2) },
                pkcs8: row.get(1),
            })
            .collect())
    }

    async fn insert_signing_key(&self, kid: &str, pkcs8: &[u8], created_at: i64) -> anyhow::Result<()> {
        exec(
            self.0,
            "INSERT INTO oidc_keys (kid, pkcs8, created_at) VALUES ($1, $2, $3)",
            &[&kid, &pkcs8, &created_at],
        )
        .await?;
        Ok(())
    }

    async fn insert_request(&self, stored: &StoredRequest) -> anyhow::Result<()> {
        let r = &stored.request;
        exec(
            self.0,
            "INSERT INTO oidc_requests (id, browser_hash, client_id, redirect_uri, scope, state, nonce,
                 code_challenge, locale, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                &stored.id,
                &stored.browser_hash,
                &r.client_id,
                &r.redirect_uri,
                &r.scope,
                &r.state,
                &r.nonce,
                &r.code_challenge,
                &stored.locale,
                &stored.expires_at,
            ],
        )
        .await?;
        Ok(())
    }

    async fn request(&self, id: &str) -> anyhow::Result<Option<StoredRequest>> {
        let row = opt(
            self.0,
            "SELECT id, browser_hash, client_id, redirect_uri, scope, state, nonce, code_challenge,
                 locale, challenge_id, expires_at FROM oidc_requests WHERE id = $1 AND NOT done FOR UPDATE",
            &[&id],
        )
        .await?;
        Ok(row.as_ref().map(request_row))
    }

    async fn set_request_challenge(&self, id: &str, challenge_id: &str) -> anyhow::Result<()> {
        exec(self.0, "UPDATE oidc_requests SET challenge_id = $2 WHERE id = $1", &[&id, &challenge_id])
            .await?;
        Ok(())
    }

    async fn close_request(&self, id: &str) -> anyhow::Result<()> {
        exec(self.0, "UPDATE oidc_requests SET done = TRUE WHERE id = $1", &[&id]).await?;
        Ok(())
    }

    async fn insert_code(&self, code: &NewCode<'_>) -> anyhow::Result<()> {
        let r = code.request;
        exec(
            self.0,
            "INSERT INTO oidc_codes (code_hash, national_id, client_id, redirect_uri, code_challenge, nonce,
                 auth_time, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &code.hash,
                &code.national_id.as_str(),
                &r.client_id,
                &r.redirect_uri,
                &r.code_challenge,
                &r.nonce,
                &code.auth_time,
                &code.expires_at,
            ],
        )
        .await?;
        Ok(())
    }

    async fn code(&self, hash: &str) -> anyhow::Result<Option<CodeRow>> {
        let row = opt(
            self.0,
            "SELECT national_id, client_id, redirect_uri, code_challenge, nonce, auth_time, expires_at,
                 family_id FROM oidc_codes WHERE code_hash = $1 FOR UPDATE",
            &[&hash],
        )
        .await?;
        let Some(row) = row else { return Ok(None) };
        let family: Option<String> = row.get(7);
        let code = StoredCode {
            client_id: row.get(1),
            redirect_uri: row.get(2),
            code_challenge: row.get(3),
            expires_at: row.get(6),
            used: family.is_some(),
        };
        let national_id = NationalId::parse(row.get(0)).context("stored national ID is invalid")?;
        Ok(Some(CodeRow { code, national_id, nonce: row.get(4), auth_time: row.get(5), family }))
    }

    async fn set_code_family(&self, hash: &str, family: &str) -> anyhow::Result<()> {
        exec(self.0, "UPDATE oidc_codes SET family_id = $2 WHERE code_hash = $1", &[&hash, &family]).await?;
        Ok(())
    }

    async fn live_session_owner(&self, family: &str) -> anyhow::Result<Option<NationalId>> {
        let row = opt(
            self.0,
            "SELECT national_id FROM token_families WHERE id = $1 AND revoked_at IS NULL FOR UPDATE",
            &[&family],
        )
        .await?;
        row.map(|row| NationalId::parse(row.get(0)).context("stored national ID is invalid")).transpose()
    }
}

#[async_trait::async_trait]
impl ProviderStore for PgStore {
    async fn signing_keys(&self, now_ms: i64, candidate: KeyCandidate) -> anyhow::Result<Vec<StoredKey>> {
        Ok(in_tx!(self, |tx| oidc_rows::signing_keys(&PgRows(&tx), now_ms, candidate).await?))
    }

    async fn begin_authorization(
        &self,
        request: &AuthorizationRequest,
        locale: &str,
        browser: &str,
        caller: &Caller,
    ) -> anyhow::Result<String> {
        Ok(in_tx!(self, |tx| oidc_rows::begin_request(&PgRows(&tx), request, locale, browser, caller)
            .await?))
    }

    async fn authorization(
        &self,
        id: &str,
        browser: &str,
        now_ms: i64,
    ) -> anyhow::Result<Option<StoredRequest>> {
        Ok(in_tx!(self, |tx| oidc_rows::open_request(&PgRows(&tx), id, browser, now_ms).await?))
    }

    async fn authorization_password_accepted(
        &self,
        request_id: &str,
        id: &NationalId,
        code: &str,
        caller: &Caller,
    ) -> anyhow::Result<String> {
        Ok(in_tx!(self, |tx| oidc_rows::password_accepted(&PgRows(&tx), request_id, id, code, caller)
            .await?))
    }

    async fn authorization_code_entered(
        &self,
        request_id: &str,
        browser: &str,
        code: &str,
        caller: &Caller,
    ) -> anyhow::Result<CodeEntered> {
        Ok(in_tx!(self, |tx| oidc_rows::code_entered(&PgRows(&tx), request_id, browser, code, caller)
            .await?))
    }

    async fn end_session(&self, id: &str, who: &NationalId, caller: &Caller) -> anyhow::Result<bool> {
        Ok(in_tx!(self, |tx| oidc_rows::end_session(&PgRows(&tx), id, who, caller).await?))
    }

    async fn exchange_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: &str,
        caller: &Caller,
    ) -> anyhow::Result<Exchanged> {
        Ok(in_tx!(self, |tx| {
            oidc_rows::exchange_code(&PgRows(&tx), code, client_id, redirect_uri, verifier, caller).await?
        }))
    }
}
