//! Verifiable service statements: a code for the signed-in employee's record as it stands, and
//! the public check of a printed code (its page is `verify.rs`).

use axum::Json;
use axum::extract::State;
use masar_protocol::statement::{
    StatementCode, StatementFacts, VerifyStatement, is_code, normalise_code, verify_path,
};

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::rules::statements::{expiry, rate_key_of};
use crate::secrets::new_statement_code;
use crate::storage::{Caller, IssuedStatement};

/// A new code for the signed-in employee's record as the server holds it now, verifiable until
/// the end of the server's period, at the URL its QR code holds.
#[utoipa::path(post, path = "/v1/me/statement-code", tag = "records", security(("access_token" = [])),
    responses(
        (status = 200, description = "The code to print, what it certifies, until when, and where it is checked", body = StatementCode),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn statement_code(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<StatementCode>, ApiError> {
    let record = state.store.record(&signed_in.national_id).await?.ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let holder = signed_in.national_id;
    let issued = IssuedStatement {
        holder: holder.clone(),
        code: new_statement_code()?,
        facts: StatementFacts::of(&record, now.date_naive()),
        issued_at: now,
        expires_at: expiry(now, state.statement_validity_days),
    };
    let code = printed(&state, issued);
    state.store.save_statement_code(&holder, &code).await?;
    Ok(Json(code))
}

/// Whoever holds a printed statement checks its code here, without signing in (limited per
/// client address; the page at `/verify/CODE` says the same to a person).
#[utoipa::path(post, path = "/v1/statements/verify", tag = "records",
    request_body = VerifyStatement,
    responses(
        (status = 200, description = "The code was given: what the statement certified, and until when it verifies", body = StatementCode),
        (status = 404, description = "No statement has this code (altered or mistyped)", body = masar_protocol::ApiErrorBody),
        (status = 429, description = "Too many checks from this address (`Retry-After`)", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn verify_statement(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(request): JsonBody<VerifyStatement>,
) -> Result<Json<StatementCode>, ApiError> {
    admit(&state, &caller).await?.map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let code = normalise_code(&request.code);
    if !is_code(&code) {
        return Err(ApiError::NotFound);
    }
    let issued = state.store.statement_code(&code).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(printed(&state, issued)))
}

/// A code as the statement prints it: with the URL of its page on this server.
fn printed(state: &AppState, issued: IssuedStatement) -> StatementCode {
    StatementCode {
        verify_url: format!("{}{}", state.public_url, verify_path(&issued.code)),
        code: issued.code,
        facts: issued.facts,
        issued_at: issued.issued_at,
        expires_at: issued.expires_at,
    }
}

/// Lets a verification in, or says how many seconds to wait (per client address, every node).
pub(super) async fn admit(state: &AppState, caller: &Caller) -> anyhow::Result<Result<(), u32>> {
    state.store.admit_request(&rate_key_of(&caller.address), state.verify_rate, caller.now_ms).await
}
