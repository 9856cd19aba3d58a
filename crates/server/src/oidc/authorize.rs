//! `/oidc/authorize` and its pages' forms: the request checked and kept, the password, the SMS
//! code and a new code, then back to the client with an authorization code. The request is bound
//! to the browser that began it by a cookie (its digest is stored), so a form posted from
//! anywhere else finds nothing; the pages forbid framing and load nothing from elsewhere.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use masar_protocol::{NationalId, WireSecret};
use serde::Deserialize;

use super::pages::{self, Lang, Problem};
use super::respond::{
    COOKIE_NAME, back_to_client, browser_of, code_page, expired, failed, locked, page, problem_of,
    sign_in_page, with_status_of, wrong_credentials,
};
use crate::AppState;
use crate::auth::admission::{admit, send_code};
use crate::auth::password;
use crate::error::ApiError;
use crate::rules::oidc::{
    AuthorizationParams, AuthorizationRefusal, AuthorizationRequest, check_authorization,
};
use crate::rules::oidc_rows::{CodeEntered, StoredRequest};
use crate::secrets;
use crate::storage::{Caller, PasswordCheck, Resent, Verified};

/// `GET /oidc/authorize`: the request checked; the sign-in page, or back to the client with an
/// error, or (for an unknown client or redirect URI) a page that says so and goes nowhere.
pub async fn begin(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Query(params): Query<AuthorizationParams>,
) -> Response {
    let lang = Lang::parse(params.ui_locales.as_deref());
    let request = match check_authorization(&params, &state.provider.clients) {
        Ok(request) => request,
        Err(AuthorizationRefusal::Untrusted) => {
            let html = pages::problem(
                lang,
                lang.pick("طلب دخول غير معروف", "Unknown sign-in request"),
                lang.pick(
                    "لم يصدر طلب الدخول هذا عن تطبيق معروف، فلن يُكمل. افتح تطبيق مسار وابدأ تسجيل الدخول منه.",
                    "This sign-in request does not come from a known application, so it stops here. Open the Masar app and sign in from it.",
                ),
            );
            return page(StatusCode::BAD_REQUEST, html, None);
        }
        Err(AuthorizationRefusal::Refused { error, description }) => {
            let client_request = AuthorizationRequest {
                client_id: params.client_id.unwrap_or_default(),
                redirect_uri: params.redirect_uri.unwrap_or_default(),
                scope: String::new(),
                state: params.state,
                nonce: None,
                code_challenge: String::new(),
            };
            return back_to_client(
                &state,
                &client_request,
                &[("error", error), ("error_description", description)],
            );
        }
    };
    let (browser, fresh) = match browser_of(&headers) {
        Some(browser) => (browser, false),
        None => match secrets::new_token() {
            Ok(browser) => (browser, true),
            Err(error) => return failed(lang, &error),
        },
    };
    let id = match state.store.begin_authorization(&request, lang.code(), &browser, &caller).await {
        Ok(id) => id,
        Err(error) => return failed(lang, &error),
    };
    let mut response = sign_in_page(lang, &id, "", None);
    if fresh {
        let secure = if state.provider.secure() { "; Secure" } else { "" };
        let cookie =
            format!("{COOKIE_NAME}={browser}; Path=/oidc; HttpOnly; SameSite=Lax; Max-Age=900{secure}");
        if let Ok(cookie) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(SET_COOKIE, cookie);
        }
    }
    response
}

#[derive(Debug, Deserialize)]
pub struct StepQuery {
    request: String,
    lang: Option<String>,
}

/// The request's open step (the language switch): the sign-in page, or the code page once a
/// code was sent.
async fn open(
    state: &AppState,
    headers: &HeaderMap,
    request: &str,
    now_ms: i64,
) -> anyhow::Result<Option<StoredRequest>> {
    let Some(browser) = browser_of(headers) else { return Ok(None) };
    state.store.authorization(request, &browser, now_ms).await
}

pub async fn step(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<StepQuery>,
) -> Response {
    let lang = Lang::parse(query.lang.as_deref());
    match open(&state, &headers, &query.request, state.clock.now_ms()).await {
        Ok(Some(stored)) if stored.challenge_id.is_some() => code_page(lang, &stored, None, None),
        Ok(Some(stored)) => sign_in_page(lang, &stored.id, "", None),
        Ok(None) => expired(lang),
        Err(error) => failed(lang, &error),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    request: String,
    lang: Option<String>,
    national_id: String,
    password: WireSecret,
}

/// The password is a secret: never printed.
impl std::fmt::Debug for PasswordForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordForm").field("request", &self.request).finish_non_exhaustive()
    }
}

/// `POST /oidc/authorize/password`: the password checked under the sign-in rules; the code sent.
pub async fn password(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let stored = match open(&state, &headers, &form.request, caller.now_ms).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return expired(lang),
        Err(error) => return failed(lang, &error),
    };
    let typed = form.national_id.trim();
    let again = |problem: Problem| sign_in_page(lang, &stored.id, typed, Some(&problem));
    if let Err(error) = admit(&state, &caller).await {
        return with_status_of(again(problem_of(lang, &error)), &error);
    }
    // A malformed ID gets the same answer as a wrong password.
    let Ok(id) = NationalId::parse(typed) else { return again(wrong_credentials(lang)) };
    match password_then_code(&state, &caller, &stored, &id, form.password).await {
        Ok(Ok(())) => code_page(lang, &stored, None, demo_phone(&state, &id, lang).await.as_deref()),
        Ok(Err(Refusal::Credentials)) => again(wrong_credentials(lang)),
        Ok(Err(Refusal::Locked(retry_after))) => again(locked(lang, retry_after)),
        Ok(Err(Refusal::Api(error))) => with_status_of(again(problem_of(lang, &error)), &error),
        Err(error) => failed(lang, &error),
    }
}

/// A demo server has no phones: the page shows what the employee's phone received (the dev
/// outbox's last message), as the demo's stand-in for the SMS.
async fn demo_phone(state: &AppState, employee: &NationalId, lang: Lang) -> Option<String> {
    if !state.demo {
        return None;
    }
    let last = state.store.dev_sms(employee).await.ok()?.pop()?;
    Some(format!("{} {}", lang.pick("هاتف العرض التجريبي:", "Demo phone:"), last.text))
}

enum Refusal {
    Credentials,
    Locked(u32),
    Api(ApiError),
}

async fn password_then_code(
    state: &AppState,
    caller: &Caller,
    stored: &StoredRequest,
    id: &NationalId,
    typed: WireSecret,
) -> anyhow::Result<Result<(), Refusal>> {
    let account = match state.store.reserve_password_check(id, caller).await? {
        PasswordCheck::Refused { retry_after } => return Ok(Err(Refusal::Locked(retry_after))),
        PasswordCheck::Check { account } => account,
    };
    let (hash, mobile) = account.map_or((None, None), |(hash, mobile)| (Some(hash), Some(mobile)));
    let matches = password::verify_async(typed, hash).await?;
    let Some(mobile) = mobile.filter(|_| matches) else {
        return Ok(Err(match state.store.password_wrong(id, caller).await? {
            Some(retry_after) => Refusal::Locked(retry_after),
            None => Refusal::Credentials,
        }));
    };
    let code = secrets::new_code()?;
    let challenge = state.store.authorization_password_accepted(&stored.id, id, &code, caller).await?;
    Ok(match send_code(state, caller, id, &mobile, &challenge, &code).await {
        Ok(()) => Ok(()),
        Err(ApiError::Internal(error)) => return Err(error),
        Err(error) => Err(Refusal::Api(error)),
    })
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    request: String,
    lang: Option<String>,
    code: String,
}

/// `POST /oidc/authorize/code`: a right code goes back to the client with an authorization code.
pub async fn code(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let (stored, browser) =
        match (open(&state, &headers, &form.request, caller.now_ms).await, browser_of(&headers)) {
            (Ok(Some(stored)), Some(browser)) if stored.challenge_id.is_some() => (stored, browser),
            (Ok(Some(stored)), _) => return sign_in_page(lang, &stored.id, "", None),
            (Ok(None), _) => return expired(lang),
            (Err(error), _) => return failed(lang, &error),
        };
    if let Err(error) = admit(&state, &caller).await {
        return with_status_of(code_page(lang, &stored, Some(&problem_of(lang, &error)), None), &error);
    }
    let digits = masar_protocol::digits::normalize_digits(form.code.trim());
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        let problem = Problem::about(
            "code",
            lang.pick("اكتب رمز التحقق: ستة أرقام.", "Enter the verification code: six digits."),
        );
        return code_page(lang, &stored, Some(&problem), None);
    }
    let entered = match state.store.authorization_code_entered(&stored.id, &browser, &digits, &caller).await {
        Ok(entered) => entered,
        Err(error) => return failed(lang, &error),
    };
    match entered {
        CodeEntered::Authorized { code, request } => back_to_client(&state, &request, &[("code", &code)]),
        CodeEntered::Refused(Verified::Wrong { remaining }) => {
            let problem = Problem::about(
                "code",
                match lang {
                    Lang::Ar => format!("رمز التحقق غير صحيح. المحاولات المتبقية: {remaining}."),
                    Lang::En => format!("The verification code is not correct. Tries left: {remaining}."),
                },
            );
            code_page(lang, &stored, Some(&problem), None)
        }
        CodeEntered::Refused(Verified::Expired) => {
            let problem = Problem::about(
                "code",
                lang.pick(
                    "انتهت صلاحية رمز التحقق. اطلب رمزًا جديدًا.",
                    "The verification code expired. Ask for a new one.",
                ),
            );
            code_page(lang, &stored, Some(&problem), None)
        }
        CodeEntered::Refused(Verified::Locked { retry_after }) => {
            sign_in_page(lang, &stored.id, "", Some(&locked(lang, retry_after)))
        }
        CodeEntered::Refused(_) => {
            let problem = Problem::general(lang.pick(
                "انتهت محاولة الدخول هذه. أدخل رقم الهوية وكلمة المرور من جديد.",
                "This sign-in attempt is over. Enter your national ID and password again.",
            ));
            sign_in_page(lang, &stored.id, "", Some(&problem))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ResendForm {
    request: String,
    lang: Option<String>,
}

/// `POST /oidc/authorize/resend`: a new code, after the cool-down and while new codes are left.
pub async fn resend(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Form(form): Form<ResendForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let (stored, challenge) = match open(&state, &headers, &form.request, caller.now_ms).await {
        Ok(Some(stored)) => match stored.challenge_id.clone() {
            Some(challenge) => (stored, challenge),
            None => return sign_in_page(lang, &stored.id, "", None),
        },
        Ok(None) => return expired(lang),
        Err(error) => return failed(lang, &error),
    };
    if let Err(error) = admit(&state, &caller).await {
        return with_status_of(code_page(lang, &stored, Some(&problem_of(lang, &error)), None), &error);
    }
    let sent = async {
        let code = secrets::new_code()?;
        let resent = state.store.resend_code(&challenge, &code, &caller).await?;
        if let Resent::Sent { national_id, mobile } = &resent
            && let Err(error) = send_code(&state, &caller, national_id, mobile, &challenge, &code).await
        {
            return Ok::<_, anyhow::Error>(Err(error));
        }
        Ok(Ok(resent))
    }
    .await;
    match sent {
        Ok(Ok(Resent::Sent { national_id, .. })) => {
            let sent = lang.pick("أرسلنا رمزًا جديدًا إلى جوالك.", "A new code was sent to your mobile.");
            let note = match demo_phone(&state, &national_id, lang).await {
                Some(phone) => format!("{sent} {phone}"),
                None => sent.to_owned(),
            };
            code_page(lang, &stored, None, Some(&note))
        }
        Ok(Ok(Resent::TooSoon { retry_after })) => {
            let problem = Problem::general(match lang {
                Lang::Ar => format!("يمكنك طلب رمز جديد بعد {retry_after} ثانية."),
                Lang::En => format!("You can ask for a new code in {retry_after} seconds."),
            });
            code_page(lang, &stored, Some(&problem), None)
        }
        Ok(Ok(Resent::Limit)) => {
            let problem = Problem::general(lang.pick(
                "أُرسلت كل الرموز المسموح بها لهذه المحاولة. أدخل آخر رمز وصلك، أو ابدأ تسجيل الدخول من جديد.",
                "Every new code allowed for this sign-in was sent. Enter the last code you received, or start signing in again.",
            ));
            code_page(lang, &stored, Some(&problem), None)
        }
        Ok(Ok(Resent::Invalid)) => {
            let problem = Problem::general(lang.pick(
                "انتهت محاولة الدخول هذه. أدخل رقم الهوية وكلمة المرور من جديد.",
                "This sign-in attempt is over. Enter your national ID and password again.",
            ));
            sign_in_page(lang, &stored.id, "", Some(&problem))
        }
        Ok(Err(error)) => {
            with_status_of(code_page(lang, &stored, Some(&problem_of(lang, &error)), None), &error)
        }
        Err(error) => failed(lang, &error),
    }
}
