//! Verifiable service statements: a code for the signed-in employee's record as it stands, and
//! the public check of a printed code.

use axum::Json;
use axum::extract::State;
use masar_protocol::service::length_of_service;
use masar_protocol::statement::{StatementCode, StatementFacts, VerifyStatement, is_code, normalise_code};

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::ApiError;
use crate::secrets::new_statement_code;

/// A new code for the signed-in employee's record as the server holds it now.
#[utoipa::path(post, path = "/v1/me/statement-code", tag = "records", security(("access_token" = [])),
    responses(
        (status = 200, description = "The code to print, and what it certifies", body = StatementCode),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn statement_code(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<StatementCode>, ApiError> {
    let record = state.store.record(&signed_in.national_id).await?.ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let as_of = now.date_naive();
    let p = &record.profile;
    let service = length_of_service(&record.employment_events, p.appointment_date, as_of).total;
    let facts = StatementFacts {
        masked_id: p.national_id.masked(),
        name_ar: p.name_ar.clone(),
        entity: p.entity.clone(),
        job_title: p.job_title.clone(),
        appointment_date: p.appointment_date,
        service,
        as_of,
        decisions: u32::try_from(record.employment_events.len()).unwrap_or(u32::MAX),
    };
    let code = StatementCode { code: new_statement_code()?, facts, issued_at: now };
    state.store.save_statement_code(&signed_in.national_id, &code).await?;
    Ok(Json(code))
}

/// Whoever holds a printed statement checks its code here, without signing in.
#[utoipa::path(post, path = "/v1/statements/verify", tag = "records",
    request_body = VerifyStatement,
    responses(
        (status = 200, description = "The code was given: what the statement certified", body = StatementCode),
        (status = 404, description = "No statement has this code (altered or mistyped)", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn verify_statement(
    State(state): State<AppState>,
    Json(request): Json<VerifyStatement>,
) -> Result<Json<StatementCode>, ApiError> {
    let code = normalise_code(&request.code);
    if !is_code(&code) {
        return Err(ApiError::NotFound);
    }
    state.store.statement_code(&code).await?.map(Json).ok_or(ApiError::NotFound)
}
