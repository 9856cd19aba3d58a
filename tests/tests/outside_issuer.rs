//! The same sign-in with an identity provider the product did not write: masar-server trusts the
//! npm `oidc-provider` (an OpenID Certified implementation) and the administrator's policy tells
//! the app to ask it for Masar's API (scope and resource indicator). Chromium goes through that
//! provider's own sign-in and consent pages; the app comes back signed in, its first passphrase
//! chosen, and the employee's record shows.

use std::time::Duration;

use anyhow::{Result, ensure};
use fantoccini::Locator;
use masar_e2e::browser::{chromium, screenshot};
use masar_e2e::{App, Launch, OutsideIssuer, Server};

#[tokio::test]
async fn the_app_signs_in_at_an_identity_provider_it_did_not_write() -> Result<()> {
    let issuer = OutsideIssuer::start()?;
    let server = Server::start_demo_trusting(&issuer.issuer)?;
    let account = server.first_account().await?;
    let dir = tempfile::tempdir()?;
    let policy = dir.path().join("policy.json");
    let text = serde_json::json!({
        "serverUrl": server.url,
        "issuer": issuer.issuer,
        "scopes": ["api"],
        "resource": "urn:masar:api",
    });
    std::fs::write(&policy, text.to_string())?;
    let app = App::launch_with(&server.url, Launch { policy: Some(&policy), ..Launch::default() }).await?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;

    let url = app.start_sign_on("").await?;
    ensure!(url.starts_with(&issuer.issuer), "the policy's issuer: {url}");
    ensure!(url.contains("resource=urn%3Amasar%3Aapi") && url.contains("scope=openid+api"), "{url}");
    let browser = chromium().await?;
    browser.goto(&url).await?;
    // The provider's own pages: its sign-in form (the user name is the national ID), then consent.
    let login = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("input[name=login]"))
        .await?;
    login.send_keys(account.national_id.as_str()).await?;
    browser.find(Locator::Css("input[name=password]")).await?.send_keys("any-password").await?;
    screenshot(&browser, "outside-issuer-sign-in").await?;
    browser.find(Locator::Css("button[type=submit]")).await?.click().await?;
    // The consent page, once the sign-in form has gone (its own submit button would match too).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while browser.find(Locator::Css("input[name=login]")).await.is_ok() {
        ensure!(std::time::Instant::now() < deadline, "the provider did not leave its sign-in form");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let consent = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("button[type=submit]"))
        .await?;
    screenshot(&browser, "outside-issuer-consent").await?;
    consent.click().await?;
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("main section[lang=en]"))
        .await?;
    let returned = browser.current_url().await?;
    ensure!(returned.host_str() == Some("127.0.0.1") && returned.path() == "/callback", "{returned}");
    browser.close().await?;

    app.wait_for("[data-testid=passphrase-form]").await?;
    app.choose_passphrase("نخلة الواحة الخضراء").await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    app.screenshot("outside-issuer-signed-in-ar").await?;
    app.close().await
}
