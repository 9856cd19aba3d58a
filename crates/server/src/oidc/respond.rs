//! What the provider's pages answer: a page with the headers every page carries, the pages of
//! each step with their problems in the employee's language, the redirect back to the client, and
//! the browser's cookie read back.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::pages::{self, Lang, Problem};
use crate::AppState;
use crate::error::ApiError;
use crate::rules::oidc::AuthorizationRequest;
use crate::rules::oidc_rows::StoredRequest;

pub(super) const COOKIE_NAME: &str = "masar_oidc";

/// A page, with the headers every page carries. `redirect_to` is the client's redirect URI when
/// the page's form may end in a redirect to it (the policy's `form-action` must allow it).
pub(crate) fn page(status: StatusCode, html: String, redirect_to: Option<&str>) -> Response {
    let form_action = redirect_to
        .and_then(|uri| url::Url::parse(uri).ok())
        .map(|url| format!(" {}", url.origin().ascii_serialization()))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self'; form-action 'self'{form_action}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    let mut response = (status, axum::response::Html(html)).into_response();
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    response
}

pub(super) fn failed(lang: Lang, error: &anyhow::Error) -> Response {
    tracing::error!(error = %format!("{error:#}"), "sign-in page failed");
    let html = pages::problem(
        lang,
        lang.pick("حدث خطأ", "Something went wrong"),
        lang.pick(
            "تعذّر إكمال تسجيل الدخول بسبب خطأ في الخادم. عد إلى التطبيق وابدأ تسجيل الدخول من جديد بعد قليل.",
            "Signing in could not be completed because of a server error. Go back to the app and start signing in again in a moment.",
        ),
    );
    page(StatusCode::INTERNAL_SERVER_ERROR, html, None)
}

pub(super) fn expired(lang: Lang) -> Response {
    let html = pages::problem(
        lang,
        lang.pick("انتهت صلاحية طلب الدخول", "This sign-in has expired"),
        lang.pick(
            "انتهت صلاحية طلب تسجيل الدخول هذا أو فُتح في متصفح آخر. عد إلى التطبيق واضغط «الدخول عبر النفاذ الوطني الموحد» من جديد.",
            "This sign-in request expired or was opened in another browser. Go back to the app and choose «Sign in with the National Single Sign-On» again.",
        ),
    );
    page(StatusCode::BAD_REQUEST, html, None)
}

/// The browser's secret from its cookie.
pub(super) fn browser_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| {
            *name == COOKIE_NAME && value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|(_, value)| value.to_owned())
}

/// What the employee reads for a refusal of the sign-in rules.
pub(super) fn problem_of(lang: Lang, error: &ApiError) -> Problem {
    match error {
        ApiError::RateLimited { retry_after } => Problem::general(match lang {
            Lang::Ar => format!("طلبات كثيرة من هذا الجهاز. انتظر {retry_after} ثانية ثم حاول مرة أخرى."),
            Lang::En => {
                format!("Too many requests from this device. Wait {retry_after} seconds and try again.")
            }
        }),
        ApiError::SmsUnavailable => Problem::general(lang.pick(
            "تعذّر إرسال رمز التحقق الآن. حاول مرة أخرى لاحقًا.",
            "The verification code could not be sent now. Try again later.",
        )),
        _ => Problem::general(
            lang.pick("تعذّر إكمال الطلب. حاول مرة أخرى.", "The request could not be completed. Try again."),
        ),
    }
}

/// A page that refuses a step for a reason of the server's carries that reason's status, as the
/// API's answer would: the rate limit a 429 with `Retry-After` (RFC 6585), an SMS gateway that
/// cannot send a 503. Any other refusal stays the page as it is (422: the form's problem).
pub(super) fn with_status_of(mut response: Response, error: &ApiError) -> Response {
    match error {
        ApiError::RateLimited { retry_after } => {
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        ApiError::SmsUnavailable => *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE,
        _ => {}
    }
    response
}

pub(super) fn locked(lang: Lang, retry_after: u32) -> Problem {
    let minutes = retry_after.div_ceil(60);
    Problem::general(match lang {
        Lang::Ar => {
            format!("تم إيقاف الدخول مؤقتًا بعد محاولات خاطئة متكررة. حاول مرة أخرى بعد {minutes} دقيقة.")
        }
        Lang::En => {
            format!("Sign-in is paused after repeated wrong attempts. Try again in {minutes} minutes.")
        }
    })
}

pub(super) fn wrong_credentials(lang: Lang) -> Problem {
    Problem::about(
        "national_id",
        lang.pick("رقم الهوية أو كلمة المرور غير صحيحة.", "The national ID or the password is not correct."),
    )
}

pub(super) fn sign_in_page(
    lang: Lang,
    request: &str,
    national_id: &str,
    problem: Option<&Problem>,
) -> Response {
    let status = if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    page(status, pages::sign_in(lang, request, national_id, problem), None)
}

pub(super) fn code_page(
    lang: Lang,
    stored: &StoredRequest,
    problem: Option<&Problem>,
    note: Option<&str>,
) -> Response {
    let status = if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    page(status, pages::code(lang, &stored.id, problem, note), Some(&stored.request.redirect_uri))
}

/// A redirect to the client (RFC 6749 §4.1.2, with RFC 9207's `iss`).
pub(super) fn back_to_client(
    state: &AppState,
    request: &AuthorizationRequest,
    answer: &[(&str, &str)],
) -> Response {
    let Ok(mut target) = url::Url::parse(&request.redirect_uri) else {
        return failed(Lang::Ar, &anyhow::anyhow!("a stored redirect URI does not parse"));
    };
    {
        let mut query = target.query_pairs_mut();
        for (name, value) in answer {
            query.append_pair(name, value);
        }
        if let Some(client_state) = &request.state {
            query.append_pair("state", client_state);
        }
        query.append_pair("iss", &state.provider.issuer);
    }
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(target.as_str()) {
        response.headers_mut().insert(LOCATION, location);
    }
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
