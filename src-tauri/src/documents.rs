//! `masar-document://localhost/{own|review}%2F{sha256}`: an attached document for the webview
//! (the preview in the employee's form, the HR officer's viewer). It is decrypted from the
//! attachment store, or fetched from the server, into memory and answered from there: never
//! written to this workstation's disk, and `Cache-Control: no-store`. A failure answers with the
//! `UiError` as JSON, for the window to say what happened.

use masar_core::ErrorCode;
use masar_core::UiError;
use masar_core::qualifications::Qualifications;
use masar_core::review::Review;
use tauri::http::{Response, StatusCode, header};
use tauri::{AppHandle, Manager, Runtime};

pub const SCHEME: &str = "masar-document";

/// Where the window's page comes from (Linux and macOS; Windows and Android).
const APP_ORIGINS: &[&str] = &["tauri://localhost", "http://tauri.localhost", "https://tauri.localhost"];

/// Registers the scheme on the app being built.
pub fn register<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.register_asynchronous_uri_scheme_protocol(SCHEME, |ctx, request, responder| {
        let app = ctx.app_handle().clone();
        let path = request.uri().path().to_owned();
        let origin = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_owned);
        tauri::async_runtime::spawn(async move {
            let mut response = answer(&app, &path).await;
            // The window's own page fetches it from its origin (another scheme): let only that
            // origin read the answer.
            if let Some(origin) = origin.filter(|o| APP_ORIGINS.contains(&o.as_str()))
                && let Ok(value) = tauri::http::HeaderValue::from_str(&origin)
            {
                response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
            }
            responder.respond(response);
        });
    })
}

async fn answer<R: Runtime>(app: &AppHandle<R>, path: &str) -> Response<Vec<u8>> {
    let decoded = percent_encoding::percent_decode_str(path.trim_start_matches('/')).decode_utf8_lossy();
    let document = match decoded.split_once('/') {
        Some(("own", sha256)) => {
            app.state::<Qualifications>().document(sha256.to_owned()).await.map_err(UiError::from)
        }
        Some(("review", sha256)) => {
            app.state::<Review>().document(sha256.to_owned()).await.map_err(UiError::from)
        }
        _ => Err(UiError::new(ErrorCode::NotFound)),
    };
    let built = match document {
        Ok(document) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, document.kind.mime())
            .header(header::CACHE_CONTROL, "no-store")
            .body(document.bytes.to_vec()),
        Err(error) => Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CACHE_CONTROL, "no-store")
            .body(serde_json::to_vec(&error).unwrap_or_default()),
    };
    built.unwrap_or_else(|error| {
        tracing::warn!(%error, "cannot answer a document request");
        let mut response = Response::new(Vec::new());
        *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        response
    })
}
