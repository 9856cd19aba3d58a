//! The signed-in employee's record and the opportunities open to them.

use axum::Json;
use axum::extract::State;
use masar_protocol::{EmployeeRecord, Opportunity};

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::ApiError;

pub async fn my_record(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<EmployeeRecord>, ApiError> {
    state.store.record(&signed_in.national_id).await?.map(Json).ok_or(ApiError::NotFound)
}

pub async fn opportunities(
    State(state): State<AppState>,
    _signed_in: SignedIn,
) -> Result<Json<Vec<Opportunity>>, ApiError> {
    Ok(Json(state.store.opportunities().await?))
}
