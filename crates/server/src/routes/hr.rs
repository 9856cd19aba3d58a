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
