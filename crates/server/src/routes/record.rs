//! The signed-in employee's record and the opportunities open to them.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use masar_protocol::{EmployeeRecord, NationalId, Opportunity};

use crate::error::ApiError;
use crate::{AppState, store};

/// Until sign-in exists (the next issue replaces this with the access token's subject), the
/// client names the employee in this header, and only a `--demo` server accepts it.
pub const DEMO_EMPLOYEE_HEADER: &str = "x-masar-demo-national-id";

fn employee_from_headers(state: &AppState, headers: &HeaderMap) -> Result<NationalId, ApiError> {
    if !state.demo {
        return Err(ApiError::Unauthenticated);
    }
    let value = headers.get(DEMO_EMPLOYEE_HEADER).ok_or(ApiError::Unauthenticated)?;
    let text = value.to_str().map_err(|_| ApiError::BadRequest("رقم الهوية غير صالح."))?;
    NationalId::parse(text).map_err(|_| ApiError::BadRequest("رقم الهوية غير صالح."))
}

pub async fn my_record(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<EmployeeRecord>, ApiError> {
    let id = employee_from_headers(&state, &headers)?;
    let record = state.db.call(move |conn| store::load_record(conn, &id)).await?;
    record.map(Json).ok_or(ApiError::NotFound)
}

pub async fn opportunities(State(state): State<AppState>) -> Result<Json<Vec<Opportunity>>, ApiError> {
    Ok(Json(state.db.call(|conn| store::list_opportunities(conn)).await?))
}
