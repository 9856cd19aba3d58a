//! The signed-in employee's record and the opportunities open to them.

use axum::Json;
use axum::extract::State;
use masar_protocol::{EmployeeRecord, Opportunity};

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::ApiError;

/// Who the access token is to Masar: the employee and what they may do here.
#[utoipa::path(get, path = "/v1/me", tag = "records", security(("access_token" = [])),
    responses(
        (status = 200, description = "The signed-in employee and their role", body = masar_protocol::auth::Me),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn me(signed_in: SignedIn) -> Json<masar_protocol::auth::Me> {
    Json(masar_protocol::auth::Me { national_id: signed_in.national_id, role: signed_in.role })
}

/// سجل النشاط: the signed-in employee's trail: who changed what on their record and when (their
/// own changes and HR's, with HR's reasons), decisions on what they sent, HR opening the record.
#[utoipa::path(get, path = "/v1/me/activity", tag = "records", security(("access_token" = [])),
    responses(
        (status = 200, description = "The trail, newest first", body = Vec<masar_protocol::activity::ActivityEntry>),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn my_activity(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<Vec<masar_protocol::activity::ActivityEntry>>, ApiError> {
    let limit = crate::rules::activity::MAX_ENTRIES;
    Ok(Json(state.store.activity(&signed_in.national_id, limit).await?))
}

#[utoipa::path(get, path = "/v1/me/record", tag = "records", security(("access_token" = [])),
    responses(
        (status = 200, description = "The signed-in employee's whole record", body = EmployeeRecord),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn my_record(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<EmployeeRecord>, ApiError> {
    state.store.record(&signed_in.national_id).await?.map(Json).ok_or(ApiError::NotFound)
}

#[utoipa::path(get, path = "/v1/opportunities", tag = "records", security(("access_token" = [])),
    responses(
        (status = 200, description = "Training and scholarship opportunities", body = Vec<Opportunity>),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn opportunities(
    State(state): State<AppState>,
    _signed_in: SignedIn,
) -> Result<Json<Vec<Opportunity>>, ApiError> {
    Ok(Json(state.store.opportunities().await?))
}
