//! What the benchmarks share: signing a demo account in over HTTP (password, then the code from
//! the dev outbox) and reading the employee's record.

#![allow(clippy::unwrap_used, dead_code)]

use masar_protocol::auth::{Challenge, DevSms, Tokens};
use masar_protocol::{DemoAccount, EmployeeRecord};
use serde_json::json;

/// An access token for `account` on the server at `url`.
pub async fn sign_in(http: &reqwest::Client, url: &str, account: &DemoAccount) -> String {
    let challenge: Challenge = http
        .post(format!("{url}/v1/auth/login"))
        .json(&json!({ "nationalId": account.national_id, "password": account.password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sms: Vec<DevSms> = http
        .get(format!("{url}/v1/dev/sms?national_id={}", account.national_id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = &sms.last().unwrap().text;
    let chars: Vec<char> = text.chars().collect();
    let code: String =
        chars.windows(6).find(|w| w.iter().all(char::is_ascii_digit)).unwrap().iter().collect();
    let tokens: Tokens = http
        .post(format!("{url}/v1/auth/verify"))
        .json(&json!({ "challengeId": challenge.challenge_id, "code": code }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokens.access_token.expose().to_owned()
}

pub async fn my_record(http: &reqwest::Client, url: &str, token: &str) -> EmployeeRecord {
    http.get(format!("{url}/v1/me/record")).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}
