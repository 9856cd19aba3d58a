//! `/v1/auth/*` and `/v1/dev/sms`.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use masar_protocol::NationalId;
use masar_protocol::auth::{
    Challenge, DevSms, LoginRequest, RefreshRequest, ResendRequest, Tokens, VerifyRequest,
};
use serde::Deserialize;

use super::password;
use super::sms::{SmsMessage, mask_mobile};
use crate::AppState;
use crate::error::ApiError;
use crate::rules::signin as policy;
use crate::secrets;
use crate::storage::{Caller, IssuedTokens, PasswordCheck, RefreshOutcome, Resent, Verified};

/// Lets a sign-in request in (per-address rate limit, shared by every node).
pub(crate) async fn admit(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    let key = policy::rate_key_of(&caller.address);
    let admitted = state.store.admit_request(&key, state.sign_in_rate, caller.now_ms).await?;
    admitted.map_err(|retry_after| {
        tracing::warn!(client = %caller.address, "sign-in rate limit reached");
        ApiError::RateLimited { retry_after }
    })
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
        refresh_expires_in_seconds: issued.refresh_expires_in,
        role: issued.role,
    })
}

/// Sends `code` to `mobile`; on failure the attempt is closed so it cannot be used blind.
pub(crate) async fn send_code(
    state: &AppState,
    caller: &Caller,
    id: &NationalId,
    mobile: &str,
    challenge_id: &str,
    code: &str,
) -> Result<(), ApiError> {
    let message = SmsMessage {
        national_id: id.clone(),
        mobile: mobile.to_owned(),
        text: super::sms::render(&state.sms_template, code, policy::CODE_TTL_SECONDS / 60),
        sent_at: state.clock.now(),
    };
    if let Err(error) = state.sms.send(message).await {
        tracing::error!(%error, "cannot send the verification code");
        state.store.abandon_challenge(challenge_id, id, caller).await?;
        return Err(ApiError::SmsUnavailable);
    }
    Ok(())
}

#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "The password is right: a code is sent by SMS", body = Challenge),
        (status = 401, description = "Refused; the code says why", body = masar_protocol::ApiErrorBody),
        (status = 429, description = "Too many requests; Retry-After says when", body = masar_protocol::ApiErrorBody),
        (status = 403, description = "Locked after wrong passwords", body = masar_protocol::ApiErrorBody),
        (status = 503, description = "The SMS could not be sent", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<LoginRequest>,
) -> Result<Json<Challenge>, ApiError> {
    admit(&state, &caller).await?;
    // A malformed ID gets the same answer as a wrong password.
    let id = NationalId::parse(&request.national_id).map_err(|_| ApiError::InvalidCredentials)?;
    let account = match state.store.reserve_password_check(&id, &caller).await? {
        PasswordCheck::Refused { retry_after } => return Err(ApiError::Locked { retry_after }),
        PasswordCheck::Check { account } => account,
    };
    let (stored, mobile) = match account {
        Some((hash, mobile)) => (Some(hash), Some(mobile)),
        None => (None, None),
    };
    let matches = password::verify_async(request.password.clone(), stored).await?;
    let Some(mobile) = mobile.filter(|_| matches) else {
        return Err(match state.store.password_wrong(&id, &caller).await? {
            Some(retry_after) => ApiError::Locked { retry_after },
            None => ApiError::InvalidCredentials,
        });
    };
    let code = secrets::new_code()?;
    let challenge_id = state.store.begin_challenge(&id, &code, &caller).await?;
    send_code(&state, &caller, &id, &mobile, &challenge_id, &code).await?;
    Ok(challenge(challenge_id, &mobile))
}

#[utoipa::path(post, path = "/v1/auth/verify", tag = "auth", request_body = VerifyRequest,
    responses(
        (status = 200, description = "Signed in", body = Tokens),
        (status = 401, description = "Refused; the code says why", body = masar_protocol::ApiErrorBody),
        (status = 429, description = "Too many requests; Retry-After says when", body = masar_protocol::ApiErrorBody),
        (status = 403, description = "Too many wrong codes: start again", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<VerifyRequest>,
) -> Result<Json<Tokens>, ApiError> {
    admit(&state, &caller).await?;
    match state.store.verify_code(&request.challenge_id, request.code.expose(), &caller).await? {
        Verified::Signed(id, issued) => Ok(tokens(id, issued)),
        Verified::Invalid => Err(ApiError::ChallengeInvalid),
        Verified::Expired => Err(ApiError::CodeExpired),
        Verified::Wrong { remaining } => Err(ApiError::CodeIncorrect { remaining }),
        Verified::Exhausted => Err(ApiError::TooManyAttempts),
        Verified::Locked { retry_after } => Err(ApiError::Locked { retry_after }),
    }
}

#[utoipa::path(post, path = "/v1/auth/resend", tag = "auth", request_body = ResendRequest,
    responses(
        (status = 200, description = "A new code is sent", body = Challenge),
        (status = 401, description = "Refused; the code says why", body = masar_protocol::ApiErrorBody),
        (status = 429, description = "Too many requests; Retry-After says when", body = masar_protocol::ApiErrorBody),
        (status = 403, description = "Every new code of this sign-in was sent", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn resend(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<ResendRequest>,
) -> Result<Json<Challenge>, ApiError> {
    admit(&state, &caller).await?;
    let code = secrets::new_code()?;
    match state.store.resend_code(&request.challenge_id, &code, &caller).await? {
        Resent::Sent { national_id, mobile } => {
            send_code(&state, &caller, &national_id, &mobile, &request.challenge_id, &code).await?;
            Ok(challenge(request.challenge_id, &mobile))
        }
        Resent::Invalid => Err(ApiError::ChallengeInvalid),
        Resent::TooSoon { retry_after } => Err(ApiError::ResendTooSoon { retry_after }),
        Resent::Limit => Err(ApiError::ResendLimit),
    }
}

#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair; the refresh token sent is used up", body = Tokens),
        (status = 401, description = "Refused; the code says why", body = masar_protocol::ApiErrorBody),
        (status = 429, description = "Too many requests; Retry-After says when", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<RefreshRequest>,
) -> Result<Json<Tokens>, ApiError> {
    admit(&state, &caller).await?;
    match state.store.refresh(request.refresh_token.expose(), &caller).await? {
        RefreshOutcome::Rotated(id, issued) => Ok(tokens(id, issued)),
        RefreshOutcome::Reused(_) => Err(ApiError::SessionRevoked),
        RefreshOutcome::Invalid => Err(ApiError::Unauthenticated),
    }
}

#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "The session of the refresh token is ended")))]
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    state.store.logout(request.refresh_token.expose(), &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SmsQuery {
    /// The employee's national ID.
    national_id: String,
}

/// The dev outbox: what the demo phone shows.
#[utoipa::path(get, path = "/v1/dev/sms", tag = "demo", params(SmsQuery),
    responses((status = 200, description = "Dev outbox only: the SMS sent to this employee, newest last", body = Vec<DevSms>)))]
pub async fn dev_sms(
    State(state): State<AppState>,
    Query(query): Query<SmsQuery>,
) -> Result<Json<Vec<DevSms>>, ApiError> {
    let id =
        NationalId::parse(&query.national_id).map_err(|_| ApiError::BadRequest("رقم الهوية غير صالح."))?;
    state.sms.outbox(&id).await?.map(Json).ok_or(ApiError::NotFound)
}
