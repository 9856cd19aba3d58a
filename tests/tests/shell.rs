//! The shell in a real window: Arabic right-to-left, the employee from the server after signing
//! in, the connection indicator following the server, the English switch, a refused server
//! address, a server that answers garbage, settings saved while signed in.

use masar_e2e::{App, Launch, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn arabic_shell_shows_the_servers_employee_and_follows_the_connection() -> anyhow::Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;

    assert_eq!(app.root_attribute("dir").await?, "rtl");
    assert_eq!(app.root_attribute("lang").await?, "ar");
    assert_eq!(app.text("[data-testid=app-title]").await?, "بياناتي الوظيفية");
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    assert_eq!(app.text("[data-testid=connection-label]").await?, "متصل");

    app.sign_in(&account).await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    assert_eq!(app.text("[data-testid=national-id]").await?, account.national_id.as_str());
    app.screenshot("shell-online-ar").await?;

    // The server goes away: the indicator turns without a restart, and says why on hover.
    server.kill()?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    assert_eq!(app.text("[data-testid=connection-label]").await?, "غير متصل");
    let reason = app.find("[data-testid=connection]").await?.attr("title").await?.unwrap_or_default();
    assert!(reason.contains("تعذّر الوصول إلى الخادم"), "hover reason: {reason}");
    // What was loaded stays on screen.
    assert_eq!(app.text("[data-testid=employee-name]").await?, account.name_ar.full());
    app.screenshot("shell-offline-ar").await?;
    app.close().await
}

#[tokio::test]
async fn the_english_switch_flips_direction_and_strings_and_back() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    app.sign_in(&account).await?;

    app.click("[data-testid=language-toggle]").await?;
    app.wait_for("html[dir=ltr]").await?;
    assert_eq!(app.root_attribute("lang").await?, "en");
    assert_eq!(app.text("[data-testid=app-title]").await?, "My employment data");
    assert_eq!(app.text("[data-testid=connection-label]").await?, "Online");
    app.wait_for_text_where("[data-testid=employee-name]", |t| t.is_ascii() && !t.is_empty()).await?;
    app.screenshot("shell-online-en").await?;
    app.click("[data-testid=nav-contact]").await?;
    app.click("[data-testid=contact-edit]").await?;
    app.wait_for("[data-testid=contact-terms]").await?;
    app.screenshot("contact-edit-en").await?;
    app.click("[data-testid=contact-cancel]").await?;
    app.click("[data-testid=nav-overview]").await?;

    app.click("[data-testid=language-toggle]").await?;
    app.wait_for("html[dir=rtl]").await?;
    assert_eq!(app.root_attribute("lang").await?, "ar");
    assert_eq!(app.text("[data-testid=app-title]").await?, "بياناتي الوظيفية");
    assert_eq!(app.text("[data-testid=connection-label]").await?, "متصل");
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    app.close().await
}

#[tokio::test]
async fn an_invalid_server_address_is_refused_in_arabic_and_the_draft_is_kept() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let app = App::launch(&server.url).await?;
    // Before signing in: the first thing a new workstation may need is the server address.
    app.click("[data-testid=open-settings]").await?;
    app.type_into("[data-testid=server-url-input]", "http://masar.example.com").await?;
    app.click("[data-testid=settings-save]").await?;

    let error = app.wait_for("[data-testid=server-url-input-error]").await?.text().await?;
    assert!(error.contains("http") && error.contains("https://"), "message: {error}");
    assert!(error.contains("مسموح للخادم المحلي فقط"), "message: {error}");
    let kept = app.find("[data-testid=server-url-input]").await?.prop("value").await?.unwrap_or_default();
    assert_eq!(kept, "http://masar.example.com", "the typed address stays in the field");
    // Still connected to the server it had: nothing was changed.
    assert_eq!(app.text("[data-testid=server-url]").await?, format!("{}/", server.url));
    app.screenshot("settings-invalid-url-ar").await?;
    app.close().await
}

#[tokio::test]
async fn a_server_that_answers_garbage_shows_offline_with_the_reason() -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0_u8; 2048];
                let _ = socket.read(&mut request).await;
                let body = "<html>not masar</html>";
                let answer = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}", body.len());
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    let app = App::launch(&url).await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    let reason = app.find("[data-testid=connection]").await?.attr("title").await?.unwrap_or_default();
    assert!(reason.contains("خادم مسار"), "hover reason: {reason}");
    // Trying to sign in there says the same, and nothing is opened in the browser.
    app.click("[data-testid=sign-on-start]").await?;
    let error = app.wait_for("[data-testid=sign-on-error]").await?.text().await?;
    assert!(error.contains("خادم مسار"), "{error}");
    assert!(app.opened_urls().is_empty(), "no address given to the browser");
    app.screenshot("shell-garbage-server-ar").await?;
    app.close().await
}

#[tokio::test]
async fn settings_saved_while_signed_in_keep_the_page_its_confirmation_and_the_focus() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-settings]").await?;

    // A value out of range: the summary takes focus and leads to the field, which keeps it.
    app.type_into("[data-testid=idle-lock-input]", "500").await?;
    app.click("[data-testid=settings-save]").await?;
    app.wait_focused("settings-error").await?;
    let summary = app.text("[data-testid=settings-error]").await?;
    assert!(summary.contains("120"), "{summary}");
    app.click("[data-testid=settings-error-link]").await?;
    app.wait_focused("idle-lock-input").await?;
    app.screenshot("settings-idle-lock-error-ar").await?;

    // Fixed and saved: the page stays, with its confirmation, and focus stays on «حفظ».
    app.type_into("[data-testid=idle-lock-input]", "15").await?;
    app.click("[data-testid=text-size-select] option[value='125']").await?;
    app.click("[data-testid=settings-save]").await?;
    app.wait_for("[data-testid=settings-saved]").await?;
    app.wait_for("html[data-text-size='125']").await?;
    assert_eq!(app.focused().await?, "settings-save");
    assert_eq!(app.count("[data-testid=settings-error]").await?, 0, "the summary went with the problem");
    let kept = app.find("[data-testid=idle-lock-input]").await?.prop("value").await?;
    assert_eq!(kept.as_deref(), Some("15"));
    app.close().await
}

/// The administrator's policy sets the server: it goes over the address the app was started
/// with, and Settings shows it read-only, saying who set it. Without a policy the address is a
/// setting, and changing it signs the employee out first.
#[tokio::test]
async fn a_policy_locks_the_server_field_and_without_one_a_new_address_signs_out() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let dir = tempfile::tempdir()?;
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, format!(r#"{{ "$comment": "test", "serverUrl": "{}" }}"#, server.url))?;
    let app =
        App::launch_with("http://127.0.0.1:9", Launch { policy: Some(&policy), ..Launch::default() }).await?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    app.click("[data-testid=open-settings]").await?;
    let field = app.wait_for("[data-testid=server-url-input]").await?;
    assert!(field.attr("readonly").await?.is_some(), "the address cannot be typed over");
    let shown = field.prop("value").await?.unwrap_or_default();
    assert!(shown.starts_with(&server.url), "the policy's server: {shown}");
    let hint = app.text("#server-url-hint").await?;
    assert!(hint.contains("يحددها مسؤول النظام"), "{hint}");
    app.screenshot("settings-set-by-administrator-ar").await?;
    app.close().await?;

    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-settings]").await?;
    app.type_into("[data-testid=server-url-input]", "http://127.0.0.1:9").await?;
    app.click("[data-testid=settings-save]").await?;
    // Signed out: the settings of the start screen, then the start screen with the tile.
    app.wait_for("[data-testid=settings-back]").await?;
    assert_eq!(app.count("[data-testid=signed-in-user]").await?, 0, "signed out");
    app.screenshot("new-server-signed-out-ar").await?;
    app.click("[data-testid=settings-back]").await?;
    app.wait_for("[data-testid=profile-tile]").await?;
    app.close().await
}
