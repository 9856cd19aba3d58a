//! `/v1/auth/*` and `/v1/dev/sms`.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use masar_protocol::NationalId;
use masar_protocol::auth::{
    Challenge, DevSms, LoginRequest, RefreshRequest, ResendRequest, Tokens, VerifyRequest,
};
use serde::Deserialize;

use super::policy::{self, ms, seconds_until};
use super::sms::{SmsMessage, mask_mobile};
use super::store::{self, CodeCheck, IssuedTokens, RefreshOutcome};
use super::{password, secrets};
use crate::AppState;
use crate::error::ApiError;

type Client = ConnectInfo<SocketAddr>;

/// Lets a sign-in request in (per-address rate limit); returns who asks and when.
fn admit(state: &AppState, client: &Client) -> Result<(String, i64), ApiError> {
    let now = state.clock.now_ms();
    state.limiter.check(client.0.ip(), now).map_err(|retry_after| {
        tracing::warn!(client = %client.0.ip(), "sign-in rate limit reached");
        ApiError::RateLimited { retry_after }
    })?;
    Ok((client.0.ip().to_string(), now))
}

fn sms_text(code: &str) -> String {
    format!(
        "رمز التحقق لتسجيل الدخول إلى مسار: {code}\nلا تشاركه مع أحد. صالح لمدة {} دقائق.",
        policy::CODE_TTL_SECONDS / 60
    )
}

fn challenge(challenge_id: String, mobile: &str) -> Json<Challenge> {
    Json(Challenge {
        challenge_id,
        masked_mobile: mask_mobile(mobile),
        expires_in_seconds: policy::CODE_TTL_SECONDS,
        resend_after_seconds: policy::RESEND_COOLDOWN_SECONDS,
    })
}

fn tokens(id: NationalId, issued: IssuedTokens) -> Json<Tokens> {
    Json(Tokens {
        national_id: id,
        access_token: issued.access,
        access_expires_in_seconds: policy::ACCESS_TOKEN_SECONDS,
        refresh_token: issued.refresh,
        refresh_expires_in_seconds: policy::REFRESH_TOKEN_SECONDS,
    })
}

/// Sends `code` to `mobile`; on failure the attempt is closed so it cannot be used blind.
async fn send_code(
    state: &AppState,
    id: &NationalId,
    mobile: &str,
    challenge_id: &str,
    code: &str,
) -> Result<(), ApiError> {
    let message = SmsMessage {
        national_id: id.clone(),
        mobile: mobile.to_owned(),
        text: sms_text(code),
        sent_at: state.clock.now(),
    };
    if let Err(error) = state.sms.send(message) {
        tracing::error!(%error, "cannot send the verification code");
        let (cid, now) = (challenge_id.to_owned(), state.clock.now_ms());
        let who = id.clone();
        state
            .db
            .call(move |conn| {
                store::close_challenge(conn, &cid)?;
                store::audit(conn, now, "sms", "failed", Some(&who), "")
            })
            .await?;
        return Err(ApiError::SmsUnavailable);
    }
    Ok(())
}

pub async fn login(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<LoginRequest>,
) -> Result<Json<Challenge>, ApiError> {
    let (from, now) = admit(&state, &client)?;
    // A malformed ID gets the same answer as a wrong password.
    let id = NationalId::parse(&request.national_id).map_err(|_| ApiError::InvalidCredentials)?;

    let lookup_id = id.clone();
    let (locked_until, account) = state
        .db
        .call(move |conn| {
            Ok((store::locked_until(conn, &lookup_id, now)?, store::account(conn, &lookup_id)?))
        })
        .await?;
    if let Some(until) = locked_until {
        let (who, from) = (id.clone(), from.clone());
        state.db.call(move |conn| store::audit(conn, now, "login", "locked", Some(&who), &from)).await?;
        return Err(ApiError::Locked { retry_after: seconds_until(now, until) });
    }

    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let matches = password::verify_async(request.password.clone(), stored).await?;
    let Some(account) = account.filter(|_| matches) else {
        let (who, from) = (id.clone(), from.clone());
        let locked = state
            .db
            .call_tx(move |tx| {
                let locked = store::record_password_failure(tx, &who, now)?;
                let outcome = if locked.is_some() { "wrong_password_locked" } else { "wrong_password" };
                store::audit(tx, now, "login", outcome, Some(&who), &from)?;
                Ok(locked)
            })
            .await?;
        return Err(match locked {
            Some(until) => ApiError::Locked { retry_after: seconds_until(now, until) },
            None => ApiError::InvalidCredentials,
        });
    };

    let code = secrets::new_code()?;
    let (who, from_audit, code_for_db) = (id.clone(), from.clone(), code.clone());
    let challenge_id = state
        .db
        .call_tx(move |tx| {
            store::clear_password_failures(tx, &who)?;
            let challenge_id = store::new_challenge(tx, &who, &code_for_db, now)?;
            store::audit(tx, now, "login", "code_sent", Some(&who), &from_audit)?;
            Ok(challenge_id)
        })
        .await?;
    send_code(&state, &id, &account.mobile, &challenge_id, &code).await?;
    Ok(challenge(challenge_id, &account.mobile))
}

enum Verified {
    Signed(NationalId, IssuedTokens),
    Invalid,
    Expired,
    Wrong(u32),
    Exhausted,
}

pub async fn verify(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<VerifyRequest>,
) -> Result<Json<Tokens>, ApiError> {
    let (from, now) = admit(&state, &client)?;
    let outcome = state
        .db
        .call_tx(move |tx| {
            let Some(open) = store::open_challenge(tx, &request.challenge_id)? else {
                store::audit(tx, now, "verify", "unknown_challenge", None, &from)?;
                return Ok(Verified::Invalid);
            };
            let who = open.national_id.clone();
            let outcome = if open.expires_at <= now {
                store::audit(tx, now, "verify", "expired", Some(&who), &from)?;
                Verified::Expired
            } else {
                match store::check_code(tx, &request.challenge_id, &open, request.code.expose())? {
                    CodeCheck::Correct => {
                        let issued = store::start_session(tx, &who, now)?;
                        store::audit(tx, now, "verify", "signed_in", Some(&who), &from)?;
                        Verified::Signed(who, issued)
                    }
                    CodeCheck::Wrong { remaining } => {
                        store::audit(tx, now, "verify", "wrong_code", Some(&who), &from)?;
                        Verified::Wrong(remaining)
                    }
                    CodeCheck::Exhausted => {
                        store::audit(tx, now, "verify", "too_many_attempts", Some(&who), &from)?;
                        Verified::Exhausted
                    }
                }
            };
            Ok(outcome)
        })
        .await?;
    match outcome {
        Verified::Signed(id, issued) => Ok(tokens(id, issued)),
        Verified::Invalid => Err(ApiError::ChallengeInvalid),
        Verified::Expired => Err(ApiError::CodeExpired),
        Verified::Wrong(remaining) => Err(ApiError::CodeIncorrect { remaining }),
        Verified::Exhausted => Err(ApiError::TooManyAttempts),
    }
}

pub async fn resend(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<ResendRequest>,
) -> Result<Json<Challenge>, ApiError> {
    let (from, now) = admit(&state, &client)?;
    let code = secrets::new_code()?;
    let (cid, code_for_db) = (request.challenge_id.clone(), code.clone());
    let sent = state
        .db
        .call_tx(move |tx| {
            let Some(open) = store::open_challenge(tx, &cid)? else {
                return Ok(Err(ApiError::ChallengeInvalid));
            };
            let ready_at = open.last_sent_at + ms(policy::RESEND_COOLDOWN_SECONDS);
            if now < ready_at {
                return Ok(Err(ApiError::ResendTooSoon { retry_after: seconds_until(now, ready_at) }));
            }
            let Some(account) = store::account(tx, &open.national_id)? else {
                return Ok(Err(ApiError::ChallengeInvalid));
            };
            store::replace_code(tx, &cid, &code_for_db, now)?;
            store::audit(tx, now, "resend", "code_sent", Some(&open.national_id), &from)?;
            Ok(Ok((open.national_id, account.mobile)))
        })
        .await??;
    let (id, mobile) = sent;
    send_code(&state, &id, &mobile, &request.challenge_id, &code).await?;
    Ok(challenge(request.challenge_id, &mobile))
}

pub async fn refresh(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<RefreshRequest>,
) -> Result<Json<Tokens>, ApiError> {
    let (from, now) = admit(&state, &client)?;
    let outcome = state
        .db
        .call_tx(move |tx| {
            let outcome = store::refresh(tx, request.refresh_token.expose(), now)?;
            match &outcome {
                RefreshOutcome::Rotated(id, _) => store::audit(tx, now, "refresh", "rotated", Some(id), &from)?,
                RefreshOutcome::Reused(id) => {
                    tracing::warn!(employee = %id.masked(), "a used refresh token came back: session revoked");
                    store::audit(tx, now, "refresh", "reused_family_revoked", Some(id), &from)?;
                }
                RefreshOutcome::Invalid => store::audit(tx, now, "refresh", "invalid", None, &from)?,
            }
            Ok(outcome)
        })
        .await?;
    match outcome {
        RefreshOutcome::Rotated(id, issued) => Ok(tokens(id, issued)),
        RefreshOutcome::Reused(_) => Err(ApiError::SessionRevoked),
        RefreshOutcome::Invalid => Err(ApiError::Unauthenticated),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    client: Client,
    Json(request): Json<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    let from = client.0.ip().to_string();
    let now = state.clock.now_ms();
    state
        .db
        .call_tx(move |tx| {
            let who = store::logout(tx, request.refresh_token.expose(), now)?;
            store::audit(
                tx,
                now,
                "logout",
                if who.is_some() { "ok" } else { "unknown_token" },
                who.as_ref(),
                &from,
            )?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct SmsQuery {
    national_id: String,
}

/// The dev outbox: what the demo phone shows.
pub async fn dev_sms(
    State(state): State<AppState>,
    Query(query): Query<SmsQuery>,
) -> Result<Json<Vec<DevSms>>, ApiError> {
    let id =
        NationalId::parse(&query.national_id).map_err(|_| ApiError::BadRequest("رقم الهوية غير صالح."))?;
    state.sms.outbox(&id).map(Json).ok_or(ApiError::NotFound)
}
