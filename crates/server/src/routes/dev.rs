//! Endpoints that exist only on a `--demo` server, for people trying the app and for tests.

use axum::Json;
use axum::extract::State;
use masar_protocol::auth::DevSms;
use masar_protocol::{DemoAccount, NationalId};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiError;

#[utoipa::path(get, path = "/v1/dev/accounts", tag = "demo",
    responses((status = 200, description = "Demo servers only: the accounts to try, with passwords", body = Vec<DemoAccount>)))]
pub async fn accounts(State(state): State<AppState>) -> Result<Json<Vec<DemoAccount>>, ApiError> {
    Ok(Json(state.store.demo_accounts().await?))
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
pub async fn sms(
    State(state): State<AppState>,
    crate::extract::QueryParams(query): crate::extract::QueryParams<SmsQuery>,
) -> Result<Json<Vec<DevSms>>, ApiError> {
    let id =
        NationalId::parse(&query.national_id).map_err(|_| ApiError::BadRequest("رقم الهوية غير صالح."))?;
    state.sms.outbox(&id).await?.map(Json).ok_or(ApiError::NotFound)
}
