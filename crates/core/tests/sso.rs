//! The app's single sign-on against the real server's built-in provider, in-process on
//! 127.0.0.1:0: discovery, the authorization URL (PKCE S256, state, nonce), the provider's pages
//! filled in by a browser, the browser's return to the loopback port, the code exchanged and the
//! ID token verified; then refresh, revocation and the end-session address. And what must be
//! refused: a look-alike issuer, an answer from another issuer, a cancelled sign-in, a reused
//! refresh token.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use masar_core::secret::{ExposeSecret, SecretString};
use masar_core::sso::{DEFAULT_CLIENT_ID, Issuer, SignedOn, SsoError};
use masar_protocol::{DemoAccount, EmployeeRecord};
use masar_server::{RunningServer, ServerConfig};
use masar_test_utils::provider::{Person, ProviderBrowser};

struct World {
    server: RunningServer,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let server = masar_server::start(&ServerConfig::demo_on_loopback(dir.path()), std::future::pending())
            .await
            .unwrap();
        Self { server, _dir: dir }
    }

    fn url(&self) -> String {
        self.server.base_url()
    }

    async fn account(&self) -> DemoAccount {
        let accounts: Vec<DemoAccount> =
            reqwest::get(format!("{}/v1/dev/accounts", self.url())).await.unwrap().json().await.unwrap();
        accounts.into_iter().next().unwrap()
    }

    async fn issuer(&self) -> Issuer {
        Issuer::discover(&self.url(), DEFAULT_CLIENT_ID).await.unwrap()
    }

    /// A whole sign-on: the browser fills the pages and goes back to the app's port.
    async fn sign_on(&self, issuer: &Issuer, account: &DemoAccount) -> SignedOn {
        let pending = issuer.begin("ar").await.unwrap();
        let url = pending.url.to_string();
        let finishing = {
            let issuer = issuer.clone();
            tokio::spawn(async move { issuer.finish(pending, Duration::from_secs(60)).await })
        };
        let person = Person { national_id: account.national_id.as_str(), password: &account.password };
        let back = ProviderBrowser::new(&self.url()).sign_in(&url, &person).await;
        assert!(back.starts_with("http://127.0.0.1:"), "{back}");
        let page = reqwest::get(&back).await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("ارجع إلى تطبيق مسار"));
        finishing.await.unwrap().unwrap()
    }

    async fn record(&self, token: &SecretString) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}/v1/me/record", self.url()))
            .bearer_auth(token.expose_secret())
            .send()
            .await
            .unwrap()
    }
}

fn query(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

#[tokio::test]
async fn the_app_signs_on_in_the_browser_and_its_tokens_open_masar() {
    let w = World::new().await;
    let account = w.account().await;
    let issuer = w.issuer().await;
    assert_eq!(issuer.issuer(), w.url());

    let pending = issuer.begin("ar").await.unwrap();
    let url = pending.url.clone();
    assert_eq!(url.path(), "/oidc/authorize");
    assert_eq!(query(&url, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(query(&url, "client_id").as_deref(), Some(DEFAULT_CLIENT_ID));
    assert_eq!(query(&url, "ui_locales").as_deref(), Some("ar en"));
    assert!(query(&url, "redirect_uri").unwrap().starts_with("http://127.0.0.1:"));
    assert!(query(&url, "state").unwrap().len() >= 16 && query(&url, "nonce").unwrap().len() >= 16);
    drop(pending);
    // An issuer that wants Masar's API scope and resource named is asked for them.
    let asking = issuer.clone().asking(&["api".to_owned()], Some("urn:masar:api"));
    let pending = asking.begin("en").await.unwrap();
    assert_eq!(query(&pending.url, "scope").as_deref(), Some("openid api"));
    assert_eq!(query(&pending.url, "resource").as_deref(), Some("urn:masar:api"));
    assert_eq!(query(&pending.url, "ui_locales").as_deref(), Some("en ar"));
    drop(pending);

    let signed_on = w.sign_on(&issuer, &account).await;
    assert!(!signed_on.subject.is_empty());
    let record = w.record(&signed_on.tokens.access_token).await;
    assert_eq!(record.status(), 200);
    let record: EmployeeRecord = record.json().await.unwrap();
    assert_eq!(record.profile.national_id, account.national_id, "the token is this employee's");

    // Refresh rotates; the used refresh token, sent again, ends the session (theft).
    let first_refresh = signed_on.tokens.refresh_token.unwrap();
    let refreshed = issuer.refresh(&first_refresh).await.unwrap();
    assert_eq!(w.record(&refreshed.access_token).await.status(), 200);
    assert!(matches!(issuer.refresh(&first_refresh).await, Err(SsoError::SessionEnded)));
    let rotated = refreshed.refresh_token.unwrap();
    assert!(matches!(issuer.refresh(&rotated).await, Err(SsoError::SessionEnded)), "the whole session ended");
}

#[tokio::test]
async fn signing_out_revokes_and_names_the_end_session_address() {
    let w = World::new().await;
    let account = w.account().await;
    let issuer = w.issuer().await;
    let signed_on = w.sign_on(&issuer, &account).await;
    let refresh = signed_on.tokens.refresh_token.unwrap();
    let id_token = signed_on.tokens.id_token.unwrap();

    let end = issuer.end_session_url(&id_token, Some("http://127.0.0.1/signed-out")).unwrap();
    assert_eq!(end.path(), "/oidc/logout");
    assert_eq!(query(&end, "client_id").as_deref(), Some(DEFAULT_CLIENT_ID));
    assert_eq!(query(&end, "id_token_hint").as_deref(), Some(id_token.expose_secret()));
    // The browser opens it: the session ends and the browser is sent to the app's address.
    let no_redirects =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let ended = no_redirects.get(end).send().await.unwrap();
    assert_eq!(ended.status(), 303);
    assert!(ended.headers()["location"].to_str().unwrap().starts_with("http://127.0.0.1/signed-out"));
    assert!(matches!(issuer.refresh(&refresh).await, Err(SsoError::SessionEnded)));

    // Revocation, the other way out: the session's refresh token is refused after it.
    let again = w.sign_on(&issuer, &account).await.tokens.refresh_token.unwrap();
    issuer.revoke(&again).await.unwrap();
    assert!(matches!(issuer.refresh(&again).await, Err(SsoError::SessionEnded)));
}

#[tokio::test]
async fn a_look_alike_issuer_and_an_unreachable_one_are_told_apart() {
    let w = World::new().await;
    // The same server under another name: its document names 127.0.0.1, not localhost.
    let look_alike = w.url().replace("127.0.0.1", "localhost");
    assert!(matches!(Issuer::discover(&look_alike, DEFAULT_CLIENT_ID).await, Err(SsoError::Discovery(_))));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let unreachable = Issuer::discover(&address, DEFAULT_CLIENT_ID).await;
    assert!(matches!(&unreachable, Err(error) if error.is_network()), "{unreachable:?}");
    // Plain http to another machine is refused before anything is sent there.
    let insecure = Issuer::discover("http://sso.example.sa", DEFAULT_CLIENT_ID).await;
    assert!(
        matches!(&insecure, Err(SsoError::Discovery(reason)) if reason.contains("plain http")),
        "{insecure:?}"
    );
}

/// The browser comes back with what the app did not ask for: another issuer's answer (a mix-up,
/// RFC 9207), or the sign-in cancelled.
#[tokio::test]
async fn an_answer_from_another_issuer_or_a_cancelled_sign_in_signs_nobody_in() {
    let w = World::new().await;
    let issuer = w.issuer().await;
    for (extra, expected) in
        [("code=abc&iss=https%3A%2F%2Fsso.example", "WrongIssuer"), ("error=access_denied", "Refused")]
    {
        let pending = issuer.begin("en").await.unwrap();
        let (redirect, state) =
            (query(&pending.url, "redirect_uri").unwrap(), query(&pending.url, "state").unwrap());
        let finishing = {
            let issuer = issuer.clone();
            tokio::spawn(async move { issuer.finish(pending, Duration::from_secs(60)).await })
        };
        let answer = reqwest::get(format!("{redirect}?{extra}&state={state}")).await.unwrap();
        assert_eq!(answer.status(), 200);
        let outcome = finishing.await.unwrap();
        let name = match &outcome {
            Err(SsoError::WrongIssuer) => "WrongIssuer",
            Err(SsoError::Refused(error)) if error == "access_denied" => "Refused",
            _ => "something else",
        };
        assert_eq!(name, expected, "{outcome:?}");
    }
}
