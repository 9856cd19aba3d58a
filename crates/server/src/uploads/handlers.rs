//! tus creation, HEAD, termination and the server's capabilities (PATCH is in `patch.rs`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use masar_protocol::attachments::{AttachmentLimits, FileProblem, check_name};

use super::tus;
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::ApiError;
use crate::storage::{Caller, Upload, UploadPurpose};

/// What this server speaks (tus: `OPTIONS` needs no token).
#[utoipa::path(options, path = "/v1/uploads", tag = "uploads",
    responses((status = 204, description = "tus 1.0.0 with creation, checksum (sha1, sha256), termination and expiration; `Tus-Max-Size` is the largest file")))]
pub async fn options(State(state): State<AppState>) -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            ("tus-version", HeaderValue::from_static(tus::VERSION)),
            ("tus-extension", HeaderValue::from_static(tus::EXTENSIONS)),
            ("tus-checksum-algorithm", HeaderValue::from_static(tus::CHECKSUM_ALGORITHMS)),
            ("tus-max-size", HeaderValue::from(state.limits.max_file_bytes)),
        ],
    )
        .into_response()
}

/// What a submission may attach: kinds, sizes, count, image pixels.
#[utoipa::path(get, path = "/v1/attachments/limits", tag = "uploads",
    responses((status = 200, description = "The limits", body = AttachmentLimits)))]
pub async fn limits(State(state): State<AppState>) -> Json<AttachmentLimits> {
    Json(state.limits.clone())
}

/// tus creation: `Upload-Length` and `Upload-Metadata` (`sha256` hex and `filename` required,
/// `filetype` optional). Answers 201 with `Location` and `Upload-Expires`.
#[utoipa::path(post, path = "/v1/uploads", tag = "uploads", security(("access_token" = [])),
    params(
        ("Tus-Resumable" = String, Header, description = "1.0.0"),
        ("Upload-Length" = u64, Header, description = "The file's size in bytes"),
        ("Upload-Metadata" = String, Header, description = "`sha256` (hex of the whole file), `filename`, `filetype`; values base64"),
    ),
    responses(
        (status = 201, description = "Created; `Location` names the upload"),
        (status = 400, description = "Missing or malformed header, or a file name with a path or hidden characters", body = masar_protocol::ApiErrorBody),
        (status = 412, description = "Not tus 1.0.0", body = masar_protocol::ApiErrorBody),
        (status = 413, description = "Larger than `Tus-Max-Size`", body = masar_protocol::ApiErrorBody),
        (status = 415, description = "An empty file", body = masar_protocol::ApiErrorBody),
        (status = 429, description = "This employee's upload quota is used (unfinished uploads together, or the last 24 hours'; see `/v1/attachments/limits`); `Retry-After` for the daily one", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    signed_in: SignedIn,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let length = creation_length(&headers, state.limits.max_file_bytes)?;
    let metadata =
        headers.get("upload-metadata").and_then(|value| value.to_str().ok()).and_then(tus::metadata).ok_or(
            ApiError::BadRequest("Upload-Metadata is required, with sha256 and filename (values base64)."),
        )?;
    let value = |key: &str| metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let sha256 = value("sha256")
        .map(|hex| hex.to_ascii_lowercase())
        .filter(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or(ApiError::BadRequest("Upload-Metadata needs sha256: the whole file's SHA-256 in hex."))?;
    let filename = value("filename").ok_or(ApiError::BadRequest("Upload-Metadata needs filename."))?;
    check_name(&filename).map_err(ApiError::FileNameNotAccepted)?;

    let now_ms = caller.now_ms;
    sweep_expired(&state, now_ms).await;
    let since_ms = now_ms - crate::rules::uploads::DAY_MS;
    let usage = state.store.upload_usage(&signed_in.national_id, now_ms, since_ms).await?;
    crate::rules::uploads::check(&usage, length, &state.limits, now_ms).map_err(ApiError::UploadQuota)?;
    let upload = Upload {
        id: new_upload_id()?,
        owner: signed_in.national_id,
        length,
        offset: 0,
        sha256,
        filename,
        filetype: value("filetype"),
        expires_ms: now_ms + expiry_ms(&state),
        done: false,
        purpose: UploadPurpose::Attachment,
    };
    start(&state, &upload, &caller).await
}

/// tus creation's headers: the protocol's version and the length, at most `limit` bytes.
pub(crate) fn creation_length(headers: &HeaderMap, limit: u64) -> Result<u64, ApiError> {
    if !tus::speaks_tus(headers) {
        return Err(ApiError::TusVersionUnsupported);
    }
    if headers.contains_key("upload-defer-length") {
        return Err(ApiError::BadRequest("Upload-Defer-Length is not supported: send Upload-Length."));
    }
    let length = tus::number(headers, "upload-length")
        .ok_or(ApiError::BadRequest("Upload-Length is required (the file's size in bytes)."))?;
    if length == 0 {
        return Err(ApiError::FileNotAccepted(FileProblem::Empty));
    }
    if length > limit {
        return Err(ApiError::UploadTooLarge { size: length, limit });
    }
    Ok(length)
}

/// Makes the new upload's place and row; answers 201 with where to send its bytes (`Location`,
/// an absolute path) and until when.
pub(crate) async fn start(state: &AppState, upload: &Upload, caller: &Caller) -> Result<Response, ApiError> {
    state.blobs.create(&upload.id).await.map_err(anyhow::Error::from)?;
    state.store.create_upload(upload, caller).await?;
    let location = format!("{}/uploads/{}", masar_protocol::API_PREFIX, upload.id);
    Ok((
        StatusCode::CREATED,
        [
            (header::LOCATION.as_str(), header_value(&location)?),
            ("upload-expires", header_value(&tus::http_date(upload.expires_ms))?),
        ],
    )
        .into_response())
}

/// tus HEAD: where the upload stands (`Upload-Offset`), its length and expiry.
#[utoipa::path(head, path = "/v1/uploads/{id}", tag = "uploads", security(("access_token" = [])),
    params(("id" = String, Path, description = "The upload, as in `Location`")),
    responses(
        (status = 200, description = "`Upload-Offset`, `Upload-Length`, `Upload-Expires`"),
        (status = 404, description = "No such upload of this employee"),
        (status = 410, description = "Expired"),
    ))]
pub async fn head(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !tus::speaks_tus(&headers) {
        return Err(ApiError::TusVersionUnsupported);
    }
    let upload = state.store.upload(&id, &signed_in.national_id).await?.ok_or(ApiError::NotFound)?;
    if !upload.done && upload.expires_ms <= state.clock.now_ms() {
        drop_upload(&state, &upload.id).await?;
        return Err(ApiError::UploadGone);
    }
    Ok((
        StatusCode::OK,
        [
            ("upload-offset", HeaderValue::from(upload.offset)),
            ("upload-length", HeaderValue::from(upload.length)),
            ("upload-expires", header_value(&tus::http_date(upload.expires_ms))?),
            (header::CACHE_CONTROL.as_str(), HeaderValue::from_static("no-store")),
        ],
    )
        .into_response())
}

/// tus termination: the upload and its bytes go (a verified blob stays: it may be in use).
#[utoipa::path(delete, path = "/v1/uploads/{id}", tag = "uploads", security(("access_token" = [])),
    params(("id" = String, Path, description = "The upload")),
    responses((status = 204, description = "Ended"), (status = 404, description = "No such upload of this employee")))]
pub async fn terminate(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    if !tus::speaks_tus(&headers) {
        return Err(ApiError::TusVersionUnsupported);
    }
    let upload = state.store.upload(&id, &signed_in.national_id).await?.ok_or(ApiError::NotFound)?;
    drop_upload(&state, &upload.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes an upload's row and its partial bytes.
pub async fn drop_upload(state: &AppState, id: &str) -> Result<(), ApiError> {
    state.hashing.forget(id);
    state.store.remove_upload(id).await?;
    state.blobs.remove(id).await.map_err(anyhow::Error::from)?;
    Ok(())
}

/// Abandoned uploads go with their bytes (on each creation, and by the collector).
pub(crate) async fn sweep_expired(state: &AppState, now_ms: i64) {
    let expired = match state.store.expired_uploads(now_ms).await {
        Ok(ids) => ids,
        Err(error) => {
            tracing::warn!(error = %format!("{error:#}"), "cannot list expired uploads");
            return;
        }
    };
    for id in expired {
        if let Err(error) = drop_upload(state, &id).await {
            tracing::warn!(%error, "cannot remove an expired upload");
        }
    }
}

pub fn expiry_ms(state: &AppState) -> i64 {
    i64::try_from(state.upload_expiry.as_millis()).unwrap_or(i64::MAX / 2)
}

pub(crate) fn new_upload_id() -> Result<String, ApiError> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|error| anyhow::anyhow!("no randomness for an upload id: {error}"))?;
    Ok(hex::encode(bytes))
}

pub fn header_value(text: &str) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(text).map_err(|error| ApiError::Internal(error.into()))
}
