//! Signing in as the server's tests do it: on the built-in provider's pages, one step at a time,
//! as a browser makes it (one cookie), in English so a test reads the messages; then the token
//! endpoint's exchange, refresh and revocation, as a standard public client calls them.

use masar_protocol::{DemoAccount, WireSecret};
use masar_test_utils::provider::{Authorization, ProviderBrowser, authorization, hidden_request};
use reqwest::StatusCode;

use super::TestServer;

/// The tokens of a signed-in session (as the token endpoint answers; `Debug` hides them).
#[derive(Debug, serde::Deserialize)]
pub struct Tokens {
    pub access_token: WireSecret,
    pub refresh_token: WireSecret,
}

/// What a step of the pages answered.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub text: String,
    /// Where a redirect sends the browser (back to the client, with a code).
    pub location: Option<String>,
    pub retry_after: Option<u32>,
}

impl Page {
    async fn of(response: reqwest::Response) -> Self {
        let header =
            |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let (location, retry_after) =
            (header("location"), header("retry-after").and_then(|v| v.parse().ok()));
        let status = response.status();
        Self { status, text: response.text().await.unwrap(), location, retry_after }
    }

    /// Asserts the page's status and that it says `words`.
    pub fn says(&self, status: StatusCode, words: &str) -> &Self {
        assert_eq!(self.status, status, "{words}: {}", self.text);
        assert!(self.text.contains(words), "expected «{words}» in {}", self.text);
        self
    }

    /// The problem a refused step names (the summary's text), for comparing two answers.
    pub fn problem(&self) -> Option<&str> {
        let start = self.text.find(r#"<h2 id="summary-title">"#)?;
        let list = &self.text[start..];
        Some(&list[..list.find("</ul>").unwrap_or(list.len())])
    }

    /// The answer was the redirect back to the client with a code.
    pub fn signed_in(&self) -> bool {
        self.status == StatusCode::SEE_OTHER && self.location.as_deref().is_some_and(|l| l.contains("code="))
    }
}

/// A sign-in under way in one browser.
pub struct Attempt {
    browser: ProviderBrowser,
    request: String,
    authorization: Authorization,
}

pub const WRONG_CREDENTIALS: &str = "The national ID or the password is not correct.";
pub const PAUSED: &str = "Sign-in is paused after repeated wrong attempts.";
pub const LOCKED_15_MINUTES: &str =
    "Sign-in is paused after repeated wrong attempts. Try again in 15 minutes.";
/// The code page's field.
pub const CODE_FIELD: &str = r#"autocomplete="one-time-code""#;
pub const ATTEMPT_OVER: &str = "This sign-in attempt is over.";

impl TestServer {
    /// Opens a new authorization request's sign-in page.
    pub async fn attempt(&self) -> Attempt {
        Attempt::open(&self.server.base_url()).await
    }

    /// Signs `account` in (password, code, the code exchanged).
    pub async fn sign_in(&self, account: &DemoAccount) -> Tokens {
        let attempt = self.attempt().await;
        attempt
            .password(account.national_id.as_str(), &account.password)
            .await
            .says(StatusCode::OK, CODE_FIELD);
        let back = attempt.code(&self.latest_code(account).await).await;
        attempt.exchange(&back).await
    }

    /// `grant_type=refresh_token` at the token endpoint.
    pub async fn refresh(&self, refresh_token: &str) -> reqwest::Response {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", "masar-desktop"),
        ];
        self.http.post(self.url("/oidc/token")).form(&form).send().await.unwrap()
    }

    /// A refresh token revoked (RFC 7009): its session ends.
    pub async fn revoke(&self, refresh_token: &str) -> reqwest::Response {
        let form =
            [("token", refresh_token), ("token_type_hint", "refresh_token"), ("client_id", "masar-desktop")];
        self.http.post(self.url("/oidc/revoke")).form(&form).send().await.unwrap()
    }
}

/// The tokens of a refresh that must succeed.
pub async fn refreshed(t: &TestServer, refresh_token: &str) -> Tokens {
    let response = t.refresh(refresh_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

impl Attempt {
    /// Opens a new authorization request's sign-in page at the provider of `base`.
    pub async fn open(base: &str) -> Self {
        let authorization = authorization(base);
        let mut browser = ProviderBrowser::new(base);
        let (status, page) = browser.open(&authorization.url).await;
        assert_eq!(status, 200, "{page}");
        Self { request: hidden_request(&page), browser, authorization }
    }

    pub async fn password(&self, national_id: &str, password: &str) -> Page {
        self.password_from(national_id, password, &[]).await
    }

    /// The password form with more headers (a proxy's `X-Forwarded-For`).
    pub async fn password_from(&self, national_id: &str, password: &str, headers: &[(&str, &str)]) -> Page {
        let form = [
            ("request", self.request.as_str()),
            ("lang", "en"),
            ("national_id", national_id),
            ("password", password),
        ];
        Page::of(self.browser.post_with("/oidc/authorize/password", &form, headers).await).await
    }

    pub async fn code(&self, code: &str) -> Page {
        let form = [("request", self.request.as_str()), ("lang", "en"), ("code", code)];
        Page::of(self.browser.post("/oidc/authorize/code", &form).await).await
    }

    /// «Send a new code».
    pub async fn resend(&self) -> Page {
        let form = [("request", self.request.as_str()), ("lang", "en")];
        Page::of(self.browser.post("/oidc/authorize/resend", &form).await).await
    }

    /// The next forms go to another node of the same provider.
    pub fn move_to(&mut self, node: &TestServer) {
        self.browser.move_to(&node.server.base_url());
    }

    /// Exchanges the code the provider sent the browser back with.
    pub async fn exchange(&self, back: &Page) -> Tokens {
        assert!(back.signed_in(), "back to the client with a code: {back:?}");
        let tokens = self.authorization.exchange(back.location.as_deref().unwrap_or_default()).await;
        Tokens {
            access_token: WireSecret::new(tokens.access_token),
            refresh_token: WireSecret::new(tokens.refresh_token),
        }
    }
}
