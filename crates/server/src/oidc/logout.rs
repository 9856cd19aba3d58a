//! The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0): the app sends the browser
//! here with the ID token it was given; the session that token names ends (its refresh tokens
//! are refused from then on), and the browser goes back to the app's registered post-logout URI
//! with its `state`, or sees the provider's page. An ID token that is not the provider's own
//! ends nothing and sends the browser nowhere.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::pages::{self, Lang};
use super::respond::{failed, page};
use crate::AppState;
use crate::rules::oidc::{LogoutAsker, post_logout_redirect};
use crate::storage::Caller;

/// The request's parameters (§2), by query or form.
#[derive(Default, Deserialize)]
pub struct LogoutParams {
    id_token_hint: Option<String>,
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
    ui_locales: Option<String>,
}

/// An ID token names a person and a session: never printed.
impl std::fmt::Debug for LogoutParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogoutParams").field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

/// `GET /oidc/logout`.
pub async fn by_query(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<LogoutParams>,
) -> Response {
    end_session(&state, &caller, params).await
}

/// `POST /oidc/logout` (a form, §2).
pub async fn by_form(
    State(state): State<AppState>,
    caller: Caller,
    Form(params): Form<LogoutParams>,
) -> Response {
    end_session(&state, &caller, params).await
}

async fn end_session(state: &AppState, caller: &Caller, params: LogoutParams) -> Response {
    let lang = Lang::parse(params.ui_locales.as_deref());
    let provider = &state.provider;
    let hint = match params.id_token_hint.as_deref() {
        Some(token) => match provider.read_id_token_hint(token, caller.now_ms).await {
            Ok(hint) => hint,
            Err(error) => return failed(lang, &error),
        },
        None => None,
    };
    let mut ended = false;
    if let Some(hint) = &hint
        && let Some(sid) = &hint.sid
    {
        match state.store.end_session(sid, &hint.national_id, caller).await {
            Ok(done) => ended = done,
            Err(error) => return failed(lang, &error),
        }
    }
    let asker = LogoutAsker {
        hinted_client: hint.as_ref().map(|hint| hint.client_id.as_str()),
        client_id: params.client_id.as_deref(),
    };
    let target = post_logout_redirect(asker, params.post_logout_redirect_uri.as_deref(), &provider.clients);
    match target.and_then(|uri| url::Url::parse(uri).ok()) {
        Some(mut target) => {
            if let Some(client_state) = &params.state {
                target.query_pairs_mut().append_pair("state", client_state);
            }
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(target.as_str()) {
                response.headers_mut().insert(LOCATION, location);
            }
            response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        None => page(StatusCode::OK, pages::signed_out(lang, ended), None),
    }
}
