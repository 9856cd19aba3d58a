//! Prometheus metrics (the `metrics` facade, rendered by `metrics-exporter-prometheus` in the
//! text format): requests by route template and status with latency histograms, sync pushes and
//! what became of each mutation, upload bytes and verifications, sign-in steps and outcomes,
//! server-side failures by source (SQLite, PostgreSQL, other) and the PostgreSQL pool's use.
//! Labels are route templates and outcome words, never a path, ID or token.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::AppState;

pub const HTTP_REQUESTS: &str = "masar_http_requests_total";
pub const HTTP_SECONDS: &str = "masar_http_request_duration_seconds";
pub const SYNC_PUSHES: &str = "masar_sync_pushes_total";
pub const SYNC_MUTATIONS: &str = "masar_sync_mutations_total";
pub const UPLOAD_BYTES: &str = "masar_upload_bytes_total";
pub const UPLOAD_VERIFICATIONS: &str = "masar_upload_verifications_total";
pub const SIGN_IN_STEPS: &str = "masar_sign_in_steps_total";
pub const SERVER_FAILURES: &str = "masar_server_failures_total";
pub const DATABASE_POOL: &str = "masar_database_pool_connections";

/// Latency buckets, in seconds: from a cached read to a large upload's chunk.
const BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's recorder, installed the first time it is asked for (one per process, however
/// many servers it runs: the tests run several).
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let installed = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(HTTP_SECONDS.to_owned()), BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(error) => {
                    tracing::warn!(%error, "metrics are not recorded");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(HTTP_REQUESTS, "HTTP requests answered, by method, route template and status");
    describe_histogram!(HTTP_SECONDS, metrics::Unit::Seconds, "Time to answer, by method and route template");
    describe_counter!(SYNC_PUSHES, "Sync pushes answered");
    describe_counter!(
        SYNC_MUTATIONS,
        "Mutations pushed, by outcome (applied, resent: answered from the stored result, rejected, conflict, id_reused)"
    );
    describe_counter!(UPLOAD_BYTES, metrics::Unit::Bytes, "Upload bytes written to the documents directory");
    describe_counter!(
        UPLOAD_VERIFICATIONS,
        "Whole uploads checked, by outcome (blob, refused, hash_mismatch)"
    );
    describe_counter!(
        SIGN_IN_STEPS,
        "Sign-in steps, by step (login, verify, resend, refresh, logout, sms) and outcome"
    );
    describe_counter!(
        SERVER_FAILURES,
        "Requests that failed inside the server, by source (sqlite, postgres, other)"
    );
    describe_gauge!(DATABASE_POOL, "PostgreSQL connections, by state (in_use, idle, max)");
}

/// Counts and times each request by its route template (a `route_layer`: routing has run).
pub async fn track(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(HTTP_SECONDS, "method" => method.clone(), "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(HTTP_REQUESTS, "method" => method, "route" => route, "status" => status).increment(1);
    response
}

/// A sync push answered, and what became of each of its mutations.
pub fn pushed(results: &[masar_protocol::sync::MutationResult]) {
    metrics::counter!(SYNC_PUSHES).increment(1);
    for result in results {
        let outcome = if result.replayed { "resent" } else { result.outcome.label() };
        metrics::counter!(SYNC_MUTATIONS, "outcome" => outcome).increment(1);
    }
}

/// One step of signing in and its outcome (as its audit row names them).
pub fn sign_in_step(step: &str, outcome: &str) {
    metrics::counter!(SIGN_IN_STEPS, "step" => step.to_owned(), "outcome" => outcome.to_owned()).increment(1);
}

/// A request that failed inside the server: where the error came from.
pub fn server_failure(error: &anyhow::Error) {
    let source = if error.chain().any(|e| e.is::<rusqlite::Error>()) {
        "sqlite"
    } else if error.chain().any(|e| e.is::<tokio_postgres::Error>() || e.is::<deadpool_postgres::PoolError>())
    {
        "postgres"
    } else {
        "other"
    };
    metrics::counter!(SERVER_FAILURES, "source" => source).increment(1);
}

/// `GET /metrics` (the metrics listener only): the Prometheus text format.
pub async fn scrape(State(state): State<AppState>) -> Response {
    if let Some(pool) = state.store.pool_use() {
        let gauge = |label: &'static str, value: usize| {
            metrics::gauge!(DATABASE_POOL, "state" => label).set(u32::try_from(value).unwrap_or(u32::MAX));
        };
        gauge("in_use", pool.open.saturating_sub(pool.idle));
        gauge("idle", pool.idle);
        gauge("max", pool.max);
    }
    let Some(handle) = install() else {
        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    handle.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
}
