//! Signing in as the national single sign-on does it, in a real window with the real OS keychain
//! (Secret Service in a private D-Bus session): the app opens the provider's page "in the
//! system browser" (the harness's recorder), Chromium fills it in and goes back to the app's
//! loopback port, the first sign-on asks for a passphrase; signing out; offline with the
//! passphrase; the automatic lock; a sign-on again over the open page when the session ends.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use masar_e2e::browser::{chromium, screenshot};
use masar_e2e::{App, Launch, Server, axe_check, record_typed_secret, six_digits};

async fn latest_code(server: &Server, national_id: &str) -> Result<String> {
    let sent: Vec<masar_protocol::auth::DevSms> =
        reqwest::get(format!("{}/v1/dev/sms?national_id={national_id}", server.url)).await?.json().await?;
    sent.last().and_then(|sms| six_digits(&sms.text)).context("no code was sent")
}

#[tokio::test]
async fn the_app_signs_in_through_the_providers_pages_in_chromium_and_asks_for_a_passphrase() -> Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    app.screenshot("sign-in-ar").await?;

    // The main action opens the provider's page in "the system browser"; the app waits, with
    // the address to copy and a way to cancel.
    let url = app.start_sign_on("").await?;
    app.wait_for("[data-testid=sign-on-waiting]").await?;
    let shown = app.find("[data-testid=sign-on-url]").await?.prop("value").await?.unwrap_or_default();
    ensure!(shown == url, "the address shown is the one opened: {shown}");
    ensure!(url.starts_with(&format!("{}/oidc/authorize?", server.url)), "{url}");
    ensure!(url.contains("code_challenge_method=S256") && url.contains("nonce="), "{url}");
    app.screenshot("sign-on-waiting-ar").await?;

    // Chromium: the provider's pages, as the employee fills them in.
    let browser = chromium().await?;
    browser.goto(&url).await?;
    record_typed_secret(&account.password)?;
    browser.find(Locator::Id("national_id")).await?.send_keys(account.national_id.as_str()).await?;
    browser.find(Locator::Id("password")).await?.send_keys(&account.password).await?;
    browser.find(Locator::Css("form button[type=submit]")).await?.click().await?;
    browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Id("code")).await?;
    let phone = browser.find(Locator::Css(".notice")).await?.text().await?;
    let code = latest_code(&server, account.national_id.as_str()).await?;
    ensure!(
        phone.contains("هاتف العرض التجريبي") && phone.contains(&code),
        "the demo phone on the page: {phone}"
    );
    record_typed_secret(&code)?;
    browser.find(Locator::Id("code")).await?.send_keys(&code).await?;
    browser.find(Locator::Css("form button[type=submit]")).await?.click().await?;

    // Back at the app's loopback port: its page says to return to the app, in both languages.
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("main section[lang=en]"))
        .await?;
    let returned = browser.current_url().await?;
    ensure!(returned.host_str() == Some("127.0.0.1") && returned.path() == "/callback", "{returned}");
    let page = browser.find(Locator::Css("main")).await?.text().await?;
    ensure!(page.contains("ارجع إلى تطبيق مسار") && page.contains("return to the Masar app"), "{page}");
    axe_check(&browser, "sign-on-return-page").await?;
    screenshot(&browser, "sign-on-return-page").await?;
    browser.close().await?;

    // The first sign-on here: the passphrase, explained; a weak one is refused at its field.
    app.wait_for("[data-testid=passphrase-form]").await?;
    let explained = app.text("[data-testid=passphrase-form]").await?;
    ensure!(explained.contains("دون اتصال") && explained.contains("10 أحرف"), "{explained}");
    app.screenshot("choose-passphrase-ar").await?;
    app.choose_passphrase("qz7-kw").await?;
    let weak = app.wait_for("[data-testid=passphrase-error]").await?.text().await?;
    ensure!(weak.contains("قصيرة أو سهلة التخمين"), "{weak}");
    app.screenshot("choose-passphrase-weak-ar").await?;
    app.choose_passphrase("نخلة الواحة الخضراء").await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    let user = app.text("[data-testid=signed-in-user]").await?;
    ensure!(user.contains(&account.name_ar.first), "{user}");
    app.screenshot("signed-in-home-ar").await?;

    app.click("[data-testid=sign-out-button]").await?;
    let tile = app.wait_for("[data-testid=profile-tile]").await?.text().await?;
    ensure!(tile.contains(&account.name_ar.first), "the start screen lists the employee: {tile}");
    ensure!(tile.contains(&account.national_id.masked()), "by the masked ID: {tile}");
    ensure!(!tile.contains(account.national_id.as_str()), "never the full ID: {tile}");
    app.screenshot("signed-out-profiles-ar").await?;
    // Signing out opened the provider's end-session page with the ID token as its hint.
    let opened = app.opened_urls();
    let end = opened.last().context("nothing opened at sign-out")?;
    ensure!(
        end.starts_with(&format!("{}/oidc/logout?", server.url)) && end.contains("id_token_hint="),
        "{end}"
    );
    app.close().await
}

/// A workstation where the browser cannot be opened: the app says so in both languages and
/// shows the address to copy.
#[tokio::test]
async fn where_no_browser_opens_the_address_is_shown_to_copy() -> Result<()> {
    let server = Server::start_demo()?;
    let launch = Launch { browser: Some(std::path::Path::new("/nonexistent/browser")), ..Launch::default() };
    let app = App::launch_with(&server.url, launch).await?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    app.click("[data-testid=sign-on-start]").await?;
    let waiting = app.wait_for("[data-testid=sign-on-waiting]").await?.text().await?;
    ensure!(waiting.contains("تعذّر فتح المتصفح") && waiting.contains("انسخ العنوان"), "{waiting}");
    let url = app.find("[data-testid=sign-on-url]").await?.prop("value").await?.unwrap_or_default();
    ensure!(url.starts_with(&format!("{}/oidc/authorize?", server.url)), "{url}");
    app.screenshot("sign-on-no-browser-ar").await?;
    app.click("[data-testid=language-toggle]").await?;
    app.wait_for("html[dir=ltr]").await?;
    let english = app.text("[data-testid=sign-on-waiting]").await?;
    ensure!(english.contains("The browser could not be opened"), "{english}");
    app.click("[data-testid=sign-on-cancel]").await?;
    app.close().await
}

#[tokio::test]
async fn cancelling_a_sign_on_goes_back_to_the_start() -> Result<()> {
    let server = Server::start_demo()?;
    let app = App::launch(&server.url).await?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    let first = app.start_sign_on("").await?;
    app.click("[data-testid=sign-on-cancel]").await?;
    app.wait_for("[data-testid=sign-on-start]").await?;
    ensure!(app.count("[data-testid=sign-on-error]").await? == 0, "a cancel asked for is no error");
    // The cancelled sign-on's port is closed: its address leads nowhere now.
    let redirect = url::Url::parse(&first)?
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .context("no redirect_uri")?;
    ensure!(reqwest::get(&redirect).await.is_err(), "the loopback port is closed");
    app.close().await
}

#[tokio::test]
async fn offline_the_passphrase_opens_the_local_copy_after_an_online_sign_in() -> Result<()> {
    let workstation = tempfile::tempdir()?;
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let launch = Launch { data_dir: Some(workstation.path()), idle_lock_seconds: None, ..Launch::default() };

    let app = App::launch_with(&server.url, launch.clone()).await?;
    app.sign_in(&account).await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    app.close().await?;

    // The network is gone; the app starts again on the same workstation.
    server.kill()?;
    let app = App::launch_with(&server.url, launch).await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.open_from_tile("not-the-passphrase").await?;
    let wrong = app.wait_for("[data-testid=passphrase-input-error]").await?.text().await?;
    ensure!(wrong.contains("عبارة المرور غير صحيحة"), "{wrong}");
    app.screenshot("offline-wrong-passphrase-ar").await?;

    app.type_into("[data-testid=passphrase-input]", &account.password).await?;
    app.click("[data-testid=offline-open]").await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    let banner = app.wait_for("[data-testid=offline-banner]").await?.text().await?;
    ensure!(banner.contains("وضع عدم الاتصال"), "{banner}");
    app.wait_for("[data-testid=cached-at]").await?;
    app.screenshot("offline-sign-in-ar").await?;
    app.close().await
}

#[tokio::test]
async fn a_stranger_offline_is_told_the_first_sign_in_needs_the_network() -> Result<()> {
    let mut server = Server::start_demo()?;
    server.kill()?;
    let app = App::launch(&server.url).await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.click("[data-testid=sign-on-start]").await?;
    let message = app.wait_for("[data-testid=sign-on-error]").await?.text().await?;
    ensure!(message.contains("لأول تسجيل دخول"), "{message}");
    app.close().await
}

#[tokio::test]
async fn the_app_locks_itself_when_idle_and_the_passphrase_unlocks_it() -> Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch_with(
        &server.url,
        Launch { data_dir: None, idle_lock_seconds: Some(6), ..Launch::default() },
    )
    .await?;
    // The sign-in; after that nobody touches anything. The lock screen can only come once
    // signed in, so waiting for it does not race the idle time (however long sign-in took).
    let url = app.start_sign_on("").await?;
    app.sign_on_at_provider(&url, &account).await?;
    app.choose_passphrase(&account.password).await?;
    app.wait_for("[data-testid=unlock-form]").await?;
    ensure!(app.count("[data-testid=employee-name]").await? == 0);
    app.screenshot("idle-locked-ar").await?;

    app.type_into("[data-testid=unlock-password]", "wrong").await?;
    app.click("[data-testid=unlock-submit]").await?;
    let error = app.wait_for("[data-testid=unlock-error]").await?.text().await?;
    ensure!(error.contains("عبارة المرور غير صحيحة"), "{error}");
    app.type_into("[data-testid=unlock-password]", &account.password).await?;
    app.click("[data-testid=unlock-submit]").await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    app.close().await
}

#[tokio::test]
async fn the_idle_lock_closes_the_vault_behind_an_open_re_authentication() -> Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch_with(
        &server.url,
        Launch { data_dir: None, idle_lock_seconds: Some(8), ..Launch::default() },
    )
    .await?;
    app.sign_in(&account).await?;
    // The server forgets every session; the employee keeps working (a key now and then) until
    // the re-authentication dialog asks them to sign on again.
    server.replace_with_fresh()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while app.count("[data-testid=reauth]").await? == 0 {
        ensure!(Instant::now() < deadline, "no re-authentication dialog");
        ensure!(app.count("[data-testid=unlock-form]").await? == 0, "locked while the employee worked");
        app.key(fantoccini::key::Key::Shift).await?;
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    // Then nobody touches anything: the core locks the vault with the dialog still open (the
    // page no longer counted the time while it was).
    app.wait_for("[data-testid=unlock-form]").await?;
    ensure!(app.count("[data-testid=reauth]").await? == 0, "the dialog went with the vault");
    ensure!(app.count("[data-testid=employee-name]").await? == 0, "the record is not on screen");
    app.screenshot("idle-locked-behind-reauth-ar").await?;
    app.close().await
}

#[tokio::test]
async fn signing_on_again_over_the_page_keeps_an_open_form_and_what_was_typed_in_it() -> Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-contact]").await?;
    app.click("[data-testid=contact-edit]").await?;
    app.type_into("[data-testid='contact-mobile']", "0555111222").await?;

    // The server forgets every session (a new server with fresh data and keys on the same
    // address); the next background sync round finds out.
    server.replace_with_fresh()?;
    app.wait_for("[data-testid=reauth]").await?;
    app.screenshot("reauth-over-open-form-ar").await?;
    app.sign_in_again(&account).await?;

    // The form is still open with the typed mobile in it, ready to be sent.
    let kept = app.find("[data-testid='contact-mobile']").await?.prop("value").await?;
    ensure!(kept.as_deref() == Some("0555111222"), "{kept:?}");
    app.check("[data-testid=contact-terms]").await?;
    app.click("[data-testid=contact-submit]").await?;
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555111222").await?;
    app.wait_for_text("[data-testid=edit-status]", "وصل إلى مسار").await?;
    app.close().await
}
