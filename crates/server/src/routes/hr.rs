//! HR routes: only an HR officer's token opens them (an employee's gets 403).

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use masar_protocol::NationalId;
use masar_protocol::hr::EmploymentChange;
use masar_protocol::sync::{MutationBody, MutationOutcome};

use crate::AppState;
use crate::auth::HrOfficer;
use crate::error::ApiError;
use crate::storage::Caller;

/// An employee's record, as HR sees it (to edit it on the current version).
#[utoipa::path(get, path = "/v1/hr/employees/{national_id}/record", tag = "hr", security(("access_token" = [])),
    params(("national_id" = String, Path, description = "The employee's national ID")),
    responses(
        (status = 200, description = "The employee's record", body = masar_protocol::EmployeeRecord),
        (status = 403, description = "Not an HR officer", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "No such employee", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn employee_record(
    State(state): State<AppState>,
    _officer: HrOfficer,
    Path(national_id): Path<String>,
) -> Result<Json<masar_protocol::EmployeeRecord>, ApiError> {
    let id = NationalId::parse(&national_id).map_err(|_| ApiError::NotFound)?;
    state.store.record(&id).await?.map(Json).ok_or(ApiError::NotFound)
}

/// HR changes an employee's employment data (entity, job title). A change made on the record
/// since `baseVersion` to the same field is a conflict, as for an employee's edit.
#[utoipa::path(put, path = "/v1/hr/employees/{national_id}/employment", tag = "hr", security(("access_token" = [])),
    params(("national_id" = String, Path, description = "The employee's national ID")),
    request_body = EmploymentChange,
    responses(
        (status = 200, description = "Applied, rejected (per field) or in conflict with a change since the base version", body = MutationOutcome),
        (status = 403, description = "Not an HR officer", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "No such employee", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn update_employment(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    HrOfficer(officer): HrOfficer,
    Path(national_id): Path<String>,
    Json(change): Json<EmploymentChange>,
) -> Result<Json<MutationOutcome>, ApiError> {
    let id = NationalId::parse(&national_id).map_err(|_| ApiError::NotFound)?;
    let caller = Caller { address: client.ip().to_string(), now_ms: state.clock.now_ms() };
    let body = MutationBody::UpdateEmployment(change.update());
    state
        .store
        .hr_update(&officer, &id, change.base_version, body, &caller)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}
