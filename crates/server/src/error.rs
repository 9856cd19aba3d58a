//! Errors of the HTTP layer: each maps to a status, a stable code and an Arabic message.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use masar_protocol::{ApiErrorBody, ApiErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("not signed in")]
    Unauthenticated,
    #[error("not found")]
    NotFound,
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, ApiErrorCode, &'static str) {
        match self {
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, ApiErrorCode::BadRequest, message),
            Self::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                ApiErrorCode::Unauthenticated,
                "يلزم تسجيل الدخول للوصول إلى هذه البيانات.",
            ),
            Self::NotFound => {
                (StatusCode::NOT_FOUND, ApiErrorCode::NotFound, "لم يتم العثور على البيانات المطلوبة.")
            }
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ApiErrorCode::Internal,
                "حدث خطأ في الخادم. حاول مرة أخرى لاحقًا.",
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        if let Self::Internal(error) = &self {
            tracing::error!(error = %format!("{error:#}"), "request failed");
        }
        let body = ApiErrorBody { code, message: message.to_owned() };
        (status, Json(body)).into_response()
    }
}
