//! What the benchmarks share: signing a demo account in at the built-in provider as a standard
//! client does (its pages posted as a browser does, the code from the dev outbox, the code
//! exchanged) and reading the employee's record.

#![allow(clippy::unwrap_used, dead_code)]

use masar_protocol::{DemoAccount, EmployeeRecord};
use masar_test_utils::provider::{Person, ProviderTokens, sign_in_for_tokens};

/// A session of `account` at the server at `url`: its access and refresh tokens.
pub async fn session(url: &str, account: &DemoAccount) -> ProviderTokens {
    let person = Person { national_id: account.national_id.as_str(), password: &account.password };
    sign_in_for_tokens(url, &person).await
}

/// An access token for `account` on the server at `url`.
pub async fn sign_in(url: &str, account: &DemoAccount) -> String {
    session(url, account).await.access_token
}

pub async fn my_record(http: &reqwest::Client, url: &str, token: &str) -> EmployeeRecord {
    http.get(format!("{url}/v1/me/record")).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}
