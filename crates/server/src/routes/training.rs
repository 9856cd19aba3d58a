//! The training administration's routes (HR officers only): the applications for training and
//! scholarships, and the decision on each (accepted within the seats, or declined with the reason).

use axum::Json;
use axum::extract::{Path, State};
use masar_protocol::training::{Applicant, ApplicantFilter, ApplicationDecision, ApplicationRecord};

use crate::AppState;
use crate::auth::HrOfficer;
use crate::error::ApiError;
use crate::extract::{JsonBody, QueryParams};
use crate::rules::hr_authority::{Act, may};
use crate::storage::{Caller, Decided};

/// Applications for training courses and scholarships, oldest first, with each applicant's rank.
#[utoipa::path(get, path = "/v1/hr/applications", tag = "hr", security(("access_token" = [])),
    params(ApplicantFilter),
    responses(
        (status = 200, description = "Oldest first", body = Vec<Applicant>),
        (status = 403, description = "Not an HR officer", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn applicants(
    State(state): State<AppState>,
    HrOfficer(officer): HrOfficer,
    QueryParams(filter): QueryParams<ApplicantFilter>,
) -> Result<Json<Vec<Applicant>>, ApiError> {
    let mut applicants = state.store.applicants(&filter).await?;
    // Only those the officer may decide: their own entity's, never their own application.
    let entity = state.store.record(&officer).await?.map(|record| record.profile.entity).unwrap_or_default();
    applicants.retain(|a| may(Act::Change, &officer, &entity, &a.national_id, &a.entity).is_ok());
    Ok(Json(applicants))
}

/// Accept an application (while the opportunity has seats), or decline it with the reason; the
/// employee sees it on the next pull.
#[utoipa::path(post, path = "/v1/hr/applications/{id}/decision", tag = "hr", security(("access_token" = [])),
    params(("id" = String, Path, description = "The application")),
    request_body = ApplicationDecision,
    responses(
        (status = 200, description = "Decided", body = ApplicationRecord),
        (status = 400, description = "A decline without its reason (or over 500 characters)", body = masar_protocol::ApiErrorBody),
        (status = 403, description = "Not an HR officer, an applicant of another entity, or the officer's own application", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "No such application", body = masar_protocol::ApiErrorBody),
        (status = 409, description = "Decided already, or every seat is taken", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn decide_application(
    State(state): State<AppState>,
    caller: Caller,
    HrOfficer(officer): HrOfficer,
    Path(id): Path<String>,
    JsonBody(decision): JsonBody<ApplicationDecision>,
) -> Result<Json<ApplicationRecord>, ApiError> {
    match state.store.decide_application(&officer, &id, &decision, &caller).await? {
        Decided::Done(application) => Ok(Json(*application)),
        Decided::Missing => Err(ApiError::NotFound),
        Decided::AlreadyDecided(_) => Err(ApiError::AlreadyDecided),
        Decided::ReasonRequired => Err(ApiError::ReasonRequired),
        Decided::NoSeats => Err(ApiError::NoSeats),
        Decided::Refused(refusal) => Err(refusal.into()),
        Decided::ChangedSinceRead { .. } => {
            Err(ApiError::Internal(anyhow::anyhow!("an application's decision names no version")))
        }
    }
}
