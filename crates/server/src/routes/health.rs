use axum::Json;
use axum::extract::State;
use masar_protocol::Health;
use masar_protocol::api::SERVICE_NAME;

use crate::AppState;

pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        service: SERVICE_NAME.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        time: chrono::Utc::now(),
        demo: state.demo,
    })
}
