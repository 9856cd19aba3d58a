//! Signing in as the national SSO does it, in a real window with the real OS keychain (Secret
//! Service in a private D-Bus session): the code from the demo phone, a wrong code, signing out,
//! signing in offline from the encrypted local copy, and the automatic lock.

use masar_e2e::{App, Launch, Server};

#[tokio::test]
async fn sign_in_with_the_sms_code_a_wrong_code_and_sign_out() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    app.screenshot("sign-in-ar").await?;

    app.submit_password(account.national_id.as_str(), &account.password).await?;
    app.wait_for("[data-testid=code-step]").await?;
    let masked = app.text("[data-testid=masked-mobile]").await?;
    assert!(masked.starts_with("05") && masked.contains('*'), "{masked}");
    let code = app.code_from_demo_phone().await?;
    app.screenshot("sign-in-code-step-ar").await?;

    let wrong = if code == "000000" { "111111" } else { "000000" };
    app.enter_code(wrong).await?;
    let message = app.wait_for("[data-testid=code-error]").await?.text().await?;
    assert_eq!(message, "رمز التحقق غير صحيح. المحاولات المتبقية: 4.");
    app.screenshot("sign-in-wrong-code-ar").await?;

    app.enter_code(&code).await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    let user = app.text("[data-testid=signed-in-user]").await?;
    assert!(user.contains(&account.name_ar.first), "{user}");
    app.screenshot("signed-in-home-ar").await?;

    app.click("[data-testid=sign-out-button]").await?;
    let tile = app.wait_for("[data-testid=profile-tile]").await?.text().await?;
    assert!(tile.contains(&account.name_ar.first), "the start screen lists the employee: {tile}");
    app.screenshot("signed-out-profiles-ar").await?;
    app.close().await
}

#[tokio::test]
async fn offline_sign_in_opens_the_local_copy_after_an_online_one() -> anyhow::Result<()> {
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
    app.click("[data-testid=profile-tile]").await?;
    let filled = app.find("[data-testid=national-id-input]").await?.prop("value").await?.unwrap_or_default();
    assert_eq!(filled, account.national_id.as_str(), "picking the tile fills the ID");

    app.type_into("[data-testid=password-input]", "not-the-password").await?;
    app.click("[data-testid=sign-in-submit]").await?;
    let wrong = app.wait_for("[data-testid=password-input-error]").await?.text().await?;
    assert!(wrong.contains("كلمة المرور غير صحيحة"), "{wrong}");

    app.type_into("[data-testid=password-input]", &account.password).await?;
    app.click("[data-testid=sign-in-submit]").await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    let banner = app.wait_for("[data-testid=offline-banner]").await?.text().await?;
    assert!(banner.contains("وضع عدم الاتصال"), "{banner}");
    app.wait_for("[data-testid=cached-at]").await?;
    app.screenshot("offline-sign-in-ar").await?;
    app.close().await
}

#[tokio::test]
async fn a_stranger_offline_is_told_the_first_sign_in_needs_the_network() -> anyhow::Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    server.kill()?;
    let app = App::launch(&server.url).await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.submit_password(account.national_id.as_str(), &account.password).await?;
    let message = app.wait_for("[data-testid=sign-in-error]").await?.text().await?;
    assert!(message.contains("لأول تسجيل دخول"), "{message}");
    app.close().await
}

#[tokio::test]
async fn the_app_locks_itself_when_idle_and_the_password_unlocks_it() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch_with(
        &server.url,
        Launch { data_dir: None, idle_lock_seconds: Some(6), ..Launch::default() },
    )
    .await?;
    // Password and code; after that nobody touches anything. The lock screen can only come
    // once signed in, so waiting for it does not race the idle time (however long sign-in took).
    app.submit_password(account.national_id.as_str(), &account.password).await?;
    app.wait_for("[data-testid=code-step]").await?;
    let code = app.code_from_demo_phone().await?;
    app.enter_code(&code).await?;
    app.wait_for("[data-testid=unlock-form]").await?;
    assert_eq!(app.count("[data-testid=employee-name]").await?, 0);
    app.screenshot("idle-locked-ar").await?;

    app.type_into("[data-testid=unlock-password]", "wrong").await?;
    app.click("[data-testid=unlock-submit]").await?;
    let error = app.wait_for("[data-testid=unlock-error]").await?.text().await?;
    assert!(error.contains("كلمة المرور غير صحيحة"), "{error}");
    app.type_into("[data-testid=unlock-password]", &account.password).await?;
    app.click("[data-testid=unlock-submit]").await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    app.close().await
}

#[tokio::test]
async fn a_session_the_server_no_longer_knows_asks_for_password_and_code_over_the_page() -> anyhow::Result<()>
{
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;

    // The server forgets every session (a new server with fresh data on the same address).
    server.replace_with_fresh()?;
    app.click("[data-testid=nav-settings]").await?;
    app.click("[data-testid=nav-overview]").await?;

    // Signing in again happens over the page; the ID is already there.
    app.wait_for("[data-testid=reauth]").await?;
    let id = app.find("[data-testid=reauth] [data-testid=national-id-input]").await?.prop("value").await?;
    assert_eq!(id.as_deref(), Some(account.national_id.as_str()));
    app.screenshot("session-ended-reauth-ar").await?;
    app.sign_in_again(&account.password).await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    app.close().await
}

#[tokio::test]
async fn signing_in_again_keeps_an_open_form_and_what_was_typed_in_it() -> anyhow::Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-contact]").await?;
    app.click("[data-testid=contact-edit]").await?;
    app.type_into("[data-testid='contact-mobile']", "0555111222").await?;

    // The server forgets every session; the next background sync round finds out.
    server.replace_with_fresh()?;
    app.wait_for("[data-testid=reauth]").await?;
    app.wait_focused("password-input").await?;
    app.screenshot("reauth-over-open-form-ar").await?;
    app.sign_in_again(&account.password).await?;

    // The form is still open with the typed mobile in it, ready to be sent.
    let kept = app.find("[data-testid='contact-mobile']").await?.prop("value").await?;
    assert_eq!(kept.as_deref(), Some("0555111222"));
    app.check("[data-testid=contact-terms]").await?;
    app.click("[data-testid=contact-submit]").await?;
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555111222").await?;
    app.wait_for_text("[data-testid=edit-status]", "تمت المزامنة").await?;
    app.close().await
}
