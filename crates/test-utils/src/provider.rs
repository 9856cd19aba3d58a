//! A browser for the built-in identity provider's pages, as a person fills them in: the
//! authorization URL opened (its cookie kept), national ID and password posted, then the code
//! from the demo phone (`/v1/dev/sms`). No redirect is followed: the caller sees where the
//! provider sends the browser back to, and follows it (to the app's loopback port) or not.

/// The fields of one demo sign-in.
#[derive(Debug, Clone)]
pub struct Person<'a> {
    pub national_id: &'a str,
    pub password: &'a str,
}

/// A browser with one cookie jar.
#[derive(Debug)]
pub struct ProviderBrowser {
    http: reqwest::Client,
    cookie: Option<String>,
    /// The provider's base URL (its issuer), no trailing slash.
    base: String,
}

/// The value of the hidden `request` field of a provider page.
pub fn hidden_request(page: &str) -> String {
    let marker = r#"name="request" value=""#;
    let start = page.find(marker).expect("a provider page with its request field") + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

impl ProviderBrowser {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { http, cookie: None, base: base.trim_end_matches('/').to_owned() }
    }

    /// Opens `url` (the authorization URL); returns the status and the page.
    pub async fn open(&mut self, url: &str) -> (u16, String) {
        let response = self.http.get(url).send().await.unwrap();
        if let Some(cookie) = response.headers().get("set-cookie") {
            self.cookie = cookie.to_str().unwrap().split(';').next().map(str::to_owned);
        }
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Posts one of the provider's forms.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.post_with(path, form, &[]).await
    }

    /// Posts one of the provider's forms with more headers (a proxy's `X-Forwarded-For`, say).
    pub async fn post_with(
        &self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self.http.post(format!("{}{path}", self.base)).form(form);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    /// From now on the forms go to another node of the same provider (behind one load balancer,
    /// the next request may reach any node).
    pub fn move_to(&mut self, base: &str) {
        base.trim_end_matches('/').clone_into(&mut self.base);
    }

    /// The code in the last SMS the demo phone of `national_id` received.
    pub async fn latest_code(&self, national_id: &str) -> String {
        let url = format!("{}/v1/dev/sms?national_id={national_id}", self.base);
        let messages: Vec<serde_json::Value> = self.http.get(url).send().await.unwrap().json().await.unwrap();
        let text = messages.last().expect("an SMS was sent")["text"].as_str().unwrap().to_owned();
        crate::six_digits(&text).expect("a code in the SMS")
    }

    /// Signs `person` in on the pages of `authorize` (password, then the SMS code); returns
    /// where the provider sends the browser back to.
    pub async fn sign_in(&mut self, authorize: &str, person: &Person<'_>) -> String {
        let (status, page) = self.open(authorize).await;
        assert_eq!(status, 200, "{page}");
        let request = hidden_request(&page);
        let password_form = [
            ("request", request.as_str()),
            ("lang", "ar"),
            ("national_id", person.national_id),
            ("password", person.password),
        ];
        let code_page = self.post("/oidc/authorize/password", &password_form).await;
        assert_eq!(code_page.status().as_u16(), 200);
        let code = self.latest_code(person.national_id).await;
        let back = self
            .post("/oidc/authorize/code", &[("request", &request), ("lang", "ar"), ("code", &code)])
            .await;
        assert_eq!(back.status().as_u16(), 303, "the provider sends the browser back");
        back.headers()["location"].to_str().unwrap().to_owned()
    }
}

/// Tokens of a sign-in made through the built-in provider as a standard public client would
/// (authorization code with PKCE S256, redirect to a loopback port nobody listens on, the code
/// exchanged): for tests that act outside the app (HR's steps, the server's own tests).
#[derive(Debug, Clone)]
pub struct ProviderTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub id_token: String,
}

/// An authorization request as a standard public client makes it (authorization code, PKCE
/// S256, a loopback redirect nobody listens on): its URL and what the exchange needs.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub url: String,
    verifier: String,
    base: String,
}

const CLIENT_ID: &str = "masar-desktop";
const REDIRECT: &str = "http://127.0.0.1:9/callback";

/// A new authorization request to the provider of `base`.
pub fn authorization(base: &str) -> Authorization {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let base = base.trim_end_matches('/');
    let verifier = hex::encode(crate::random_bytes::<32>());
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let state = hex::encode(crate::random_bytes::<8>());
    let mut url = url::Url::parse(&format!("{base}/oidc/authorize")).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("scope", "openid")
        .append_pair("state", &state)
        .append_pair("nonce", &state)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    Authorization { url: url.into(), verifier, base: base.to_owned() }
}

impl Authorization {
    /// Exchanges the code in `back` (where the provider sent the browser) for tokens.
    pub async fn exchange(&self, back: &str) -> ProviderTokens {
        let back = url::Url::parse(back).unwrap();
        let code = back.query_pairs().find(|(k, _)| k == "code").expect("a code came back").1.into_owned();
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("client_id", CLIENT_ID),
            ("code_verifier", self.verifier.as_str()),
        ];
        let answer: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/oidc/token", self.base))
            .form(&form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let field =
            |name: &str| answer[name].as_str().unwrap_or_else(|| panic!("no {name}: {answer}")).to_owned();
        ProviderTokens {
            access_token: field("access_token"),
            refresh_token: field("refresh_token"),
            id_token: field("id_token"),
        }
    }
}

/// Signs `person` in at the provider of `base` and exchanges the code for tokens.
pub async fn sign_in_for_tokens(base: &str, person: &Person<'_>) -> ProviderTokens {
    let request = authorization(base);
    let back = ProviderBrowser::new(base).sign_in(&request.url, person).await;
    request.exchange(&back).await
}
