//! Where the browser comes back (RFC 8252 §7.3): a port of `127.0.0.1` the app listens on for
//! one sign-in, and only for a while. The first request that carries this sign-in's `state`
//! ends the wait; anything else (a favicon, a stale tab of an earlier sign-in, another program
//! guessing the port) is answered and ignored. The browser is shown a page in both languages
//! that says to go back to the app; the code in its address is useless without the app's PKCE
//! verifier and is not sent on by the page (no referrer, no script, nothing loaded).

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::page;
use crate::secret::SecretString;

/// The redirect URI's path.
pub const CALLBACK_PATH: &str = "/callback";
/// A browser connection that sends nothing for this long is closed.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);
/// After the answer, how long the page is given to reach the browser before the port closes.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

/// What the issuer sent the browser back with.
#[derive(Debug)]
pub enum Callback {
    /// Signed in: the authorization code, and `iss` when the issuer sends it (RFC 9207).
    Code { code: SecretString, issuer: Option<String> },
    /// The issuer or the employee ended the sign-in (`access_denied`, …).
    Refused { error: String },
}

#[derive(Debug, thiserror::Error)]
pub enum LoopbackError {
    #[error("the browser did not come back in time")]
    TimedOut,
    #[error("cannot listen on this machine's loopback address: {0}")]
    Io(#[from] std::io::Error),
}

/// A listening port waiting for one redirect.
#[derive(Debug)]
pub struct Loopback {
    listener: TcpListener,
    port: u16,
}

impl Loopback {
    /// Listens on a free port of `127.0.0.1` (never another address).
    pub async fn bind() -> Result<Self, LoopbackError> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        let port = listener.local_addr()?.port();
        Ok(Self { listener, port })
    }

    /// The redirect URI to give the issuer: `http://127.0.0.1:<port>/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Waits up to `within` for the redirect of the sign-in whose `state` this is.
    pub async fn wait(self, state: &str, within: Duration) -> Result<Callback, LoopbackError> {
        let (found, mut callbacks) = mpsc::channel::<Callback>(1);
        let state: Arc<str> = state.into();
        let mut connections = JoinSet::new();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            tokio::select! {
                Some(callback) = callbacks.recv() => {
                    // Let the page reach the browser before the port closes.
                    let _ = tokio::time::timeout(FLUSH_TIMEOUT, connections.join_all()).await;
                    return Ok(callback);
                }
                accepted = self.listener.accept() => {
                    match accepted {
                        Ok((stream, _)) => {
                            connections.spawn(serve(stream, Arc::clone(&state), found.clone()));
                        }
                        // A connection that failed before it was accepted: keep waiting.
                        Err(error) => tracing::debug!(%error, "a loopback connection failed"),
                    }
                }
                () = tokio::time::sleep_until(deadline) => return Err(LoopbackError::TimedOut),
            }
        }
    }
}

async fn serve(stream: TcpStream, state: Arc<str>, found: mpsc::Sender<Callback>) {
    let service = service_fn(move |request| {
        let answer = answer(&request, &state, &found);
        async move { Ok::<_, Infallible>(answer) }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(CONNECTION_TIMEOUT)
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    match tokio::time::timeout(CONNECTION_TIMEOUT, connection).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::debug!(%error, "a loopback connection ended badly"),
        Err(_) => tracing::debug!("a loopback connection was too slow"),
    }
}

/// The answer to one request; a redirect of this sign-in is passed on through `found`.
fn answer(request: &Request<Incoming>, state: &str, found: &mpsc::Sender<Callback>) -> Response<Full<Bytes>> {
    if request.method() != Method::GET || request.uri().path() != CALLBACK_PATH {
        return html(StatusCode::NOT_FOUND, page::not_here());
    }
    let query = request.uri().query().unwrap_or_default();
    let param = |name: &str| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.into_owned())
    };
    if param("state").as_deref() != Some(state) {
        return html(StatusCode::BAD_REQUEST, page::not_this_sign_in());
    }
    let (callback, body) = match (param("code"), param("error")) {
        (Some(code), None) => {
            (Callback::Code { code: SecretString::from(code), issuer: param("iss") }, page::signed_in())
        }
        (_, Some(error)) => (Callback::Refused { error }, page::refused()),
        (None, None) => return html(StatusCode::BAD_REQUEST, page::not_this_sign_in()),
    };
    // Only the first redirect counts; a second (a reload) is shown the same page.
    let _ = found.try_send(callback);
    html(StatusCode::OK, body)
}

fn html(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, hyper::header::HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(CACHE_CONTROL, hyper::header::HeaderValue::from_static("no-store"));
    headers.insert(REFERRER_POLICY, hyper::header::HeaderValue::from_static("no-referrer"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        hyper::header::HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(url: &str) -> (u16, String) {
        let response = reqwest::get(url).await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    #[tokio::test]
    async fn the_redirect_of_this_sign_in_ends_the_wait_and_others_are_ignored() {
        let loopback = Loopback::bind().await.unwrap();
        let uri = loopback.redirect_uri();
        assert!(uri.starts_with("http://127.0.0.1:") && uri.ends_with("/callback"), "{uri}");
        let waiting = tokio::spawn(loopback.wait("the-state", Duration::from_secs(30)));
        let base = uri.trim_end_matches(CALLBACK_PATH).to_owned();

        let (status, page) = get(&format!("{base}/favicon.ico")).await;
        assert_eq!(status, 404, "{page}");
        let (status, page) = get(&format!("{uri}?code=stolen&state=another")).await;
        assert_eq!(status, 400);
        assert!(page.contains("لا تخص") && page.contains("does not belong"), "{page}");
        let (status, _) = get(&format!("{uri}?code=no-state")).await;
        assert_eq!(status, 400);
        assert!(!waiting.is_finished(), "still waiting for this sign-in's redirect");

        let (status, page) = get(&format!("{uri}?code=the-code&state=the-state&iss=https%3A%2F%2Fsso")).await;
        assert_eq!(status, 200);
        assert!(page.contains(r#"<html lang="ar" dir="rtl">"#), "{page}");
        assert!(page.contains("ارجع إلى تطبيق مسار") && page.contains("return to the Masar app"), "{page}");
        match waiting.await.unwrap().unwrap() {
            Callback::Code { code, issuer } => {
                use secrecy::ExposeSecret;
                assert_eq!(code.expose_secret(), "the-code");
                assert_eq!(issuer.as_deref(), Some("https://sso"));
            }
            Callback::Refused { error } => panic!("refused: {error}"),
        }
        assert!(reqwest::get(&uri).await.is_err(), "the port is closed once the sign-in came back");
    }

    #[tokio::test]
    async fn a_refusal_comes_back_as_such_with_its_page() {
        let loopback = Loopback::bind().await.unwrap();
        let uri = loopback.redirect_uri();
        let waiting = tokio::spawn(loopback.wait("s", Duration::from_secs(30)));
        let response = reqwest::get(format!("{uri}?error=access_denied&state=s")).await.unwrap();
        let headers = response.headers().clone();
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(headers["cache-control"], "no-store");
        assert!(headers["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
        let page = response.text().await.unwrap();
        assert!(page.contains("لم يكتمل") && page.contains("not completed"), "{page}");
        assert!(
            matches!(waiting.await.unwrap().unwrap(), Callback::Refused { error } if error == "access_denied")
        );
    }

    #[tokio::test]
    async fn nobody_coming_back_is_a_timeout() {
        let loopback = Loopback::bind().await.unwrap();
        let outcome = loopback.wait("s", Duration::from_millis(300)).await;
        assert!(matches!(outcome, Err(LoopbackError::TimedOut)));
    }
}
