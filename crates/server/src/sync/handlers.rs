use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use masar_protocol::sync::{PullRequest, PullResponse, PushRequest, PushResponse};

use super::push::{PushError, push};
use super::{DEFAULT_PULL, MAX_PULL, MAX_PUSH, pull};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::ApiError;

fn valid_client_id(id: &str) -> bool {
    (16..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

pub async fn push_handler(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    SignedIn(employee): SignedIn,
    Json(request): Json<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if !valid_client_id(&request.client_id) {
        return Err(ApiError::BadRequest("معرّف الجهاز غير صالح."));
    }
    if request.mutations.len() > MAX_PUSH {
        return Err(ApiError::BadRequest("عدد التعديلات في الطلب الواحد أكبر من المسموح."));
    }
    let now = state.clock.now_ms();
    let from = client.ip().to_string();
    let results = state
        .db
        .call(move |conn| match push(conn, &employee, &request.client_id, &request.mutations, now, &from) {
            Ok(results) => Ok(Ok(results)),
            Err(PushError::ForeignClient) => Ok(Err(ApiError::BadRequest("معرّف الجهاز مستخدم لموظف آخر."))),
            Err(PushError::Db(error)) => Err(error),
        })
        .await??;
    Ok(Json(PushResponse { results }))
}

pub async fn pull_handler(
    State(state): State<AppState>,
    SignedIn(employee): SignedIn,
    Json(request): Json<PullRequest>,
) -> Result<Json<PullResponse>, ApiError> {
    let limit = request.limit.unwrap_or(DEFAULT_PULL).clamp(1, MAX_PULL);
    let response = state.db.call(move |conn| pull::pull(conn, &employee, request.cursor, limit)).await?;
    Ok(Json(response))
}
