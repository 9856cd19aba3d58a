//! The HTTP calls `openidconnect` makes (discovery, keys, token, revocation), over the app's
//! reqwest: no redirect is followed (a token request sent on to another address would carry the
//! code or the refresh token there), a bounded time and size, failures classified.

use std::time::Duration;

use openidconnect::{HttpRequest, HttpResponse};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// A discovery document, key set or token answer is a few KiB.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why a call to the issuer failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpFailure {
    /// No route, refused, timed out: the network.
    #[error("cannot reach the issuer: {0}")]
    Network(String),
    #[error("the issuer's answer cannot be read: {0}")]
    Answer(String),
}

pub fn client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .build()
}

/// One request as `openidconnect` asks for it.
pub async fn send(http: reqwest::Client, request: HttpRequest) -> Result<HttpResponse, HttpFailure> {
    let (parts, body) = request.into_parts();
    let mut answer = http
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(|e| HttpFailure::Network(e.to_string()))?;
    let mut response = openidconnect::http::Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        response = response.header(name, value);
    }
    let mut body = Vec::new();
    while let Some(chunk) = answer.chunk().await.map_err(|e| HttpFailure::Network(e.to_string()))? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(HttpFailure::Answer("larger than an issuer's answer can be".into()));
        }
        body.extend_from_slice(&chunk);
    }
    response.body(body).map_err(|e| HttpFailure::Answer(e.to_string()))
}
