//! The built-in provider's tables in SQLite: the rows `rules::oidc_rows` reads and writes, and
//! the store's calls that run its transactions.

use anyhow::Context;
use masar_protocol::NationalId;
use rusqlite::{OptionalExtension, Row, params};

use super::SqliteStore;
use super::rows::{SqliteRows, finish};
use crate::rules::oidc::{AuthorizationRequest, KeyAge, StoredCode};
use crate::rules::oidc_rows::{self, CodeRow, NewCode, OidcRows};
use crate::storage::Caller;
use crate::storage::oidc::{CodeEntered, Exchanged, KeyCandidate, ProviderStore, StoredKey, StoredRequest};

fn request_row(row: &Row<'_>) -> rusqlite::Result<StoredRequest> {
    Ok(StoredRequest {
        id: row.get(0)?,
        browser_hash: row.get(1)?,
        request: AuthorizationRequest {
            client_id: row.get(2)?,
            redirect_uri: row.get(3)?,
            scope: row.get(4)?,
            state: row.get(5)?,
            nonce: row.get(6)?,
            code_challenge: row.get(7)?,
        },
        locale: row.get(8)?,
        challenge_id: row.get(9)?,
        expires_at: row.get(10)?,
    })
}

impl OidcRows for SqliteRows<'_> {
    async fn signing_keys(&self) -> anyhow::Result<Vec<StoredKey>> {
        let mut statement =
            self.0.prepare("SELECT kid, pkcs8, created_at FROM oidc_keys ORDER BY created_at")?;
        let keys = statement
            .query_map([], |row| {
                Ok(StoredKey {
                    age: KeyAge { kid: row.get(0)?, created_at: row.get(2)? },
                    pkcs8: row.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(keys)
    }

    async fn insert_signing_key(&self, kid: &str, pkcs8: &[u8], created_at: i64) -> anyhow::Result<()> {
        self.0.execute(
            "INSERT INTO oidc_keys (kid, pkcs8, created_at) VALUES (?1, ?2, ?3)",
            params![kid, pkcs8, created_at],
        )?;
        Ok(())
    }

    async fn insert_request(&self, stored: &StoredRequest) -> anyhow::Result<()> {
        let r = &stored.request;
        self.0.execute(
            "INSERT INTO oidc_requests (id, browser_hash, client_id, redirect_uri, scope, state, nonce,
                 code_challenge, locale, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                stored.id,
                stored.browser_hash,
                r.client_id,
                r.redirect_uri,
                r.scope,
                r.state,
                r.nonce,
                r.code_challenge,
                stored.locale,
                stored.expires_at
            ],
        )?;
        Ok(())
    }

    async fn request(&self, id: &str) -> anyhow::Result<Option<StoredRequest>> {
        Ok(self
            .0
            .query_row(
                "SELECT id, browser_hash, client_id, redirect_uri, scope, state, nonce, code_challenge,
                     locale, challenge_id, expires_at FROM oidc_requests WHERE id = ?1 AND done = 0",
                [id],
                request_row,
            )
            .optional()?)
    }

    async fn set_request_challenge(&self, id: &str, challenge_id: &str) -> anyhow::Result<()> {
        self.0
            .execute("UPDATE oidc_requests SET challenge_id = ?2 WHERE id = ?1", params![id, challenge_id])?;
        Ok(())
    }

    async fn close_request(&self, id: &str) -> anyhow::Result<()> {
        self.0.execute("UPDATE oidc_requests SET done = 1 WHERE id = ?1", [id])?;
        Ok(())
    }

    async fn insert_code(&self, code: &NewCode<'_>) -> anyhow::Result<()> {
        let r = code.request;
        self.0.execute(
            "INSERT INTO oidc_codes (code_hash, national_id, client_id, redirect_uri, code_challenge, nonce,
                 auth_time, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                code.hash,
                code.national_id.as_str(),
                r.client_id,
                r.redirect_uri,
                r.code_challenge,
                r.nonce,
                code.auth_time,
                code.expires_at
            ],
        )?;
        Ok(())
    }

    async fn code(&self, hash: &str) -> anyhow::Result<Option<CodeRow>> {
        type Columns = (String, String, String, String, Option<String>, i64, i64, Option<String>);
        let row: Option<Columns> = self
            .0
            .query_row(
                "SELECT national_id, client_id, redirect_uri, code_challenge, nonce, auth_time, expires_at,
                     family_id FROM oidc_codes WHERE code_hash = ?1",
                [hash],
                |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                        row.get(6)?,
                        row.get(7)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, client_id, redirect_uri, code_challenge, nonce, auth_time, expires_at, family)) = row
        else {
            return Ok(None);
        };
        let code = StoredCode { client_id, redirect_uri, code_challenge, expires_at, used: family.is_some() };
        let national_id = NationalId::parse(&id).context("stored national ID is invalid")?;
        Ok(Some(CodeRow { code, national_id, nonce, auth_time, family }))
    }

    async fn set_code_family(&self, hash: &str, family: &str) -> anyhow::Result<()> {
        self.0.execute("UPDATE oidc_codes SET family_id = ?2 WHERE code_hash = ?1", params![hash, family])?;
        Ok(())
    }

    async fn live_session_owner(&self, family: &str) -> anyhow::Result<Option<NationalId>> {
        let id: Option<String> = self
            .0
            .query_row(
                "SELECT national_id FROM token_families WHERE id = ?1 AND revoked_at IS NULL",
                [family],
                |row| row.get(0),
            )
            .optional()?;
        id.map(|id| NationalId::parse(&id).context("stored national ID is invalid")).transpose()
    }
}

#[async_trait::async_trait]
impl ProviderStore for SqliteStore {
    async fn signing_keys(&self, now_ms: i64, candidate: KeyCandidate) -> anyhow::Result<Vec<StoredKey>> {
        self.db.call_tx(move |tx| finish(oidc_rows::signing_keys(&SqliteRows(tx), now_ms, candidate))).await
    }

    async fn begin_authorization(
        &self,
        request: &AuthorizationRequest,
        locale: &str,
        browser: &str,
        caller: &Caller,
    ) -> anyhow::Result<String> {
        let (request, locale, browser, caller) =
            (request.clone(), locale.to_owned(), browser.to_owned(), caller.clone());
        self.db
            .call_tx(move |tx| {
                finish(oidc_rows::begin_request(&SqliteRows(tx), &request, &locale, &browser, &caller))
            })
            .await
    }

    async fn authorization(
        &self,
        id: &str,
        browser: &str,
        now_ms: i64,
    ) -> anyhow::Result<Option<StoredRequest>> {
        let (id, browser) = (id.to_owned(), browser.to_owned());
        self.db
            .call(move |conn| finish(oidc_rows::open_request(&SqliteRows(conn), &id, &browser, now_ms)))
            .await
    }

    async fn authorization_password_accepted(
        &self,
        request_id: &str,
        id: &NationalId,
        code: &str,
        caller: &Caller,
    ) -> anyhow::Result<String> {
        let (request_id, id, code, caller) =
            (request_id.to_owned(), id.clone(), code.to_owned(), caller.clone());
        self.db
            .call_tx(move |tx| {
                finish(oidc_rows::password_accepted(&SqliteRows(tx), &request_id, &id, &code, &caller))
            })
            .await
    }

    async fn authorization_code_entered(
        &self,
        request_id: &str,
        browser: &str,
        code: &str,
        caller: &Caller,
    ) -> anyhow::Result<CodeEntered> {
        let (request_id, browser, code, caller) =
            (request_id.to_owned(), browser.to_owned(), code.to_owned(), caller.clone());
        self.db
            .call_tx(move |tx| {
                finish(oidc_rows::code_entered(&SqliteRows(tx), &request_id, &browser, &code, &caller))
            })
            .await
    }

    async fn end_session(&self, id: &str, who: &NationalId, caller: &Caller) -> anyhow::Result<bool> {
        let (id, who, caller) = (id.to_owned(), who.clone(), caller.clone());
        self.db.call_tx(move |tx| finish(oidc_rows::end_session(&SqliteRows(tx), &id, &who, &caller))).await
    }

    async fn exchange_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: &str,
        caller: &Caller,
    ) -> anyhow::Result<Exchanged> {
        let owned = (code.to_owned(), client_id.to_owned(), redirect_uri.to_owned(), verifier.to_owned());
        let caller = caller.clone();
        self.db
            .call_tx(move |tx| {
                let (code, client_id, redirect_uri, verifier) = &owned;
                finish(oidc_rows::exchange_code(
                    &SqliteRows(tx),
                    code,
                    client_id,
                    redirect_uri,
                    verifier,
                    &caller,
                ))
            })
            .await
    }
}
