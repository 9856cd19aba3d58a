//! masar-server trusting an identity provider it did not write: the npm `oidc-provider` package
//! (an OpenID Certified implementation, `xtask/oidc-provider/issuer.mjs`) runs as the issuer, an
//! employee signs in on its pages (the authorization-code flow with PKCE), and its access token
//! opens Masar's API. Then each token it must refuse: expired, for another audience, from another
//! issuer, `alg: none`, signed by a key the issuer does not publish, a changed signature.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use base64::Engine;
use common::TestServer;
use masar_protocol::{ApiErrorBody, ApiErrorCode, DemoAccount, EmployeeRecord};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

const REDIRECT: &str = "http://127.0.0.1:49152/callback";
const VERIFIER: &str = "a-code-verifier-for-the-outside-issuer-tests-0123456789";

/// One running `oidc-provider`, stopped when dropped.
struct Issuer {
    child: Child,
    /// Where it listens.
    listening: String,
    /// The issuer identifier its tokens carry.
    issuer: String,
    /// Its private signing key (for another instance that signs with the same key).
    jwk: String,
}

impl Drop for Issuer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn issuer_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../xtask/oidc-provider")
}

impl Issuer {
    fn start(env: &[(&str, &str)]) -> Self {
        let dir = issuer_dir();
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "the test issuer's npm packages are missing: run `cargo xtask setup` (npm ci in {})",
            dir.display()
        );
        let mut child = Command::new("node")
            .arg("issuer.mjs")
            .current_dir(&dir)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        // Whatever it prints later is read (and dropped): a closed pipe would end it.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let ready: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("issuer said {line:?}"));
        Self {
            child,
            listening: ready["listening"].as_str().unwrap().to_owned(),
            issuer: ready["issuer"].as_str().unwrap().to_owned(),
            jwk: ready["jwk"].to_string(),
        }
    }

    /// Another instance claiming this one's issuer identifier, signing with its key or a new one.
    fn impostor(&self, same_key: bool, extra: &[(&str, &str)]) -> Self {
        let mut env = vec![("ISSUER_URL", self.issuer.as_str())];
        if same_key {
            env.push(("ISSUER_PRIVATE_JWK", self.jwk.as_str()));
        }
        env.extend_from_slice(extra);
        Self::start(&env)
    }
}

/// A browser's cookies, enough for the issuer's pages.
#[derive(Default)]
struct Cookies(HashMap<String, String>);

impl Cookies {
    fn keep(&mut self, response: &reqwest::Response) {
        for header in response.headers().get_all("set-cookie") {
            let pair = header.to_str().unwrap().split(';').next().unwrap();
            if let Some((name, value)) = pair.split_once('=') {
                self.0.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    fn header(&self) -> String {
        self.0.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
    }
}

/// The form on a page: where it posts and its fields (the login filled in).
fn form_of(page: &str, login: &str) -> (String, Vec<(String, String)>) {
    let attribute = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        Some(tag[start..].split('"').next()?.to_owned())
    };
    let form_tag = page.split("<form").nth(1).expect("the page has a form");
    let action = attribute(form_tag, "action").expect("the form has an action");
    let fields = page
        .split("<input")
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.split('>').next()?;
            let name = attribute(tag, "name")?;
            let value = match name.as_str() {
                "login" => login.to_owned(),
                "password" => "any-password".to_owned(),
                _ => attribute(tag, "value").unwrap_or_default(),
            };
            Some((name, value))
        })
        .collect();
    (action, fields)
}

/// Signs `national_id` in on the issuer's pages as a browser would and exchanges the code: the
/// token endpoint's answer. `resource` asks for a token for another API (RFC 8707).
async fn sign_in(issuer: &Issuer, national_id: &str, resource: Option<&str>) -> serde_json::Value {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER));
    let mut url = url::Url::parse(&format!("{}/auth", issuer.listening)).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", "masar-desktop")
        .append_pair("response_type", "code")
        .append_pair("scope", "openid api")
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("state", "state-1")
        .append_pair("nonce", "nonce-1");
    if let Some(resource) = resource {
        url.query_pairs_mut().append_pair("resource", resource);
    }
    let mut cookies = Cookies::default();
    let mut response = http.get(url.as_str()).header("cookie", cookies.header()).send().await.unwrap();
    let code = loop {
        cookies.keep(&response);
        if response.status().is_redirection() {
            let location = response.headers()["location"].to_str().unwrap();
            url = url.join(location).unwrap();
            if url.as_str().starts_with(REDIRECT) {
                let code = url.query_pairs().find(|(name, _)| name == "code");
                break code.unwrap_or_else(|| panic!("no code: {url}")).1.into_owned();
            }
            response = http.get(url.as_str()).header("cookie", cookies.header()).send().await.unwrap();
            continue;
        }
        let status = response.status();
        let page = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{page}");
        let (action, fields) = form_of(&page, national_id);
        url = url.join(&action).unwrap();
        response =
            http.post(url.as_str()).header("cookie", cookies.header()).form(&fields).send().await.unwrap();
    };
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("client_id", "masar-desktop"),
        ("redirect_uri", REDIRECT),
        ("code", code.as_str()),
        ("code_verifier", VERIFIER),
    ];
    if let Some(resource) = resource {
        form.push(("resource", resource));
    }
    let response = http.post(format!("{}/token", issuer.listening)).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// A demo server that trusts `issuer` (on the real clock: the issuer's tokens are dated by it).
async fn masar_trusting(issuer: &Issuer, national_id_claim: &str) -> TestServer {
    let url = url::Url::parse(&issuer.issuer).unwrap();
    let claim = national_id_claim.to_owned();
    TestServer::start_with(move |config| {
        config.oidc_issuer = Some(url);
        config.oidc_national_id_claim = claim;
        config.clock = Arc::new(masar_server::SystemClock);
    })
    .await
}

async fn my_record(t: &TestServer, token: &str) -> reqwest::Response {
    t.http.get(t.url("/v1/me/record")).bearer_auth(token).send().await.unwrap()
}

async fn refused(t: &TestServer, token: &str) -> ApiErrorCode {
    let response = my_record(t, token).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    response.json::<ApiErrorBody>().await.unwrap().code
}

fn access_token(tokens: &serde_json::Value) -> String {
    tokens["access_token"].as_str().unwrap().to_owned()
}

/// The issuer, a server trusting it, an employee and a good token of theirs.
async fn trusted() -> (Issuer, TestServer, DemoAccount, String) {
    let issuer = Issuer::start(&[]);
    let t = masar_trusting(&issuer, "national_id").await;
    let account = t.first_account().await;
    let token = access_token(&sign_in(&issuer, account.national_id.as_str(), None).await);
    assert_eq!(my_record(&t, &token).await.status(), StatusCode::OK, "the issuer's good token opens the API");
    (issuer, t, account, token)
}

#[tokio::test]
async fn an_employee_signed_in_at_a_certified_provider_uses_masar_with_its_token() {
    let (issuer, t, account, token) = trusted().await;
    let record: EmployeeRecord = my_record(&t, &token).await.json().await.unwrap();
    assert_eq!(record.profile.national_id, account.national_id);

    // Trusting an outside issuer, masar-server is no issuer itself: the built-in provider is not
    // served.
    for path in ["/.well-known/openid-configuration", "/oidc/authorize", "/oidc/jwks"] {
        assert_eq!(t.http.get(t.url(path)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{path}");
    }

    // Another deployment reads the national ID from `sub` (--oidc-national-id-claim sub).
    let by_sub = masar_trusting(&issuer, "sub").await;
    assert_eq!(my_record(&by_sub, &token).await.status(), StatusCode::OK);
    // A claim the tokens do not carry names nobody.
    let by_other = masar_trusting(&issuer, "employee_number").await;
    assert_eq!(refused(&by_other, &token).await, ApiErrorCode::Unauthenticated);
    // Someone the issuer knows but Masar does not.
    let stranger = access_token(&sign_in(&issuer, "1000000008", None).await);
    assert_eq!(refused(&t, &stranger).await, ApiErrorCode::Unauthenticated);
}

#[tokio::test]
async fn an_expired_token_is_refused_as_an_expired_session() {
    let (issuer, t, account, _) = trusted().await;
    // The same issuer and key, its clock an hour behind: the token expired 45 minutes ago.
    let behind = issuer.impostor(true, &[("ISSUER_CLOCK_OFFSET_SECONDS", "-3600")]);
    let expired = access_token(&sign_in(&behind, account.national_id.as_str(), None).await);
    assert_eq!(refused(&t, &expired).await, ApiErrorCode::SessionExpired);
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let (issuer, t, account, _) = trusted().await;
    let tokens = sign_in(&issuer, account.national_id.as_str(), Some("urn:example:another-api")).await;
    let other_api = access_token(&tokens);
    assert_eq!(claims_of(&other_api)["aud"], "another-api");
    assert_eq!(refused(&t, &other_api).await, ApiErrorCode::Unauthenticated);
}

#[tokio::test]
async fn a_token_from_another_issuer_with_the_same_key_is_refused() {
    let (issuer, t, account, _) = trusted().await;
    let other = Issuer::start(&[("ISSUER_PRIVATE_JWK", issuer.jwk.as_str())]);
    let token = access_token(&sign_in(&other, account.national_id.as_str(), None).await);
    assert_ne!(claims_of(&token)["iss"], issuer.issuer.as_str());
    assert_eq!(refused(&t, &token).await, ApiErrorCode::Unauthenticated);
}

#[tokio::test]
async fn a_token_signed_by_a_key_the_issuer_does_not_publish_is_refused() {
    let (issuer, t, account, _) = trusted().await;
    let impostor = issuer.impostor(false, &[]);
    let token = access_token(&sign_in(&impostor, account.national_id.as_str(), None).await);
    assert_eq!(claims_of(&token)["iss"], issuer.issuer.as_str(), "it claims the trusted issuer");
    assert_eq!(refused(&t, &token).await, ApiErrorCode::Unauthenticated);
}

#[tokio::test]
async fn an_unsigned_token_is_refused() {
    let (_issuer, t, _, token) = trusted().await;
    let parts: Vec<&str> = token.split('.').collect();
    let mut header: serde_json::Value = decode(parts[0]);
    header["alg"] = "none".into();
    let b64 = |value: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
    };
    for unsigned in
        [format!("{}.{}.", b64(&header), parts[1]), format!("{}.{}.{}", b64(&header), parts[1], parts[2])]
    {
        assert_eq!(refused(&t, &unsigned).await, ApiErrorCode::Unauthenticated);
    }
}

#[tokio::test]
async fn a_token_with_a_changed_signature_is_refused() {
    let (_issuer, t, _, token) = trusted().await;
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[7] ^= 0x01;
    let changed = format!("{signed}.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    assert_eq!(refused(&t, &changed).await, ApiErrorCode::Unauthenticated);
}

fn decode(part: &str) -> serde_json::Value {
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

fn claims_of(token: &str) -> serde_json::Value {
    decode(token.split('.').nth(1).unwrap())
}
