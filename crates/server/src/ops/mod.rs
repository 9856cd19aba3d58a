//! Running the service: liveness and readiness for load balancers and systemd, and Prometheus
//! metrics on a listener of their own (`--metrics-bind`), never on the public one.

pub mod metrics;
pub mod ready;

use axum::Router;
use axum::routing::get;

use crate::AppState;

/// `/livez` and `/readyz`, served on the public listener (and the metrics one).
pub fn probes() -> Router<AppState> {
    Router::new().route("/livez", get(ready::livez)).route("/readyz", get(ready::readyz))
}

/// What the metrics listener serves: `/metrics` and the probes.
pub fn metrics_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(metrics::scrape)).merge(probes()).with_state(state)
}
