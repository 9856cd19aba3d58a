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
        let mut request = self.http.post(format!("{}{path}", self.base)).form(form);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
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
