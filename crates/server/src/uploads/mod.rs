//! Resumable uploads of attached documents, speaking tus 1.0.0 under `/v1/uploads/` (core,
//! creation, checksum with sha1 and sha256, termination, expiration), so any standard tus client
//! can upload and resume; authenticated with the bearer token like every other route.
//!
//! The whole file's SHA-256 is declared at creation (`Upload-Metadata` key `sha256`, hex, with
//! `filename` and optionally `filetype`); when the last byte arrives the server hashes the file
//! itself and inspects it (kind by content, complete, within the limits) before it becomes a
//! blob. Offsets are in the database and the bytes fsynced first, so they survive a restart.

mod blobs;
pub mod collector;
pub(crate) mod handlers;
pub mod hashing;
pub(crate) mod patch;
pub mod tus;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderValue;
use axum::routing::{get, post};
pub use blobs::{BlobDir, BlobStore, PartWriter, hash_file};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;

/// An upload nobody writes to for this long is removed with its bytes.
pub const DEFAULT_EXPIRY: Duration = Duration::from_secs(24 * 60 * 60);
/// A PATCH holds its upload at most this long (a crashed node's hold runs out by itself).
const LEASE: Duration = Duration::from_secs(5 * 60);
/// A PATCH whose body sends nothing for this long ends, keeping what arrived.
const IDLE: Duration = Duration::from_secs(30);

/// `/uploads` and `/attachments/limits`, to nest under `/v1` (without the API's request
/// timeout: a large chunk on a slow link may take minutes; an idle one ends after [`IDLE`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/uploads", post(handlers::create).options(handlers::options))
        // tus clients are often given the creation URL with a trailing slash.
        .route("/uploads/", post(handlers::create).options(handlers::options))
        .route(
            "/uploads/{id}",
            axum::routing::head(handlers::head).patch(patch::patch).delete(handlers::terminate),
        )
        .route("/attachments/limits", get(handlers::limits))
        .layer(DefaultBodyLimit::disable())
        .layer(tus_header())
}

/// `Tus-Resumable: 1.0.0` on every answer of a tus route.
pub fn tus_header() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        axum::http::HeaderName::from_static(tus::RESUMABLE),
        HeaderValue::from_static(tus::VERSION),
    )
}
