//! What the benchmarks share: signing a demo account in over HTTP (password, then the code from
//! the dev outbox) and reading the employee's record.

#![allow(clippy::unwrap_used, dead_code)]

use masar_protocol::auth::{Challenge, DevSms, Tokens};
use masar_protocol::{DemoAccount, EmployeeRecord};
use serde_json::json;

/// The code in the last SMS the demo server's outbox holds for `account`.
async fn latest_code(http: &reqwest::Client, url: &str, account: &DemoAccount) -> String {
    let sms: Vec<DevSms> = http
        .get(format!("{url}/v1/dev/sms?national_id={}", account.national_id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    masar_test_utils::six_digits(&sms.last().unwrap().text).unwrap()
}

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
    let code = latest_code(http, url, account).await;
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

/// Access and refresh tokens for `account` from the built-in OpenID Connect provider: the
/// authorization request with PKCE, the pages posted as a browser does (its cookie kept), the
/// code from the dev outbox, the exchange.
pub async fn sign_in_oidc(url: &str, account: &DemoAccount) -> (String, String) {
    use base64::Engine;
    use sha2::Digest;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let verifier = format!("{:0>64}", masar_test_utils::sha256_hex(account.national_id.as_str().as_bytes()));
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let redirect = "http://127.0.0.1:49152/callback";
    let page = http
        .get(format!("{url}/oidc/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", "masar-desktop"),
            ("redirect_uri", redirect),
            ("scope", "openid"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    let cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let html = page.text().await.unwrap();
    let start = html.find(r#"name="request" value=""#).unwrap() + r#"name="request" value=""#.len();
    let request = html[start..].split('"').next().unwrap().to_owned();
    let post = |path: &str, form: Vec<(&str, String)>| {
        http.post(format!("{url}{path}")).header("cookie", cookie.clone()).form(&form).send()
    };
    let password = vec![
        ("request", request.clone()),
        ("national_id", account.national_id.as_str().to_owned()),
        ("password", account.password.clone()),
    ];
    post("/oidc/authorize/password", password).await.unwrap();
    let code = latest_code(&http, url, account).await;
    let back = post("/oidc/authorize/code", vec![("request", request), ("code", code)]).await.unwrap();
    let location = url::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap();
    let code = location.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let tokens: serde_json::Value = http
        .post(format!("{url}/oidc/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "masar-desktop"),
            ("redirect_uri", redirect),
            ("code", code.as_str()),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        tokens["access_token"].as_str().unwrap().to_owned(),
        tokens["refresh_token"].as_str().unwrap().to_owned(),
    )
}
