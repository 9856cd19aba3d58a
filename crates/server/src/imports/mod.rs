//! Sealed exports of unsent work (see `masar_protocol::sealed`): the server's recipient key, the
//! workstations' device keys, and the two doors a file comes in by — the employee at another
//! workstation (`POST /v1/imports`) and an HR officer of the employee's entity
//! (`POST /v1/hr/imports`). One rule behind both: the file must be whole, for this server,
//! signed by a device registered to the employee it belongs to, and recent; then each mutation is
//! applied exactly once under its original client id and id.

mod apply;
mod decode;
pub mod resumable;

use age::secrecy::ExposeSecret;
use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use masar_protocol::imports::{DeviceKey, ExportRecipient, ImportReport};

pub use apply::Door;
pub use resumable::MAX_IMPORT_BYTES;

use crate::AppState;
use crate::auth::{HrOfficer, SignedIn};
use crate::error::ApiError;
use crate::extract::QueryParams;
use crate::storage::{Caller, UploadPurpose};

/// `?upload=<id>`: import a sealed export sent before as a (resumable) upload instead of the body.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FromUpload {
    /// An upload created at `/v1/imports/uploads` by the same person, whole.
    upload: Option<String>,
}

/// The bytes to import: the request's body, or the whole upload it names (the person's own).
async fn source(
    state: &AppState,
    who: &masar_protocol::NationalId,
    from: FromUpload,
    body: Body,
) -> Result<apply::Source, ApiError> {
    let Some(id) = from.upload else { return Ok(apply::Source::Body(body)) };
    let upload = state.store.upload(&id, who).await?.ok_or(ApiError::NotFound)?;
    if upload.purpose != UploadPurpose::Import {
        return Err(ApiError::BadRequest("هذا الرفع ملف مرفق، لا ملف تصدير مختوم."));
    }
    if upload.offset < upload.length {
        return Err(ApiError::UploadOffsetMismatch(upload.offset));
    }
    let bytes = state.blobs.read_upload(&upload.id).await.map_err(anyhow::Error::from)?;
    Ok(apply::Source::Upload { id: upload.id, bytes })
}

/// Days after it was written that a sealed export is still imported, unless the operator says.
pub const DEFAULT_MAX_AGE_DAYS: u32 = 30;

/// The routes. Outside the API's request timeout: a file of a few gigabytes takes its time.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/exports/recipient", get(recipient))
        .route("/me/devices", put(register_device))
        .route("/imports", post(import_mine))
        // tus clients are often given the creation URL with a trailing slash.
        .route("/imports/uploads", post(resumable::create).layer(crate::uploads::tus_header()))
        .route("/imports/uploads/", post(resumable::create).layer(crate::uploads::tus_header()))
        .route("/hr/imports", post(import_for_employee))
}

/// The server's age identity, made by the first node that needs it and shared through the store.
pub async fn identity(state: &AppState) -> Result<age::x25519::Identity, ApiError> {
    let candidate = age::x25519::Identity::generate();
    let kept =
        state.store.export_identity(candidate.to_string().expose_secret(), state.clock.now_ms()).await?;
    kept.parse::<age::x25519::Identity>()
        .map_err(|error| anyhow::anyhow!("the stored export identity does not parse: {error}").into())
}

/// The key sealed exports are encrypted to. Public: it opens nothing.
#[utoipa::path(get, path = "/v1/exports/recipient", tag = "sync",
    responses((status = 200, description = "The server's age X25519 recipient (`age1…`)", body = ExportRecipient)))]
pub async fn recipient(State(state): State<AppState>) -> Result<Json<ExportRecipient>, ApiError> {
    Ok(Json(ExportRecipient { recipient: identity(&state).await?.to_public().to_string() }))
}

/// Registers this workstation's device key for the signed-in employee (again is fine).
#[utoipa::path(put, path = "/v1/me/devices", tag = "sync", security(("access_token" = [])), request_body = DeviceKey,
    responses(
        (status = 204, description = "Registered: exports it signs are this employee's"),
        (status = 400, description = "Not an Ed25519 public key in hex", body = masar_protocol::ApiErrorBody),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn register_device(
    State(state): State<AppState>,
    caller: Caller,
    signed_in: SignedIn,
    crate::extract::JsonBody(key): crate::extract::JsonBody<DeviceKey>,
) -> Result<StatusCode, ApiError> {
    let key = masar_protocol::sealed::parse_device_key(&key.public_key)
        .ok_or(ApiError::BadRequest("مفتاح الجهاز غير صالح: ٦٤ خانة ست عشرية لمفتاح Ed25519."))?;
    let key = masar_protocol::sealed::device_key_hex(&key);
    state.store.register_device(&signed_in.national_id, &key, caller.now_ms).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The employee's door: their own sealed export, brought to another workstation.
#[utoipa::path(post, path = "/v1/imports", tag = "sync", security(("access_token" = [])), params(FromUpload),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "A sealed export (`.masar`), or nothing with `?upload=`"),
    responses(
        (status = 200, description = "Each item applied, already applied before, refused with the reasons, or a conflict", body = ImportReport),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
        (status = 403, description = "Another employee's file, or signed by a key not registered for its employee (`import_problem`)", body = masar_protocol::ApiErrorBody),
        (status = 400, description = "`?upload=` names an attachment's upload, or the query is malformed", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "`?upload=` names no upload of this person", body = masar_protocol::ApiErrorBody),
        (status = 409, description = "`?upload=` names an upload not yet whole (`Upload-Offset` says where it stands)", body = masar_protocol::ApiErrorBody),
        (status = 422, description = "Not a sealed export, for another server, damaged or altered, badly signed, too old, or with a file too large (`import_problem`); nothing applied", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn import_mine(
    State(state): State<AppState>,
    caller: Caller,
    signed_in: SignedIn,
    QueryParams(from): QueryParams<FromUpload>,
    body: Body,
) -> Result<Json<ImportReport>, ApiError> {
    let source = source(&state, &signed_in.national_id, from, body).await?;
    Ok(Json(apply::import(&state, Door::Employee(signed_in.national_id), &caller, source).await?))
}

/// HR's door: an employee's sealed export brought to the HR office (audited).
#[utoipa::path(post, path = "/v1/hr/imports", tag = "hr", security(("access_token" = [])), params(FromUpload),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "A sealed export (`.masar`), or nothing with `?upload=`"),
    responses(
        (status = 200, description = "Each item applied, already applied before, refused with the reasons, or a conflict", body = ImportReport),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
        (status = 403, description = "Not an HR officer, an employee of another entity, or signed by a key not registered for its employee", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "The file's employee has no record here", body = masar_protocol::ApiErrorBody),
        (status = 400, description = "`?upload=` names an attachment's upload, or the query is malformed", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "`?upload=` names no upload of this person", body = masar_protocol::ApiErrorBody),
        (status = 409, description = "`?upload=` names an upload not yet whole (`Upload-Offset` says where it stands)", body = masar_protocol::ApiErrorBody),
        (status = 422, description = "Not a sealed export, for another server, damaged or altered, badly signed, too old, or with a file too large (`import_problem`); nothing applied", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn import_for_employee(
    State(state): State<AppState>,
    caller: Caller,
    HrOfficer(officer): HrOfficer,
    QueryParams(from): QueryParams<FromUpload>,
    body: Body,
) -> Result<Json<ImportReport>, ApiError> {
    let source = source(&state, &officer, from, body).await?;
    Ok(Json(apply::import(&state, Door::Hr(officer), &caller, source).await?))
}
