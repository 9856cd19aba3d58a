//! The built-in provider's transactions over a store's rows: an authorization request begun by a
//! browser, answered with the password and the SMS code (the sign-in rules of `signin_rows`), a
//! code given back to the client and exchanged once for a session; the signing keys.

use masar_protocol::NationalId;

use super::oidc::{self, AuthorizationRequest, CodeExchange, KeyAge, StoredCode};
use super::records::Audit;
use super::signin::ms;
use super::signin_rows::{self, SigninRows};
use crate::secrets::{digest, new_id, new_token, same_digest};
pub use crate::storage::oidc::{CodeEntered, Exchanged, KeyCandidate, Session, StoredKey, StoredRequest};
use crate::storage::{Caller, Verified};

/// A code as stored, with what its exchange gives.
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub code: StoredCode,
    pub national_id: NationalId,
    pub nonce: Option<String>,
    pub auth_time: i64,
    pub family: Option<String>,
}

/// A new code's row.
#[derive(Debug)]
pub struct NewCode<'a> {
    pub hash: &'a str,
    pub national_id: &'a NationalId,
    pub request: &'a AuthorizationRequest,
    pub auth_time: i64,
    pub expires_at: i64,
}

/// The provider's rows, inside the store's transaction.
#[allow(async_fn_in_trait, reason = "crate-internal: each store's futures are checked where they run")]
pub trait OidcRows: SigninRows {
    async fn signing_keys(&self) -> anyhow::Result<Vec<StoredKey>>;
    async fn insert_signing_key(&self, kid: &str, pkcs8: &[u8], created_at: i64) -> anyhow::Result<()>;
    async fn insert_request(&self, stored: &StoredRequest) -> anyhow::Result<()>;
    /// A request that is not done, locked until the transaction ends.
    async fn request(&self, id: &str) -> anyhow::Result<Option<StoredRequest>>;
    async fn set_request_challenge(&self, id: &str, challenge_id: &str) -> anyhow::Result<()>;
    async fn close_request(&self, id: &str) -> anyhow::Result<()>;
    async fn insert_code(&self, code: &NewCode<'_>) -> anyhow::Result<()>;
    /// A code by its digest, locked until the transaction ends.
    async fn code(&self, hash: &str) -> anyhow::Result<Option<CodeRow>>;
    async fn set_code_family(&self, hash: &str, family: &str) -> anyhow::Result<()>;
    /// Whose session (token family) `family` is, while it is not revoked.
    async fn live_session_owner(&self, family: &str) -> anyhow::Result<Option<NationalId>>;
}

fn browser_digest(browser: &str) -> String {
    digest("oidc-browser", browser)
}

fn code_digest(code: &str) -> String {
    digest("oidc-code", code)
}

/// A browser begins answering an authorization request; `browser` is the secret of its cookie.
/// Returns the request's id.
pub async fn begin_request(
    rows: &impl OidcRows,
    request: &AuthorizationRequest,
    locale: &str,
    browser: &str,
    caller: &Caller,
) -> anyhow::Result<String> {
    let stored = StoredRequest {
        id: new_id()?,
        browser_hash: browser_digest(browser),
        request: request.clone(),
        locale: locale.to_owned(),
        challenge_id: None,
        expires_at: caller.now_ms + ms(oidc::REQUEST_TTL_SECONDS),
    };
    rows.insert_request(&stored).await?;
    Ok(stored.id)
}

/// The open request `id` when the browser that began it asks, before it expires.
pub async fn open_request(
    rows: &impl OidcRows,
    id: &str,
    browser: &str,
    now_ms: i64,
) -> anyhow::Result<Option<StoredRequest>> {
    Ok(rows.request(id).await?.filter(|stored| {
        same_digest(&stored.browser_hash, &browser_digest(browser)) && stored.expires_at > now_ms
    }))
}

/// The password was right for the request's sign-in: the attempt begun (code `code` waiting) and
/// tied to the request.
pub async fn password_accepted(
    rows: &impl OidcRows,
    request_id: &str,
    id: &NationalId,
    code: &str,
    caller: &Caller,
) -> anyhow::Result<String> {
    let challenge_id = signin_rows::begin_challenge(rows, id, code, caller).await?;
    rows.set_request_challenge(request_id, &challenge_id).await?;
    Ok(challenge_id)
}

/// The SMS code for a request's attempt (the browser that began it asking): a right one closes
/// the request and gives the client an authorization code bound to it (client, redirect URI,
/// PKCE challenge, nonce).
pub async fn code_entered(
    rows: &impl OidcRows,
    request_id: &str,
    browser: &str,
    code: &str,
    caller: &Caller,
) -> anyhow::Result<CodeEntered> {
    let stored = open_request(rows, request_id, browser, caller.now_ms).await?;
    let Some((stored, challenge_id)) = stored.and_then(|s| s.challenge_id.clone().map(|c| (s, c))) else {
        return Ok(CodeEntered::Refused(Verified::Invalid));
    };
    let who = match signin_rows::judge_code(rows, &challenge_id, code, caller).await? {
        Ok(who) => who,
        Err(refused) => return Ok(CodeEntered::Refused(refused)),
    };
    rows.close_request(&stored.id).await?;
    let authorization_code = new_token()?;
    let hash = code_digest(&authorization_code);
    rows.insert_code(&NewCode {
        hash: &hash,
        national_id: &who,
        request: &stored.request,
        auth_time: caller.now_ms,
        expires_at: caller.now_ms + ms(oidc::CODE_TTL_SECONDS),
    })
    .await?;
    rows.audit(Audit::of(caller, "oidc_authorize", "code_issued", Some(&who))).await?;
    Ok(CodeEntered::Authorized { code: authorization_code, request: stored.request.clone() })
}

/// Exchanges a code for a session, once.
pub async fn exchange_code(
    rows: &impl OidcRows,
    code: &str,
    client_id: &str,
    redirect_uri: &str,
    verifier: &str,
    caller: &Caller,
) -> anyhow::Result<Exchanged> {
    let hash = code_digest(code);
    let row = rows.code(&hash).await?;
    let verdict =
        oidc::exchange(row.as_ref().map(|r| &r.code), client_id, redirect_uri, verifier, caller.now_ms);
    let who = row.as_ref().map(|r| r.national_id.clone());
    let (outcome, label) = match (verdict, row) {
        (CodeExchange::Issue, Some(row)) => {
            let (family, tokens) = signin_rows::begin_session(rows, &row.national_id, caller.now_ms).await?;
            rows.set_code_family(&hash, &family).await?;
            let role = tokens.role;
            let session = Session {
                id: family,
                national_id: row.national_id,
                role,
                nonce: row.nonce,
                auth_time: row.auth_time,
                tokens,
            };
            (Exchanged::Issued(Box::new(session)), "issued")
        }
        (CodeExchange::Replayed, Some(row)) => {
            if let Some(family) = &row.family {
                rows.revoke_family(family, caller.now_ms).await?;
            }
            tracing::warn!(employee = %row.national_id.masked(), "an authorization code came back: its session revoked");
            (Exchanged::Replayed, "code_replayed_session_revoked")
        }
        _ => (Exchanged::Invalid, "invalid_code"),
    };
    rows.audit(Audit::of(caller, "oidc_token", label, who.as_ref())).await?;
    Ok(outcome)
}

/// The end-session endpoint ends session `family` for `who` (named by a verified ID token): only
/// a live session of theirs.
pub async fn end_session(
    rows: &impl OidcRows,
    family: &str,
    who: &NationalId,
    caller: &Caller,
) -> anyhow::Result<bool> {
    let theirs = rows.live_session_owner(family).await?.is_some_and(|owner| &owner == who);
    if theirs {
        rows.revoke_family(family, caller.now_ms).await?;
    }
    let label = if theirs { "session_ended" } else { "no_session" };
    rows.audit(Audit::of(caller, "oidc_logout", label, Some(who))).await?;
    Ok(theirs)
}

/// The signing keys, `candidate` stored first when the rules say the newest has signed long
/// enough (or there is none).
pub async fn signing_keys(
    rows: &impl OidcRows,
    now_ms: i64,
    candidate: KeyCandidate,
) -> anyhow::Result<Vec<StoredKey>> {
    let keys = rows.signing_keys().await?;
    let ages: Vec<KeyAge> = keys.iter().map(|key| key.age.clone()).collect();
    if !oidc::needs_new_key(&ages, now_ms) {
        return Ok(keys);
    }
    rows.insert_signing_key(&candidate.kid, &candidate.pkcs8, now_ms).await?;
    tracing::info!(kid = %candidate.kid, "a new signing key signs from now on");
    rows.signing_keys().await
}
