//! The page a printed statement's QR code opens (`/verify/CODE`): whoever holds the paper reads,
//! without signing in or running any script, whether Masar issued it, for whom, when, until when
//! its code verifies, and whether the record has changed since. Arabic by default, English on
//! request; limited per client address.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use masar_protocol::dates::{both_calendars_ar, both_calendars_en};
use masar_protocol::statement::{StatementFacts, is_code, normalise_code, verify_path};
use serde::Deserialize;

use crate::AppState;
use crate::oidc::pages::{Lang, branded, escape};
use crate::oidc::respond::page;
use crate::rules::statements::{Standing, standing};
use crate::storage::Caller;
use crate::storage::IssuedStatement;

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    lang: Option<String>,
}

/// `GET /verify/{code}`: the statement's standing as a page.
pub async fn verify_page(
    State(state): State<AppState>,
    caller: Caller,
    Path(typed): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let accepted = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = Lang::parse(query.lang.as_deref().or(accepted));
    let code = normalise_code(&typed);
    let checked = match super::statements::admit(&state, &caller).await {
        Ok(Err(retry_after)) => return slow_down(lang, retry_after),
        Ok(Ok(())) => look_up(&state, &code).await,
        Err(error) => Err(error),
    };
    match checked {
        Ok((issued, answer)) => {
            let status = match answer {
                Standing::Genuine | Standing::ChangedSince => StatusCode::OK,
                Standing::Expired => StatusCode::GONE,
                Standing::Unknown => StatusCode::NOT_FOUND,
            };
            page(status, render(lang, &code, answer, issued.as_ref()), None)
        }
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "statement verification failed");
            let text = lang.pick(
                "تعذّر التحقق الآن بسبب خطأ في الخادم. أعد فتح الرابط بعد قليل.",
                "The statement cannot be checked now because of a server error. Open the link again in a moment.",
            );
            page(StatusCode::INTERNAL_SERVER_ERROR, plain(lang, &code, text), None)
        }
    }
}

/// The code as kept, and its standing now.
async fn look_up(state: &AppState, code: &str) -> anyhow::Result<(Option<IssuedStatement>, Standing)> {
    let issued = if is_code(code) { state.store.statement_code(code).await? } else { None };
    let now = state.clock.now();
    let current = match &issued {
        Some(issued) => {
            state.store.record(&issued.holder).await?.map(|r| StatementFacts::of(&r, now.date_naive()))
        }
        None => None,
    };
    let answer = standing(issued.as_ref(), now, current.as_ref());
    Ok((issued, answer))
}

fn title(lang: Lang) -> &'static str {
    lang.pick("التحقق من بيان خدمة", "Service statement verification")
}

fn service(lang: Lang) -> &'static str {
    lang.pick("مسار · بياناتي الوظيفية", "Masar · My Employment Data")
}

fn switch_href(code: &str, lang: Lang) -> String {
    let path: String = url::form_urlencoded::byte_serialize(code.as_bytes()).collect();
    format!("{}?lang={}", verify_path(&path), lang.other().code())
}

fn date(lang: Lang, day: chrono::NaiveDate) -> String {
    match lang {
        Lang::Ar => both_calendars_ar(day),
        Lang::En => both_calendars_en(day),
    }
}

/// The page for `standing`, with what the statement certified when Masar issued it.
pub fn render(lang: Lang, code: &str, answer: Standing, issued: Option<&IssuedStatement>) -> String {
    let (class, mark, heading, text) = match answer {
        Standing::Genuine => (
            "genuine",
            "✓",
            lang.pick("بيان صحيح", "Genuine statement"),
            lang.pick(
                "أصدر مسار هذا البيان، وما زال السجل الوظيفي كما يشهد به.",
                "Masar issued this statement, and the employment record is still as it certifies.",
            ),
        ),
        Standing::ChangedSince => (
            "changed",
            "!",
            lang.pick("بيان صحيح، لكن السجل تغيّر بعده", "Genuine, but the record has changed since"),
            lang.pick(
                "أصدر مسار هذا البيان وما فيه صحيح يوم إصداره، ثم تغيّر السجل الوظيفي (المسمى أو الجهة أو القرارات). اطلب من الموظف بيان خدمة حديث.",
                "Masar issued this statement and it was true on its day, but the employment record has changed since (post, entity or decisions). Ask the employee for a new statement.",
            ),
        ),
        Standing::Expired => (
            "refused",
            "✗",
            lang.pick("انتهت صلاحية رمز التحقق", "This verification code has expired"),
            lang.pick(
                "أصدر مسار هذا البيان، لكن مدة التحقق منه انتهت. اطلب من الموظف بيان خدمة حديث.",
                "Masar issued this statement, but the period in which it can be verified has ended. Ask the employee for a new statement.",
            ),
        ),
        Standing::Unknown => (
            "refused",
            "✗",
            lang.pick("لا يوجد بيان بهذا الرمز", "No statement has this code"),
            lang.pick(
                "تأكد من كتابة الرمز كما طُبع على البيان (مثل MSR-ACDE-2346-79XY). لا يُعتمد بيان لا يتحقق رمزه.",
                "Check the code as printed on the statement (like MSR-ACDE-2346-79XY). Do not rely on a statement whose code does not verify.",
            ),
        ),
    };
    let mut body = format!(
        r#"<div class="verdict {class}" data-standing="{class}"><h2><span class="mark" aria-hidden="true">{mark}</span> {heading}</h2><p>{text}</p></div>
"#,
        heading = escape(heading),
        text = escape(text),
    );
    body.push_str(&facts(lang, code, answer, issued));
    branded(lang, service(lang), title(lang), Some(switch_href(code, lang)), &body)
}

/// What the statement certified (all of it while it verifies; when it was issued and until when
/// once it has expired; only the code as read when Masar gave none).
fn facts(lang: Lang, code: &str, answer: Standing, issued: Option<&IssuedStatement>) -> String {
    let shown: String = code.chars().take(40).collect();
    let mut rows = vec![(
        lang.pick("رمز التحقق", "Verification code"),
        format!(r#"<bdi dir="ltr">{}</bdi>"#, escape(&shown)),
    )];
    if let Some(issued) = issued {
        let f = &issued.facts;
        if answer != Standing::Expired {
            rows.extend([
                (lang.pick("الاسم", "Name"), format!(r#"<bdi lang="ar">{}</bdi>"#, escape(&f.name_ar.full()))),
                (
                    lang.pick("رقم الهوية", "National ID"),
                    format!(r#"<bdi dir="ltr">{}</bdi>"#, escape(&f.masked_id)),
                ),
                (lang.pick("الجهة", "Entity"), format!(r#"<bdi lang="ar">{}</bdi>"#, escape(&f.entity))),
                (
                    lang.pick("المسمى الوظيفي", "Job title"),
                    format!(r#"<bdi lang="ar">{}</bdi>"#, escape(&f.job_title)),
                ),
                (lang.pick("تاريخ التعيين", "Appointed"), escape(&date(lang, f.appointment_date))),
            ]);
        }
        rows.extend([
            (lang.pick("تاريخ الإصدار", "Issued"), escape(&date(lang, f.as_of))),
            (
                lang.pick("يتحقق منه حتى", "Verifiable until"),
                escape(&date(lang, issued.expires_at.date_naive())),
            ),
        ]);
    }
    let items: String = rows
        .iter()
        .map(|(term, value)| format!("<div><dt>{}</dt><dd>{value}</dd></div>", escape(term)))
        .collect();
    format!(r#"<dl class="facts">{items}</dl>"#)
}

fn plain(lang: Lang, code: &str, text: &str) -> String {
    let body = format!(r#"<p class="problem">{}</p>"#, escape(text));
    branded(lang, service(lang), title(lang), Some(switch_href(code, lang)), &body)
}

/// Too many checks from this address: 429 with `Retry-After` (RFC 6585), said on the page.
fn slow_down(lang: Lang, retry_after: u32) -> Response {
    let text = match lang {
        Lang::Ar => format!("طلبات تحقق كثيرة من هذا الجهاز. أعد فتح الرابط بعد {retry_after} ثانية."),
        Lang::En => {
            format!("Too many checks from this device. Open the link again in {retry_after} seconds.")
        }
    };
    let body = format!(r#"<p class="problem">{}</p>"#, escape(&text));
    let html = branded(lang, service(lang), title(lang), None, &body);
    let mut response = page(StatusCode::TOO_MANY_REQUESTS, html, None);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}
