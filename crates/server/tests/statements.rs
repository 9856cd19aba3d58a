//! Service statement codes: given to a signed-in employee for the record as it stands, checked by
//! anyone without signing in (as JSON, and as the page the printed QR code opens: genuine,
//! changed since, expired, unknown); an altered code is refused; checks are limited per address.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Person, TestServer, expect_error, person};
use masar_protocol::ApiErrorCode;
use masar_protocol::auth::Role;
use masar_protocol::statement::{StatementCode, is_code};
use reqwest::StatusCode;
use serde_json::json;

async fn verify(t: &TestServer, code: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(t.url("/v1/statements/verify"))
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_code_certifies_the_record_and_anyone_can_check_it_but_not_an_altered_one() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let token = t.sign_in(&account).await.access_token.expose().to_owned();
    let given: StatementCode = reqwest::Client::new()
        .post(t.url("/v1/me/statement-code"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(is_code(&given.code), "{}", given.code);
    assert_eq!(given.facts.name_ar, account.name_ar);
    assert_eq!(given.facts.masked_id, account.national_id.masked());
    assert!(given.facts.service.years > 0 && given.facts.decisions > 0, "{:?}", given.facts);

    // No sign-in needed; typed in lower case with spaces it is the same code.
    let typed = format!(" {} ", given.code.to_lowercase());
    let checked = verify(&t, &typed).await;
    assert_eq!(checked.status(), StatusCode::OK);
    assert_eq!(checked.json::<StatementCode>().await.unwrap(), given);

    // One character changed, or something that is not a code at all: not found.
    let mut altered: Vec<char> = given.code.chars().collect();
    let last = altered.len() - 1;
    altered[last] = if altered[last] == 'A' { 'C' } else { 'A' };
    let altered: String = altered.into_iter().collect();
    expect_error(verify(&t, &altered).await, StatusCode::NOT_FOUND, ApiErrorCode::NotFound).await;
    expect_error(
        verify(&t, "'; DROP TABLE statement_codes; --").await,
        StatusCode::NOT_FOUND,
        ApiErrorCode::NotFound,
    )
    .await;

    // A code is given only to a signed-in employee.
    let anonymous = reqwest::Client::new().post(t.url("/v1/me/statement-code")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

async fn code_for(t: &TestServer, who: &Person) -> StatementCode {
    let response = t.http.post(t.url("/v1/me/statement-code")).bearer_auth(&who.token).send().await.unwrap();
    response.error_for_status().unwrap().json().await.unwrap()
}

/// The page at `url` (as a browser asks for it, Arabic first unless `lang` says otherwise).
async fn page(url: &str) -> (StatusCode, String) {
    let response =
        reqwest::Client::new().get(url).header("accept-language", "ar,en;q=0.8").send().await.unwrap();
    let status = response.status();
    assert!(response.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    (status, response.text().await.unwrap())
}

/// The standing the page shows (`data-standing`).
fn standing(html: &str) -> &str {
    let at = html.find("data-standing=\"").map(|i| i + 15).unwrap();
    &html[at..at + html[at..].find('"').unwrap()]
}

#[tokio::test]
async fn the_page_the_qr_code_opens_says_genuine_then_changed_since_then_expired() {
    let t = TestServer::start().await;
    let (employee, officer) = (person(&t, Role::Employee).await, person(&t, Role::HrOfficer).await);
    let given = code_for(&t, &employee).await;
    assert_eq!(given.verify_url, t.url(&format!("/verify/{}", given.code)), "on this server, by its code");
    assert_eq!(given.expires_at - given.issued_at, chrono::Duration::days(90), "the default period");

    let (status, html) = page(&given.verify_url).await;
    assert_eq!((status, standing(&html)), (StatusCode::OK, "genuine"));
    for shown in [
        "بيان صحيح",
        employee.account.name_ar.full().as_str(),
        employee.account.national_id.masked().as_str(),
        given.code.as_str(),
        "26 فبراير 2027م",
    ] {
        assert!(html.contains(shown), "{shown} on the page: {html}");
    }
    assert!(html.contains(r#"lang="ar" dir="rtl""#));
    assert!(!html.contains(employee.account.national_id.as_str()), "never the whole national ID");
    assert!(!html.contains("<script"), "a page without script");
    let (_, english) = page(&format!("{}?lang=en", given.verify_url)).await;
    assert!(english.contains(r#"lang="en" dir="ltr""#) && english.contains("Genuine statement"), "{english}");
    assert!(english.contains("26 February 2027"), "{english}");

    // HR changes the employee's job title: the paper was true on its day, not now.
    let changed = t
        .http
        .put(t.url(&format!("/v1/hr/employees/{}/employment", employee.account.national_id)))
        .bearer_auth(&officer.token)
        .json(&json!({ "baseVersion": 1, "entity": given.facts.entity, "jobTitle": "رئيس قسم", "reason": "قرار إداري" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let (status, html) = page(&given.verify_url).await;
    assert_eq!((status, standing(&html)), (StatusCode::OK, "changed"));
    assert!(
        html.contains("تغيّر السجل") && html.contains(&given.facts.job_title),
        "what it certified: {html}"
    );
    // A new statement certifies the record as it is now.
    let fresh = code_for(&t, &employee).await;
    assert_eq!(standing(&page(&fresh.verify_url).await.1), "genuine");

    // 90 days later the first code no longer verifies: it says so, and no longer who it was for.
    t.advance(90 * 86_400);
    let (status, html) = page(&given.verify_url).await;
    assert_eq!((status, standing(&html)), (StatusCode::GONE, "refused"));
    assert!(html.contains("انتهت صلاحية رمز التحقق"), "{html}");
    assert!(!html.contains(&employee.account.name_ar.family), "{html}");
}

#[tokio::test]
async fn an_unknown_or_altered_code_is_not_a_statement_and_what_was_typed_is_escaped() {
    let t = TestServer::start().await;
    let (status, html) = page(&t.url("/verify/MSR-ACDE-2346-79XY")).await;
    assert_eq!((status, standing(&html)), (StatusCode::NOT_FOUND, "refused"));
    assert!(html.contains("لا يوجد بيان بهذا الرمز"), "{html}");
    let (status, html) = page(&t.url("/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        !html.contains("<SCRIPT>") && !html.contains("<script>") && html.contains("&lt;SCRIPT&gt;"),
        "{html}"
    );
}

#[tokio::test]
async fn the_server_sets_how_long_a_code_verifies_and_how_often_an_address_may_check() {
    let t = TestServer::start_with(|config| {
        config.statement_validity_days = 30;
        config.verifications_per_minute = 3;
    })
    .await;
    let employee = person(&t, Role::Employee).await;
    let given = code_for(&t, &employee).await;
    assert_eq!(given.expires_at - given.issued_at, chrono::Duration::days(30));
    for _ in 0..2 {
        assert_eq!(page(&given.verify_url).await.0, StatusCode::OK);
    }
    assert_eq!(verify(&t, &given.code).await.status(), StatusCode::OK);
    // The fourth check within the minute waits, on the page and in the API alike.
    let refused = reqwest::get(&given.verify_url).await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["retry-after"], "20");
    assert!(refused.text().await.unwrap().contains("طلبات تحقق كثيرة"));
    expect_error(verify(&t, &given.code).await, StatusCode::TOO_MANY_REQUESTS, ApiErrorCode::RateLimited)
        .await;
    t.advance(60);
    assert_eq!(page(&given.verify_url).await.0, StatusCode::OK);
}
