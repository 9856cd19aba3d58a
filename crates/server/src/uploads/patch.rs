//! tus PATCH: bytes at `Upload-Offset`, streamed to disk (never held whole in memory), checked
//! against `Upload-Checksum` when one is sent, fsynced, then counted. The last byte makes the
//! server hash and inspect the whole file before it becomes a blob.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use masar_protocol::NationalId;
use masar_protocol::attachments::{FileProblem, SNIFF_BYTES, sniff};
use masar_protocol::imports::ImportProblem;

use super::handlers::{drop_upload, expiry_ms, header_value};
use super::{IDLE, LEASE, tus};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::ApiError;
use crate::storage::{Blob, Caller, Lease, Upload, UploadPurpose};

/// tus PATCH.
#[utoipa::path(patch, path = "/v1/uploads/{id}", tag = "uploads", security(("access_token" = [])),
    params(
        ("id" = String, Path, description = "The upload"),
        ("Upload-Offset" = u64, Header, description = "Where these bytes start: the offset HEAD gave"),
        ("Upload-Checksum" = Option<String>, Header, description = "`sha256 <base64>` or `sha1 <base64>` of this chunk"),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
        (status = 204, description = "Stored; `Upload-Offset` is the new offset"),
        (status = 404, description = "No such upload of this employee"),
        (status = 409, description = "`Upload-Offset` is not where the upload stands", body = masar_protocol::ApiErrorBody),
        (status = 410, description = "Expired", body = masar_protocol::ApiErrorBody),
        (status = 413, description = "More bytes than `Upload-Length`", body = masar_protocol::ApiErrorBody),
        (status = 415, description = "Not `application/offset+octet-stream`, or not a document we accept", body = masar_protocol::ApiErrorBody),
        (status = 422, description = "A sealed export's upload (`/v1/imports/uploads`) that does not begin as one (`import_problem`)", body = masar_protocol::ApiErrorBody),
        (status = 423, description = "Another PATCH of this upload is running", body = masar_protocol::ApiErrorBody),
        (status = 460, description = "The chunk's checksum, or the whole file's SHA-256, does not match", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    if !tus::speaks_tus(&headers) {
        return Err(ApiError::TusVersionUnsupported);
    }
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !content_type.starts_with(tus::OFFSET_CONTENT_TYPE) {
        return Err(ApiError::WrongContentType("PATCH needs Content-Type: application/offset+octet-stream."));
    }
    let offset = tus::number(&headers, "upload-offset")
        .ok_or(ApiError::BadRequest("Upload-Offset is required (where these bytes start)."))?;
    let checksum = match headers.get("upload-checksum").map(|v| v.to_str().unwrap_or_default()) {
        None => None,
        Some(text) => Some(tus::Checksum::parse(text).map_err(|_| {
            ApiError::BadRequest("Upload-Checksum must be `sha1 <base64>` or `sha256 <base64>`.")
        })?),
    };

    let now_ms = caller.now_ms;
    let lease_ms = i64::try_from(LEASE.as_millis()).unwrap_or(i64::MAX / 2);
    let upload =
        match state.store.lease_upload(&id, &signed_in.national_id, now_ms, now_ms + lease_ms).await? {
            Lease::Taken(upload) => upload,
            Lease::Busy => return Err(ApiError::UploadBusy),
            Lease::Missing => return Err(ApiError::NotFound),
            Lease::Expired => {
                drop_upload(&state, &id).await?;
                return Err(ApiError::UploadGone);
            }
        };
    let result = write_chunk(&state, &upload, offset, checksum, body, &caller, &signed_in.national_id).await;
    match result {
        Ok(new_offset) => Ok((
            StatusCode::NO_CONTENT,
            [
                ("upload-offset", HeaderValue::from(new_offset)),
                ("upload-expires", header_value(&tus::http_date(state.clock.now_ms() + expiry_ms(&state)))?),
            ],
        )
            .into_response()),
        Err(error) => {
            // The upload goes on where it stood (a refused file is already removed).
            if !matches!(
                error,
                ApiError::FileNotAccepted(_) | ApiError::FileHashMismatch | ApiError::ImportRefused(_)
            ) {
                let _ = state.store.advance_upload(&upload.id, upload.offset, upload.expires_ms).await;
            }
            Err(error)
        }
    }
}

/// Writes one PATCH's bytes; returns the new offset (the upload's length once it is a blob).
async fn write_chunk(
    state: &AppState,
    upload: &Upload,
    offset: u64,
    mut checksum: Option<tus::Checksum>,
    body: Body,
    caller: &Caller,
    owner: &NationalId,
) -> Result<u64, ApiError> {
    if upload.done {
        // The answer to the last chunk was lost and the client asks again: nothing to add.
        return if offset == upload.length {
            Ok(upload.length)
        } else {
            Err(ApiError::UploadOffsetMismatch(upload.length))
        };
    }
    if offset != upload.offset {
        return Err(ApiError::UploadOffsetMismatch(upload.offset));
    }
    let io = |error: std::io::Error| ApiError::Internal(error.into());
    let mut file = state.blobs.open_at(&upload.id, offset).await.map_err(io)?;
    // The whole file's hash goes on from where this node left it (a sealed export's is checked
    // by its import instead).
    let mut whole = match upload.purpose {
        UploadPurpose::Attachment => state.hashing.take(&upload.id, offset),
        UploadPurpose::Import => None,
    };
    let mut written = offset;
    // The first bytes say what the file is: a program is refused before the rest is sent.
    let mut head = Vec::new();
    let mut sniffed = offset > 0;
    let must_sniff = SNIFF_BYTES.min(usize::try_from(upload.length).unwrap_or(SNIFF_BYTES));
    let mut body = body;
    let mut ended_early = false;
    loop {
        let frame = match tokio::time::timeout(IDLE, body.frame()).await {
            Ok(Some(Ok(frame))) => frame,
            Ok(None) => break,
            // The client went away or stalled: keep what arrived (tus core), unless a checksum
            // was promised for the whole chunk.
            Ok(Some(Err(_))) | Err(_) => {
                ended_early = true;
                break;
            }
        };
        let Ok(bytes) = frame.into_data() else { continue };
        if written + bytes.len() as u64 > upload.length {
            state.blobs.cut(&upload.id, offset).await.map_err(io)?;
            return Err(ApiError::UploadTooLarge {
                size: written + bytes.len() as u64,
                limit: upload.length,
            });
        }
        if !sniffed {
            head.extend(bytes.iter().take(must_sniff.saturating_sub(head.len())));
            if head.len() >= must_sniff {
                sniffed = true;
                let refusal = match upload.purpose {
                    UploadPurpose::Attachment if sniff(&head).is_none() => {
                        Some(ApiError::FileNotAccepted(FileProblem::NotADocument))
                    }
                    UploadPurpose::Import if !masar_protocol::sealed::may_be_sealed(&head) => {
                        Some(ApiError::ImportRefused(ImportProblem::NotSealed))
                    }
                    _ => None,
                };
                if let Some(refusal) = refusal {
                    drop(file);
                    drop_upload(state, &upload.id).await?;
                    return Err(refusal);
                }
            }
        }
        if let Some(checksum) = checksum.as_mut() {
            checksum.update(&bytes);
        }
        if let Some(whole) = whole.as_mut() {
            sha2::Digest::update(whole, &bytes);
        }
        file.write(&bytes).await.map_err(io)?;
        written += bytes.len() as u64;
    }
    if let Some(checksum) = checksum
        && (ended_early || !checksum.matches())
    {
        drop(file);
        state.blobs.cut(&upload.id, offset).await.map_err(io)?;
        return Err(if ended_early {
            ApiError::UploadOffsetMismatch(offset)
        } else {
            ApiError::ChecksumMismatch
        });
    }
    file.finish().await.map_err(io)?;
    metrics::counter!(crate::ops::metrics::UPLOAD_BYTES).increment(written - offset);
    if written < upload.length {
        let expires = state.clock.now_ms() + expiry_ms(state);
        state.store.advance_upload(&upload.id, written, expires).await?;
        if let Some(whole) = whole {
            state.hashing.keep(&upload.id, written, whole);
        }
        return Ok(written);
    }
    let hashed = whole.map(|whole| hex::encode(sha2::Digest::finalize(whole)));
    finish(state, upload, caller, owner, hashed).await?;
    Ok(upload.length)
}

/// The last byte arrived: the server's own hash and inspection decide whether it is a blob (a
/// sealed export waits whole for its import, which checks every byte of it).
async fn finish(
    state: &AppState,
    upload: &Upload,
    caller: &Caller,
    owner: &NationalId,
    hashed: Option<String>,
) -> Result<(), ApiError> {
    if upload.purpose == UploadPurpose::Import {
        let expires = state.clock.now_ms() + expiry_ms(state);
        state.store.advance_upload(&upload.id, upload.length, expires).await?;
        return Ok(());
    }
    let (hash, kind) = state
        .blobs
        .verify(&upload.id, upload.length, state.limits.clone(), hashed)
        .await
        .map_err(anyhow::Error::from)?;
    let verified = |outcome: &'static str| {
        metrics::counter!(crate::ops::metrics::UPLOAD_VERIFICATIONS, "outcome" => outcome).increment(1);
    };
    if hash != upload.sha256 {
        verified("hash_mismatch");
        tracing::info!(employee = %owner.masked(), "an upload's bytes do not have the declared SHA-256");
        drop_upload(state, &upload.id).await?;
        return Err(ApiError::FileHashMismatch);
    }
    let kind = match kind {
        Ok(kind) => kind,
        Err(problem) => {
            verified("refused");
            drop_upload(state, &upload.id).await?;
            return Err(ApiError::FileNotAccepted(problem));
        }
    };
    verified("blob");
    state.blobs.promote(&upload.id, &hash).await.map_err(anyhow::Error::from)?;
    let blob = Blob { sha256: hash, size: upload.length, kind };
    state.store.complete_upload(&upload.id, &blob, caller).await?;
    Ok(())
}
