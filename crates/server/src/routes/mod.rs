//! The HTTP API under `/v1`.

mod dev;
mod health;
mod hr;
pub mod openapi;
mod record;
mod statements;
mod training;
mod vault_keys;
mod verify;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::error::ApiError;

/// No request of this API should take longer; a stuck one answers 408 instead of hanging the client.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router(state: AppState) -> Router {
    let mut v1 = Router::new()
        .route("/health", get(health::health))
        .route("/openapi.json", get(openapi::document))
        .route("/me/record", get(record::my_record))
        .route("/opportunities", get(record::opportunities))
        .route("/me/statement-code", post(statements::statement_code))
        .route("/me", get(record::me))
        .route("/me/activity", get(record::my_activity))
        .route("/me/vault-keys/{id}", put(vault_keys::vault_key).get(vault_keys::existing_vault_key))
        .route("/statements/verify", post(statements::verify_statement))
        .route("/sync/push", post(crate::sync::handlers::push_handler))
        .route("/sync/pull", post(crate::sync::handlers::pull_handler))
        .route("/hr/employees/{national_id}/record", get(hr::employee_record))
        .route("/hr/employees/{national_id}/employment", put(hr::update_employment))
        .route("/hr/employees/{national_id}/activity", get(hr::employee_activity))
        .route("/hr/qualifications", get(hr::qualifications))
        .route("/hr/qualifications/{id}/decision", post(hr::decide))
        .route("/hr/attachments/{sha256}", get(hr::attachment))
        .route("/hr/applications", get(training::applicants))
        .route("/hr/applications/{id}/decision", post(training::decide_application));
    let mut root =
        Router::new().route("/verify/{code}", get(verify::verify_page)).merge(crate::oidc::assets());
    if state.builtin_issuer {
        // The built-in provider exists only when it is the issuer.
        root = root.merge(crate::oidc::router());
    }
    if state.demo {
        v1 = v1.route("/dev/accounts", get(dev::accounts)).route("/dev/sms", get(dev::sms));
    }
    let v1 = v1.layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT));
    root.nest(masar_protocol::API_PREFIX, v1.merge(crate::uploads::router()).merge(crate::imports::router()))
        .merge(crate::ops::probes())
        .route_layer(axum::middleware::from_fn(crate::ops::metrics::track))
        .fallback(|| async { ApiError::NotFound })
        // The span names the route, not the path: paths carry national IDs (HR's routes),
        // statement codes and upload ids, and query strings can carry personal data.
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
            tracing::debug_span!("request", method = %request.method(), route = route_of(request))
        }))
        .with_state(state)
}

/// The route template a request matched (`/v1/hr/employees/{national_id}/record`), or
/// `unmatched`: never the path itself.
fn route_of(request: &Request<Body>) -> &str {
    request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", axum::extract::MatchedPath::as_str)
}
