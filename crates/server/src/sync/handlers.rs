use axum::Json;
use axum::extract::State;
use masar_protocol::sync::{PullRequest, PullResponse, PushRequest, PushResponse};

use super::{DEFAULT_PULL, MAX_PULL, MAX_PUSH};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::storage::{Caller, PushError};

pub(crate) fn valid_client_id(id: &str) -> bool {
    (16..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[utoipa::path(post, path = "/v1/sync/push", tag = "sync", security(("access_token" = [])), request_body = PushRequest,
    responses(
        (status = 200, description = "One result per mutation, in order; each applied exactly once", body = PushResponse),
        (status = 400, description = "A bad client id or too many mutations", body = masar_protocol::ApiErrorBody),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn push_handler(
    State(state): State<AppState>,
    caller: Caller,
    signed_in: SignedIn,
    JsonBody(request): JsonBody<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if !valid_client_id(&request.client_id) {
        return Err(ApiError::BadRequest("معرّف الجهاز غير صالح."));
    }
    if request.mutations.len() > MAX_PUSH {
        return Err(ApiError::BadRequest("عدد التعديلات في الطلب الواحد أكبر من المسموح."));
    }
    let results = match state
        .store
        .push(&signed_in.national_id, &request.client_id, request.mutations, &caller)
        .await
    {
        Ok(results) => results,
        Err(PushError::ForeignClient) => return Err(ApiError::BadRequest("معرّف الجهاز مستخدم لموظف آخر.")),
        Err(PushError::Storage(error)) => return Err(error.into()),
    };
    crate::ops::metrics::pushed(&results);
    Ok(Json(PushResponse { results }))
}

#[utoipa::path(post, path = "/v1/sync/pull", tag = "sync", security(("access_token" = [])), request_body = PullRequest,
    responses(
        (status = 200, description = "Changes after the cursor, in server order", body = PullResponse),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn pull_handler(
    State(state): State<AppState>,
    signed_in: SignedIn,
    JsonBody(request): JsonBody<PullRequest>,
) -> Result<Json<PullResponse>, ApiError> {
    let limit = request.limit.unwrap_or(DEFAULT_PULL).clamp(1, MAX_PULL);
    // Change numbers are BIGINTs in both stores: a cursor past them is past every change.
    let cursor = request.cursor.min(i64::MAX.unsigned_abs());
    let response = state.store.pull(&signed_in.national_id, cursor, limit).await?;
    Ok(Json(response))
}
