//! The signed-in employee's record and the opportunities open to them.

use axum::Json;
use axum::extract::State;
use masar_protocol::{EmployeeRecord, Opportunity};

use crate::auth::SignedIn;
use crate::error::ApiError;
use crate::{AppState, store};

pub async fn my_record(
    State(state): State<AppState>,
    SignedIn(id): SignedIn,
) -> Result<Json<EmployeeRecord>, ApiError> {
    let record = state.db.call(move |conn| store::load_record(conn, &id)).await?;
    record.map(Json).ok_or(ApiError::NotFound)
}

pub async fn opportunities(
    State(state): State<AppState>,
    _signed_in: SignedIn,
) -> Result<Json<Vec<Opportunity>>, ApiError> {
    Ok(Json(state.db.call(|conn| store::list_opportunities(conn)).await?))
}
