use axum::Json;
use axum::extract::State;
use masar_protocol::Health;
use masar_protocol::api::SERVICE_NAME;

use crate::AppState;

#[utoipa::path(get, path = "/v1/health", tag = "service",
    responses((status = 200, description = "The server answers", body = masar_protocol::Health)))]
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        service: SERVICE_NAME.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        time: chrono::Utc::now(),
        demo: state.demo,
        issuer: Some(state.issuer.to_string()),
    })
}
