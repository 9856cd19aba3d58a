//! The HTTP API under `/v1`.

mod dev;
mod health;
mod record;

pub use record::DEMO_EMPLOYEE_HEADER;

use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::error::ApiError;

/// No request of this API should take longer; a stuck one answers 408 instead of hanging the client.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router(state: AppState) -> Router {
    let mut v1 = Router::new()
        .route("/health", get(health::health))
        .route("/me/record", get(record::my_record))
        .route("/opportunities", get(record::opportunities));
    if state.demo {
        v1 = v1.route("/dev/accounts", get(dev::accounts));
    }
    Router::new()
        .nest(masar_protocol::API_PREFIX, v1)
        .fallback(|| async { ApiError::NotFound })
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
