//! A sealed export brought over a link that may drop: sent as a tus upload created at
//! `/v1/imports/uploads` (then HEAD and PATCH at the `Location` it answers, like any upload, so a
//! standard tus client resumes where it stopped), then imported by naming it:
//! `POST /v1/imports?upload=<id>` (or HR's door). The bytes are read once by the import and
//! removed, whatever became of it; an upload never imported expires like any other.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use masar_protocol::attachments::check_name;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::ApiError;
use crate::rules::uploads::QuotaUsed;
use crate::storage::{Caller, Upload, UploadPurpose};
use crate::uploads::handlers::{creation_length, expiry_ms, new_upload_id, start, sweep_expired};
use crate::uploads::tus;

/// The largest sealed export taken, and what one person may have waiting to be imported at once.
pub const MAX_IMPORT_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// What an import's upload declares as its hash: nothing (the column takes 64 hex digits). The
/// seal authenticates every byte of the file; the import checks it.
const NO_DECLARED_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// tus creation of a sealed export's upload: `Upload-Length` (at most 4 GiB), `Upload-Metadata`
/// optional (`filename`). Answers 201 with `Location` (where to HEAD and PATCH).
#[utoipa::path(post, path = "/v1/imports/uploads", tag = "sync", operation_id = "create_import_upload", security(("access_token" = [])),
    params(
        ("Tus-Resumable" = String, Header, description = "1.0.0"),
        ("Upload-Length" = u64, Header, description = "The sealed file's size in bytes"),
        ("Upload-Metadata" = Option<String>, Header, description = "`filename` (base64), optional"),
    ),
    responses(
        (status = 201, description = "Created; `Location` names the upload; import it with `?upload=<id>` once whole"),
        (status = 400, description = "Missing or malformed header, `Upload-Defer-Length`, or a file name with a path or hidden characters", body = masar_protocol::ApiErrorBody),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
        (status = 412, description = "Not tus 1.0.0", body = masar_protocol::ApiErrorBody),
        (status = 413, description = "Larger than a sealed export may be (4 GiB)", body = masar_protocol::ApiErrorBody),
        (status = 415, description = "An empty file", body = masar_protocol::ApiErrorBody),
        (status = 429, description = "This person's files waiting to be imported already take 4 GiB", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    signed_in: SignedIn,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let length = creation_length(&headers, MAX_IMPORT_BYTES)?;
    let filename = match headers.get("upload-metadata") {
        None => None,
        Some(value) => {
            let metadata =
                value.to_str().ok().and_then(tus::metadata).ok_or(ApiError::BadRequest(
                    "Upload-Metadata is malformed (key, space, base64 value).",
                ))?;
            metadata.into_iter().find(|(key, _)| key == "filename").map(|(_, name)| name)
        }
    };
    let filename = filename.unwrap_or_else(|| "export.masar".to_owned());
    check_name(&filename).map_err(ApiError::FileNameNotAccepted)?;

    let now_ms = caller.now_ms;
    sweep_expired(&state, now_ms).await;
    let usage = state.store.upload_usage(&signed_in.national_id, now_ms, now_ms).await?;
    if usage.importing.saturating_add(length) > MAX_IMPORT_BYTES {
        return Err(ApiError::UploadQuota(QuotaUsed::InFlight { limit: MAX_IMPORT_BYTES }));
    }
    let upload = Upload {
        id: new_upload_id()?,
        owner: signed_in.national_id,
        length,
        offset: 0,
        sha256: NO_DECLARED_HASH.to_owned(),
        filename,
        filetype: None,
        expires_ms: now_ms + expiry_ms(&state),
        done: false,
        purpose: UploadPurpose::Import,
    };
    start(&state, &upload, &caller).await
}
