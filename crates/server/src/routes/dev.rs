//! Endpoints that exist only on a `--demo` server, for people trying the app and for tests.

use axum::Json;
use axum::extract::State;
use masar_protocol::DemoAccount;

use crate::error::ApiError;
use crate::{AppState, store};

pub async fn accounts(State(state): State<AppState>) -> Result<Json<Vec<DemoAccount>>, ApiError> {
    Ok(Json(state.db.call(|conn| store::demo_accounts(conn)).await?))
}
