//! `GET /livez`: the process answers. `GET /readyz`: it can serve — the database answers and has
//! this server's schema, and the documents directory takes writes. A load balancer sends traffic
//! only to a ready node; systemd's watchdog and a container's liveness probe restart a node whose
//! `/livez` stops answering.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::AppState;

/// The process is up and its event loop answers.
#[utoipa::path(get, path = "/livez", tag = "service",
    responses((status = 200, description = "The process answers", content_type = "text/plain", body = String)))]
pub async fn livez() -> &'static str {
    "ok\n"
}

/// What `/readyz` found, each check `ok` or why not.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Readiness {
    pub ready: bool,
    pub database: String,
    pub documents: String,
}

/// Whether this node can serve: 200 when it can, 503 with what is wrong.
#[utoipa::path(get, path = "/readyz", tag = "service",
    responses(
        (status = 200, description = "Ready: the database answers with this server's schema, the documents directory takes writes", body = Readiness),
        (status = 503, description = "Not ready; what failed (no secrets, no paths)", body = Readiness),
    ))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let database = match state.store.ready().await {
        Ok(()) => "ok".to_owned(),
        Err(error) => {
            tracing::warn!(error = %format!("{error:#}"), "not ready: the database");
            "unavailable".to_owned()
        }
    };
    let documents = match state.blobs.probe().await {
        Ok(()) => "ok".to_owned(),
        Err(error) => {
            tracing::warn!(%error, "not ready: the documents directory");
            "not writable".to_owned()
        }
    };
    let ready = database == "ok" && documents == "ok";
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(Readiness { ready, database, documents }),
    )
        .into_response()
}
