//! The built-in OpenID Connect provider driven by a standard client it did not write (the
//! `openidconnect` crate): discovery → authorization with PKCE → the provider's pages filled in
//! as a browser would (the cookie kept, the forms posted) → the code exchanged → the ID token
//! verified → userinfo → Masar's API with the access token → refresh → revocation → the revoked
//! session refused. Then what must be refused: a code used twice (its session ends), a wrong
//! verifier, an unknown redirect URI, a form from another browser, and tampered, expired or
//! foreign access tokens on the API.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestServer;
use masar_protocol::{DemoAccount, EmployeeRecord};
use masar_server::Clock;
use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreResponseType, CoreUserInfoClaims};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, CsrfToken, HttpRequest, HttpResponse, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RevocationUrl, TokenResponse,
};
use reqwest::StatusCode;

const REDIRECT: &str = "http://127.0.0.1:49152/callback";

/// The HTTP client `openidconnect` calls: reqwest, following no redirect.
#[derive(Debug)]
struct HttpFailure(String);

impl std::fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HttpFailure {}

async fn send(http: reqwest::Client, request: HttpRequest) -> Result<HttpResponse, HttpFailure> {
    let failure = |e: &dyn std::fmt::Display| HttpFailure(e.to_string());
    let (parts, body) = request.into_parts();
    let answer = http
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(|e| failure(&e))?;
    let mut response = openidconnect::http::Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        response = response.header(name, value);
    }
    let body = answer.bytes().await.map_err(|e| failure(&e))?.to_vec();
    response.body(body).map_err(|e| failure(&e))
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

async fn client(t: &TestServer) -> Client {
    let http = http();
    let issuer = IssuerUrl::new(t.server.base_url()).unwrap();
    let metadata = CoreProviderMetadata::discover_async(issuer, &|r| send(http.clone(), r)).await.unwrap();
    CoreClient::from_provider_metadata(metadata, ClientId::new("masar-desktop".into()), None)
        .set_redirect_uri(RedirectUrl::new(REDIRECT.into()).unwrap())
        .set_revocation_url(RevocationUrl::new(t.url("/oidc/revoke")).unwrap())
}

/// A browser: keeps the provider's cookie, reads the hidden request id of each page.
struct Browser {
    http: reqwest::Client,
    cookie: Option<String>,
}

fn hidden_request(page: &str) -> String {
    let start = page.find(r#"name="request" value=""#).unwrap() + r#"name="request" value=""#.len();
    page[start..].split('"').next().unwrap().to_owned()
}

impl Browser {
    fn new() -> Self {
        Self { http: http(), cookie: None }
    }

    async fn open(&mut self, url: &str) -> (StatusCode, String) {
        let response = self.http.get(url).send().await.unwrap();
        if let Some(cookie) = response.headers().get("set-cookie") {
            self.cookie = cookie.to_str().unwrap().split(';').next().map(str::to_owned);
        }
        (response.status(), response.text().await.unwrap())
    }

    async fn post(&self, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.http.post(url).form(form);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }
}

/// The pages filled in as the employee would: the authorization URL opened, the password, then
/// the code from the demo phone. Returns where the provider sends the browser back to.
async fn sign_in_in_browser(
    t: &TestServer,
    browser: &mut Browser,
    authorize: &str,
    account: &DemoAccount,
) -> url::Url {
    let (status, page) = browser.open(authorize).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"<html lang="ar" dir="rtl">"#));
    let request = hidden_request(&page);
    let form = [
        ("request", request.as_str()),
        ("lang", "ar"),
        ("national_id", account.national_id.as_str()),
        ("password", &account.password),
    ];
    let code_page = browser.post(&t.url("/oidc/authorize/password"), &form).await;
    assert_eq!(code_page.status(), StatusCode::OK);
    assert!(code_page.text().await.unwrap().contains(r#"autocomplete="one-time-code""#));
    let code = t.latest_code(account).await;
    let back = browser
        .post(&t.url("/oidc/authorize/code"), &[("request", &request), ("lang", "ar"), ("code", &code)])
        .await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    url::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap()
}

fn query(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

struct Authorized {
    code: AuthorizationCode,
    verifier: PkceCodeVerifier,
    nonce: Nonce,
}

/// The authorization URL of a new request with PKCE: the URL, its state and nonce, the verifier.
fn authorization_url(client: &Client) -> (url::Url, CsrfToken, Nonce, PkceCodeVerifier) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        .url();
    (url, csrf, nonce, verifier)
}

async fn authorize(t: &TestServer, client: &Client, account: &DemoAccount) -> Authorized {
    let (url, csrf, nonce, verifier) = authorization_url(client);
    let back = sign_in_in_browser(t, &mut Browser::new(), url.as_str(), account).await;
    assert_eq!(back.as_str().split('?').next(), Some(REDIRECT));
    assert_eq!(
        query(&back, "state").as_deref(),
        Some(csrf.secret().as_str()),
        "the client's state comes back"
    );
    assert_eq!(query(&back, "iss").as_deref(), Some(t.server.base_url().as_str()), "RFC 9207");
    Authorized { code: AuthorizationCode::new(query(&back, "code").unwrap()), verifier, nonce }
}

async fn my_record(t: &TestServer, token: &str) -> reqwest::Response {
    t.http.get(t.url("/v1/me/record")).bearer_auth(token).send().await.unwrap()
}

#[tokio::test]
async fn a_standard_client_signs_in_refreshes_and_revokes() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let client = client(&t).await;
    let http = http();
    let call = |r| send(http.clone(), r);
    let authorized = authorize(&t, &client, &account).await;

    let tokens = client
        .exchange_code(authorized.code)
        .unwrap()
        .set_pkce_verifier(authorized.verifier)
        .request_async(&call)
        .await
        .unwrap();
    // The ID token: signature from the JWKS, issuer, audience, nonce, expiry on the test's clock.
    let now = t.clock.now();
    let verifier = client.id_token_verifier().set_time_fn(move || now);
    let claims = tokens.id_token().unwrap().claims(&verifier, &authorized.nonce).unwrap();
    assert_eq!(claims.subject().as_str(), account.national_id.as_str());

    // The access token opens Masar's API as this employee.
    let access = tokens.access_token().secret().clone();
    let record: EmployeeRecord = my_record(&t, &access).await.json().await.unwrap();
    assert_eq!(record.profile.national_id, account.national_id);
    let info: CoreUserInfoClaims = client
        .user_info(tokens.access_token().clone(), Some(claims.subject().clone()))
        .unwrap()
        .request_async(&call)
        .await
        .unwrap();
    assert_eq!(info.subject().as_str(), account.national_id.as_str());

    // A refresh rotates: the new pair works, the old refresh token is spent.
    let first_refresh = tokens.refresh_token().unwrap().clone();
    let rotated = client.exchange_refresh_token(&first_refresh).unwrap().request_async(&call).await.unwrap();
    assert_eq!(my_record(&t, rotated.access_token().secret()).await.status(), StatusCode::OK);
    let second_refresh = rotated.refresh_token().unwrap().clone();

    // Revoked (RFC 7009): the session's refresh token is refused from now on. The library sends
    // revocations to https URLs only, so the same request is made as the RFC writes it.
    let revoked = t
        .http
        .post(t.url("/oidc/revoke"))
        .form(&[
            ("token", second_refresh.secret().as_str()),
            ("token_type_hint", "refresh_token"),
            ("client_id", "masar-desktop"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    let refused = client.exchange_refresh_token(&second_refresh).unwrap().request_async(&call).await;
    assert!(refused.is_err(), "a revoked refresh token is refused");
}

/// What the token endpoint answers, as raw JSON (for the refusals a client library hides).
async fn token_request(t: &TestServer, form: &[(&str, &str)]) -> (StatusCode, serde_json::Value) {
    let response = t.http.post(t.url("/oidc/token")).form(form).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_code_works_once_with_its_verifier_and_a_second_use_ends_its_session() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let client = client(&t).await;
    let authorized = authorize(&t, &client, &account).await;
    let code = authorized.code.secret().clone();
    let verifier = authorized.verifier.secret().clone();
    let exchange = |verifier: &str| {
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", "masar-desktop"),
            ("redirect_uri", REDIRECT),
            ("code", code.as_str()),
            ("code_verifier", verifier),
        ];
        form.map(|(k, v)| (k, v.to_owned()))
    };
    let wrong = exchange("wrong-verifier-wrong-verifier-wrong-verifier-1");
    let (status, body) =
        token_request(&t, &wrong.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));

    let right = exchange(&verifier);
    let right: Vec<(&str, &str)> = right.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, first) = token_request(&t, &right).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["token_type"], "Bearer");
    let (status, again) = token_request(&t, &right).await;
    assert_eq!((status, again["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    // The session the code began is over: its refresh token is refused.
    let refresh = first["refresh_token"].as_str().unwrap();
    let form = [("grant_type", "refresh_token"), ("client_id", "masar-desktop"), ("refresh_token", refresh)];
    let (status, body) = token_request(&t, &form).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    let (status, body) =
        token_request(&t, &[("grant_type", "password"), ("client_id", "masar-desktop")]).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("unsupported_grant_type")));
    let (status, body) =
        token_request(&t, &[("grant_type", "refresh_token"), ("client_id", "stranger")]).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));
}

#[tokio::test]
async fn an_unknown_redirect_uri_is_never_sent_anything() {
    let t = TestServer::start().await;
    let (challenge, _) = PkceCodeChallenge::new_random_sha256();
    let url = format!(
        "{}/oidc/authorize?response_type=code&client_id=masar-desktop&scope=openid&state=s&code_challenge_method=S256&code_challenge={}&redirect_uri={}",
        t.server.base_url(),
        challenge.as_str(),
        "http%3A%2F%2Fattacker.example%2Fcallback"
    );
    let response = http().get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
    assert!(response.text().await.unwrap().contains("طلب دخول غير معروف"));
    // A known client without PKCE goes back to it with the standard error.
    let url = format!(
        "{}/oidc/authorize?response_type=code&client_id=masar-desktop&scope=openid&state=s&redirect_uri={}",
        t.server.base_url(),
        "http%3A%2F%2F127.0.0.1%3A49152%2Fcallback"
    );
    let response = http().get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(query(&back, "error").as_deref(), Some("invalid_request"));
    assert_eq!(query(&back, "state").as_deref(), Some("s"));
}

#[tokio::test]
async fn a_form_from_another_browser_finds_no_request() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let client = client(&t).await;
    let (url, ..) = authorization_url(&client);
    let mut browser = Browser::new();
    let (_, page) = browser.open(url.as_str()).await;
    let request = hidden_request(&page);
    // Same request id, no cookie (a forged form): nothing happens.
    let other = Browser::new();
    let form = [
        ("request", request.as_str()),
        ("lang", "ar"),
        ("national_id", account.national_id.as_str()),
        ("password", &account.password),
    ];
    let answer = other.post(&t.url("/oidc/authorize/password"), &form).await;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(answer.text().await.unwrap().contains("انتهت صلاحية طلب الدخول"));
    // Another browser with its own cookie (it began a request of its own): nothing either.
    let mut third = Browser::new();
    third.open(url.as_str()).await;
    assert!(third.cookie.is_some() && third.cookie != browser.cookie);
    let answer = third.post(&t.url("/oidc/authorize/password"), &form).await;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    // Fifteen minutes on, the request has expired, even in the browser that began it.
    t.advance(15 * 60);
    let answer = browser.post(&t.url("/oidc/authorize/password"), &form).await;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let (_, fresh) = browser.open(url.as_str()).await;
    let form = [
        ("request", hidden_request(&fresh)),
        ("lang", "ar".into()),
        ("national_id", account.national_id.as_str().into()),
        ("password", account.password.clone()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The pages refuse to be framed and load nothing from elsewhere.
    let page = browser.post(&t.url("/oidc/authorize/password"), &form).await;
    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains("frame-ancestors 'none'") && policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("form-action 'self' http://127.0.0.1:49152"), "{policy}");
}

#[tokio::test]
async fn the_api_refuses_tampered_expired_and_foreign_tokens() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let client = client(&t).await;
    let access = access_token(&t, &client, &account).await;
    assert_eq!(my_record(&t, &access).await.status(), StatusCode::OK);

    let parts: Vec<&str> = access.split('.').collect();
    let b64 = |bytes: &[u8]| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    };
    let claims: serde_json::Value = {
        use base64::Engine;
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(parts[1]).unwrap())
            .unwrap()
    };
    let with_claims = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut changed = claims.clone();
        change(&mut changed);
        format!("{}.{}.{}", parts[0], b64(changed.to_string().as_bytes()), parts[2])
    };
    let someone_else = with_claims(&|c| c["national_id"] = "1000000008".into());
    let other_audience = with_claims(&|c| c["aud"] = "another-api".into());
    let mut signature = parts[2].as_bytes().to_vec();
    signature[10] = if signature[10] == b'A' { b'B' } else { b'A' };
    let changed_signature = format!("{}.{}.{}", parts[0], parts[1], String::from_utf8(signature).unwrap());
    let none = format!("{}.{}.", b64(br#"{"alg":"none","typ":"JWT"}"#), parts[1]);
    let unknown_key = format!("{}.{}.{}", b64(br#"{"alg":"ES256","kid":"no-such-key"}"#), parts[1], parts[2]);
    let symmetric = format!("{}.{}.{}", b64(br#"{"alg":"HS256","kid":"x"}"#), parts[1], parts[2]);
    for (what, token) in [
        ("another employee's ID", someone_else),
        ("another audience", other_audience),
        ("a changed signature", changed_signature),
        ("alg none", none),
        ("an unknown key", unknown_key),
        ("a symmetric algorithm", symmetric),
    ] {
        let response = my_record(&t, &token).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
    }
    // Fifteen minutes (and the minute of leeway) later the token has expired: refresh, it says.
    t.advance(16 * 60 + 1);
    let expired = my_record(&t, &access).await;
    let body: masar_protocol::ApiErrorBody = expired.json().await.unwrap();
    assert_eq!(body.code, masar_protocol::ApiErrorCode::SessionExpired);
}

async fn published_kids(t: &TestServer) -> Vec<String> {
    let set: serde_json::Value = t.http.get(t.url("/oidc/jwks")).send().await.unwrap().json().await.unwrap();
    set["keys"].as_array().unwrap().iter().map(|key| key["kid"].as_str().unwrap().to_owned()).collect()
}

fn kid_of(token: &str) -> String {
    use base64::Engine;
    let header = token.split('.').next().unwrap();
    let header: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap())
            .unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

/// An access token for `account` through the whole flow.
async fn access_token(t: &TestServer, client: &Client, account: &DemoAccount) -> String {
    let http = http();
    let authorized = authorize(t, client, account).await;
    let tokens = client
        .exchange_code(authorized.code)
        .unwrap()
        .set_pkce_verifier(authorized.verifier)
        .request_async(&|r| send(http.clone(), r))
        .await
        .unwrap();
    tokens.access_token().secret().clone()
}

/// A key signs for thirty days, then a new one does; the replaced key stays in the JWKS (and
/// its tokens stay good) while tokens it signed may be valid, and leaves it after.
#[tokio::test]
async fn signing_keys_rotate_and_a_replaced_key_is_published_while_its_tokens_live() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let client = client(&t).await;
    let first = published_kids(&t).await;
    assert_eq!(first.len(), 1);
    t.advance(30 * 86_400 - 60);
    let before = access_token(&t, &client, &account).await;
    assert_eq!(kid_of(&before), first[0], "the first key signs for thirty days");
    t.advance(120);
    let after = access_token(&t, &client, &account).await;
    let second = kid_of(&after);
    assert_ne!(second, first[0], "a new key signs after thirty days");
    assert_eq!(
        published_kids(&t).await,
        [second.clone(), first[0].clone()],
        "newest first, the old one kept"
    );
    assert_eq!(my_record(&t, &before).await.status(), StatusCode::OK, "a token of the old key is still good");
    // Twenty minutes on, nothing the old key signed is valid: it leaves the set.
    t.advance(20 * 60);
    assert_eq!(published_kids(&t).await, [second]);
}

/// The token endpoint's answer to an authorized request's code, with its verifier.
async fn exchanged(t: &TestServer, authorized: &Authorized) -> (StatusCode, serde_json::Value) {
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", "masar-desktop"),
        ("redirect_uri", REDIRECT),
        ("code", authorized.code.secret().as_str()),
        ("code_verifier", authorized.verifier.secret().as_str()),
    ];
    token_request(t, &form).await
}

/// The token endpoint's answer to a code, as raw JSON (the ID token and refresh token in it).
async fn signed_in_tokens(t: &TestServer, client: &Client, account: &DemoAccount) -> serde_json::Value {
    let authorized = authorize(t, client, account).await;
    let (status, tokens) = exchanged(t, &authorized).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    tokens
}

async fn refreshed(t: &TestServer, refresh_token: &str) -> (StatusCode, serde_json::Value) {
    let form =
        [("grant_type", "refresh_token"), ("client_id", "masar-desktop"), ("refresh_token", refresh_token)];
    token_request(t, &form).await
}

async fn end_session(t: &TestServer, query: &[(&str, &str)]) -> reqwest::Response {
    http().get(t.url("/oidc/logout")).query(query).send().await.unwrap()
}

/// RP-Initiated Logout: the ID token's session ends and the browser goes back to the app's
/// registered post-logout URI with its state; without the provider's own ID token nothing ends and
/// nobody is redirected.
#[tokio::test]
async fn the_end_session_endpoint_ends_only_the_session_its_id_token_names() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let client = client(&t).await;
    let discovery: serde_json::Value =
        t.http.get(t.url("/.well-known/openid-configuration")).send().await.unwrap().json().await.unwrap();
    assert_eq!(discovery["end_session_endpoint"], format!("{}/oidc/logout", t.server.base_url()));
    let mine = signed_in_tokens(&t, &client, &account).await;
    let other = signed_in_tokens(&t, &client, &account).await;
    let id_token = mine["id_token"].as_str().unwrap();

    // A changed signature, an access token, nothing: no session ends, no redirect is followed.
    let mut forged = id_token.to_owned();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let access = mine["access_token"].as_str().unwrap();
    let back = "http://127.0.0.1:49153/signed-out";
    for hint in [forged.as_str(), access, ""] {
        let response = end_session(&t, &[("id_token_hint", hint), ("post_logout_redirect_uri", back)]).await;
        assert_eq!(response.status(), StatusCode::OK, "the provider's own page");
        assert!(response.headers().get("location").is_none());
        assert!(response.text().await.unwrap().contains("لا توجد جلسة لتُنهى"));
    }
    // A redirect URI that is not registered: the session ends, the browser stays with the provider.
    let stranger = "https://attacker.example/signed-out";
    let response =
        end_session(&t, &[("id_token_hint", id_token), ("post_logout_redirect_uri", stranger)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("انتهت جلستك في مسار"));
    let (status, body) = refreshed(&t, mine["refresh_token"].as_str().unwrap()).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));

    // The other session, ended with the app's registered URI: back to the app with its state.
    let other_id = other["id_token"].as_str().unwrap();
    let response = end_session(
        &t,
        &[
            ("id_token_hint", other_id),
            ("post_logout_redirect_uri", back),
            ("state", "s-1"),
            ("ui_locales", "en"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], format!("{back}?state=s-1"));
    let (status, _) = refreshed(&t, other["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "its refresh token is refused");
}

/// However often it is refreshed, a session ends twelve hours after its sign-in; then only a full
/// sign-in continues.
#[tokio::test]
async fn a_session_ends_twelve_hours_after_its_sign_in_however_often_it_is_refreshed() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let client = client(&t).await;
    let mut tokens = signed_in_tokens(&t, &client, &account).await;
    // Refreshed every ten minutes up to one minute before the twelfth hour.
    for _ in 0..71 {
        t.advance(10 * 60);
        let (status, next) = refreshed(&t, tokens["refresh_token"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{next}");
        tokens = next;
    }
    t.advance(9 * 60);
    let (status, last) = refreshed(&t, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "11 h 59 min after the sign-in: {last}");
    // Its access token ends with the session, not fifteen minutes on.
    t.advance(60);
    let response = my_record(&t, last["access_token"].as_str().unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK, "the access token keeps its minute of leeway");
    t.advance(61);
    let (status, body) = refreshed(&t, last["refresh_token"].as_str().unwrap()).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    // A full sign-in starts a new session.
    let fresh = signed_in_tokens(&t, &client, &account).await;
    assert_eq!(my_record(&t, fresh["access_token"].as_str().unwrap()).await.status(), StatusCode::OK);
}

/// An authorization code is exchanged within a minute or never.
#[tokio::test]
async fn a_code_not_exchanged_within_a_minute_is_refused() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let client = client(&t).await;
    let authorized = authorize(&t, &client, &account).await;
    t.advance(60);
    let (status, body) = exchanged(&t, &authorized).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
}
