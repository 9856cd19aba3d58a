//! JSON request bodies. axum's own extractor answers a malformed body in plain text with the
//! parser's words (line, column, the field it expected): details a caller should not get, in a
//! shape the API does not describe. Here every rejection is the API's error body, with a stable
//! code and a message in Arabic.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body of type `T`; refused as [`ApiError::BadRequest`] (400 `bad_request`), or
/// [`ApiError::WrongContentType`] (415) when it does not say it is JSON.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(refusal(&rejection)),
        }
    }
}

/// A query string of type `T`; a malformed one is refused as [`ApiError::BadRequest`], not in
/// axum's plain text.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryParams<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for QueryParams<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(_) => {
                Err(ApiError::BadRequest("معايير البحث في العنوان ليست بالصيغة التي تقبلها هذه الخدمة."))
            }
        }
    }
}

fn refusal(rejection: &JsonRejection) -> ApiError {
    tracing::debug!(status = %rejection.status(), "a request body was refused");
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::WrongContentType("أرسل البيانات بصيغة JSON (Content-Type: application/json).")
        }
        _ => ApiError::BadRequest("البيانات المرسلة ليست بالصيغة التي تقبلها هذه الخدمة."),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;

    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Decision {
        #[expect(dead_code, reason = "only parsed")]
        read_version: u64,
    }

    async fn refused(content_type: Option<&str>, body: &str) -> (StatusCode, String, String) {
        let mut request = Request::builder().method("POST").uri("/");
        if let Some(kind) = content_type {
            request = request.header(header::CONTENT_TYPE, kind);
        }
        let request = request.body(Body::from(body.to_owned())).unwrap();
        let response = JsonBody::<Decision>::from_request(request, &()).await.unwrap_err().into_response();
        let status = response.status();
        let kind = response.headers()[header::CONTENT_TYPE].to_str().unwrap().to_owned();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        (status, kind, String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn a_malformed_body_gets_the_api_s_error_without_the_parser_s_words() {
        for body in ["{", "{\"read_version\": \"seven\"}", "[]", "{\"other\": 1}"] {
            let (status, kind, text) = refused(Some("application/json"), body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert!(kind.starts_with("application/json"), "{body}: {kind}");
            let error: masar_protocol::ApiErrorBody = serde_json::from_str(&text).unwrap();
            assert_eq!(error.code, masar_protocol::ApiErrorCode::BadRequest);
            for detail in ["line", "column", "expected", "read_version", "EOF", "invalid type"] {
                assert!(!text.contains(detail), "{body}: the answer names {detail:?}: {text}");
            }
        }
        let (status, kind, _) = refused(None, "{\"read_version\": 1}").await;
        assert_eq!(
            (status, kind.starts_with("application/json")),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, true)
        );
    }
}
