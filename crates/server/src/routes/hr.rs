//! HR routes: only an HR officer's token opens them (an employee's gets 403).

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use masar_protocol::NationalId;
use masar_protocol::activity::ActivityEntry;
use masar_protocol::hr::EmploymentChange;
use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{Decision, QualificationRecord};
use masar_protocol::sync::{MutationBody, MutationOutcome};

use crate::AppState;
use crate::auth::HrOfficer;
use crate::error::ApiError;
use crate::extract::{JsonBody, QueryParams};
use crate::rules::activity::MAX_ENTRIES;
use crate::rules::hr_authority::{Act, may};
use crate::storage::{Caller, Decided, HrRead};

/// An employee's record, as HR sees it, its profile's version in `ETag` (what an edit of the
/// employment data names as `baseVersion`).
#[utoipa::path(get, path = "/v1/hr/employees/{national_id}/record", tag = "hr", security(("access_token" = [])),
    params(("national_id" = String, Path, description = "The employee's national ID")),
    responses(
        (status = 200, description = "The employee's record (the read is audited); `ETag` is the profile's version", body = masar_protocol::EmployeeRecord,
            headers(("etag" = String, description = "The profile's version, quoted"))),
        (status = 403, description = "Not an HR officer, or an employee of another entity", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "No such employee", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn employee_record(
    State(state): State<AppState>,
    caller: Caller,
    HrOfficer(officer): HrOfficer,
    Path(national_id): Path<String>,
) -> Result<Response, ApiError> {
    let id = NationalId::parse(&national_id).map_err(|_| ApiError::NotFound)?;
    let version = state.store.hr_open_record(&officer, &id, HrRead::Record, &caller).await??;
    let record = state.store.record(&id).await?.ok_or(ApiError::NotFound)?;
    Ok(([(header::ETAG, format!("\"{version}\""))], Json(record)).into_response())
}

/// An employee's trail (سجل النشاط), as HR reads it: who changed what and when, decisions and
/// their reasons, who opened the record, attempts refused (the read is audited).
#[utoipa::path(get, path = "/v1/hr/employees/{national_id}/activity", tag = "hr", security(("access_token" = [])),
    params(("national_id" = String, Path, description = "The employee's national ID")),
    responses(
        (status = 200, description = "The trail, newest first", body = Vec<ActivityEntry>),
        (status = 403, description = "Not an HR officer, or an employee of another entity", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "No such employee", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn employee_activity(
    State(state): State<AppState>,
    caller: Caller,
    HrOfficer(officer): HrOfficer,
    Path(national_id): Path<String>,
) -> Result<Json<Vec<ActivityEntry>>, ApiError> {
    let id = NationalId::parse(&national_id).map_err(|_| ApiError::NotFound)?;
    state.store.record(&id).await?.ok_or(ApiError::NotFound)?;
    state.store.hr_open_record(&officer, &id, HrRead::Trail, &caller).await??;
    Ok(Json(state.store.activity(&id, MAX_ENTRIES).await?))
}

/// HR changes an employee's employment data (entity, job title). A change made on the record
/// since `baseVersion` to the same field is a conflict, as for an employee's edit.
#[utoipa::path(put, path = "/v1/hr/employees/{national_id}/employment", tag = "hr", security(("access_token" = [])),
    params(("national_id" = String, Path, description = "The employee's national ID")),
    request_body = EmploymentChange,
    responses(
        (status = 200, description = "Applied, rejected (per field) or in conflict with a change since the base version", body = MutationOutcome),
        (status = 400, description = "No reason given (or over 500 characters)", body = masar_protocol::ApiErrorBody),
        (status = 403, description = "Not an HR officer, an employee of another entity, or the officer's own record", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "No such employee", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn update_employment(
    State(state): State<AppState>,
    caller: Caller,
    HrOfficer(officer): HrOfficer,
    Path(national_id): Path<String>,
    JsonBody(change): JsonBody<EmploymentChange>,
) -> Result<Json<MutationOutcome>, ApiError> {
    let id = NationalId::parse(&national_id).map_err(|_| ApiError::NotFound)?;
    let reason = masar_protocol::qualification::reason(&change.reason).ok_or(ApiError::ReasonRequired)?;
    let body = MutationBody::UpdateEmployment(change.update());
    state
        .store
        .hr_update(&officer, &id, change.base_version, body, reason, &caller)
        .await??
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// HR's review queue: the qualifications of the officer's entity (by default those under review),
/// with filters; never the officer's own.
#[utoipa::path(get, path = "/v1/hr/qualifications", tag = "hr", security(("access_token" = [])),
    params(ReviewFilter),
    responses(
        (status = 200, description = "Oldest first", body = Vec<ReviewItem>),
        (status = 403, description = "Not an HR officer", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn qualifications(
    State(state): State<AppState>,
    HrOfficer(officer): HrOfficer,
    QueryParams(filter): QueryParams<ReviewFilter>,
) -> Result<Json<Vec<ReviewItem>>, ApiError> {
    let entity = state.store.record(&officer).await?.map(|record| record.profile.entity).unwrap_or_default();
    let mut items = state.store.qualifications_for_review(&filter).await?;
    // The officer's entity only, and never their own requests (another officer decides those).
    items.retain(|item| {
        item.entity.trim() == entity.trim() && !entity.trim().is_empty() && item.national_id != officer
    });
    Ok(Json(items))
}

/// Verify a qualification, or reject it with the reason; the employee sees it on the next pull.
#[utoipa::path(post, path = "/v1/hr/qualifications/{id}/decision", tag = "hr", security(("access_token" = [])),
    params(("id" = String, Path, description = "The qualification")),
    request_body = Decision,
    responses(
        (status = 200, description = "Decided", body = QualificationRecord),
        (status = 400, description = "A rejection without its reason (or over 500 characters)", body = masar_protocol::ApiErrorBody),
        (status = 403, description = "Not an HR officer, an employee of another entity, or the officer's own request", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "No such qualification", body = masar_protocol::ApiErrorBody),
        (status = 409, description = "Decided already, or changed since the officer read it (`current_version`)", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    HrOfficer(officer): HrOfficer,
    Path(id): Path<String>,
    JsonBody(decision): JsonBody<Decision>,
) -> Result<Json<QualificationRecord>, ApiError> {
    match state.store.decide_qualification(&officer, &id, &decision, &caller).await? {
        Decided::Done(qualification) => Ok(Json(*qualification)),
        Decided::Missing => Err(ApiError::NotFound),
        Decided::AlreadyDecided(_) => Err(ApiError::AlreadyDecided),
        Decided::ReasonRequired => Err(ApiError::ReasonRequired),
        Decided::NoSeats => Err(ApiError::Internal(anyhow::anyhow!("seats do not limit a qualification"))),
        Decided::Refused(refusal) => Err(refusal.into()),
        Decided::ChangedSinceRead { current } => Err(ApiError::ChangedSinceRead { current }),
    }
}

/// An attached document, for the officer to open in the app.
#[utoipa::path(get, path = "/v1/hr/attachments/{sha256}", tag = "hr", security(("access_token" = [])),
    params(("sha256" = String, Path, description = "The file's SHA-256 (hex), as the qualification lists it")),
    responses(
        (status = 200, description = "The file, with its type", content_type = "application/octet-stream"),
        (status = 403, description = "Not an HR officer, or attached only by employees of other entities", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "No such file attached to a qualification", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn attachment(
    State(state): State<AppState>,
    HrOfficer(officer): HrOfficer,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    let (blob, owners) = state.store.attached_blob(&sha256).await?.ok_or(ApiError::NotFound)?;
    // A document is opened for a request of the officer's entity (the same file may be attached
    // by several employees: one of theirs is enough).
    let entity_of =
        |record: Option<masar_protocol::EmployeeRecord>| record.map(|r| r.profile.entity).unwrap_or_default();
    let entity = entity_of(state.store.record(&officer).await?);
    let mut allowed = false;
    for owner in &owners {
        let owner_entity = entity_of(state.store.record(owner).await?);
        allowed |= may(Act::Read, &officer, &entity, owner, &owner_entity).is_ok();
    }
    if !allowed {
        return Err(ApiError::OtherEntity);
    }
    let bytes = state.blobs.read(&blob.sha256).await.map_err(anyhow::Error::from)?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(bytes));
    Ok((
        [
            (header::CONTENT_TYPE, blob.kind.mime().to_owned()),
            (header::CONTENT_LENGTH, blob.size.to_string()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
