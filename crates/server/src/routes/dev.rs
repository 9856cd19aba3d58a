//! Endpoints that exist only on a `--demo` server, for people trying the app and for tests.

use axum::Json;
use axum::extract::State;
use masar_protocol::DemoAccount;

use crate::AppState;
use crate::error::ApiError;

#[utoipa::path(get, path = "/v1/dev/accounts", tag = "demo",
    responses((status = 200, description = "Demo servers only: the accounts to try, with passwords", body = Vec<DemoAccount>)))]
pub async fn accounts(State(state): State<AppState>) -> Result<Json<Vec<DemoAccount>>, ApiError> {
    Ok(Json(state.store.demo_accounts().await?))
}
