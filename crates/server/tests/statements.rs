//! Service statement codes: given to a signed-in employee for the record as it stands, checked by
//! anyone without signing in; an altered code is refused.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestServer, expect_error};
use masar_protocol::ApiErrorCode;
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
