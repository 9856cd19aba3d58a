//! Keyboard only: a clerk who does not use a mouse signs in (the single sign-on, then the
//! passphrase), opens Contact
//! data, leaves the form with Escape, enters a wrong mobile, reads the error summary, follows it to
//! the field, fixes it, saves with Ctrl+S, opens the list of shortcuts, locks with Ctrl+L, mistypes the passphrase, unlocks and skips to the content — with key
//! presses only, and the focus checked after every step.

use fantoccini::key::Key;
use masar_e2e::{App, Server};

#[tokio::test]
async fn a_keyboard_only_journey_signs_in_fixes_an_error_saves_and_locks() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;

    // Sign in: the single sign-on has the focus; Enter opens the provider's page in the
    // browser (filled in there); back in the app, the passphrase and its confirmation.
    app.wait_focused("sign-on-start").await?;
    let seen = app.opened_urls().len();
    app.key(Key::Enter).await?;
    app.wait_for("[data-testid=sign-on-waiting]").await?;
    let url = app.opened_urls().get(seen).cloned().ok_or_else(|| anyhow::anyhow!("no address opened"))?;
    app.sign_on_at_provider(&url, &account).await?;
    app.wait_focused("new-passphrase").await?;
    masar_e2e::record_typed_secret(&account.password)?;
    app.keys(&account.password).await?;
    app.key(Key::Tab).await?;
    app.wait_focused("confirm-passphrase").await?;
    app.keys(&account.password).await?;
    app.key(Key::Enter).await?;
    app.wait_for("[data-testid=signed-in-user]").await?;
    app.wait_focused("page-heading").await?;
    assert_eq!(
        app.text("[data-testid=page-heading]").await?,
        "نظرة عامة",
        "the heading is the navigation's word"
    );

    // Contact data: a wrong mobile, the summary, the link to the field.
    app.tab_to("nav-contact", true).await?;
    app.key(Key::Enter).await?;
    app.wait_for_text("[data-testid=page-heading]", "بيانات التواصل").await?;
    app.wait_focused("page-heading").await?;
    app.tab_to("contact-edit", false).await?;
    app.key(Key::Enter).await?;
    app.wait_focused("contact-mobile").await?;
    // Escape leaves the form and focus goes back to تعديل; Enter opens it again.
    app.key(Key::Escape).await?;
    app.wait_focused("contact-edit").await?;
    app.key(Key::Enter).await?;
    app.wait_focused("contact-mobile").await?;
    app.replace_text("0412345678").await?;
    app.tab_to("contact-terms", false).await?;
    app.key(Key::Space).await?;
    app.tab_to("contact-submit", false).await?;
    app.key(Key::Enter).await?;
    app.wait_focused("contact-error").await?;
    let summary = app.text("[data-testid=contact-error]").await?;
    assert!(summary.contains("رقم الجوال غير صحيح"), "{summary}");
    app.screenshot("keyboard-error-summary-ar").await?;
    app.key(Key::Tab).await?;
    app.wait_focused("contact-error-link").await?;
    app.key(Key::Enter).await?;
    app.wait_focused("contact-mobile").await?;
    app.replace_text("0555000123").await?;
    app.ctrl('s').await?;
    app.wait_focused("contact-notice").await?;
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555000123").await?;
    app.screenshot("keyboard-contact-saved-ar").await?;

    // The list of shortcuts: F1 opens it over the page, Escape closes it, focus comes back.
    app.key(Key::F1).await?;
    app.wait_focused("shortcuts-close").await?;
    let listed = app.text("[data-testid=shortcuts]").await?;
    assert!(listed.contains("Ctrl+L") && listed.contains("قفل التطبيق"), "{listed}");
    app.screenshot("keyboard-shortcuts-ar").await?;
    app.key(Key::Escape).await?;
    app.wait_gone("[data-testid=shortcuts]").await?;
    app.wait_focused("contact-notice").await?;

    // Lock (Ctrl+L) and unlock.
    app.ctrl('l').await?;
    app.wait_focused("unlock-password").await?;
    // A wrong passphrase: the summary takes focus and leads back to the field.
    app.keys("not-the-password").await?;
    app.key(Key::Enter).await?;
    app.wait_focused("unlock-error").await?;
    app.key(Key::Tab).await?;
    app.wait_focused("unlock-error-link").await?;
    app.key(Key::Enter).await?;
    app.wait_focused("unlock-password").await?;
    app.replace_text(&account.password).await?;
    app.key(Key::Enter).await?;
    app.wait_for("[data-testid=signed-in-user]").await?;
    app.wait_focused("page-heading").await?;

    // The skip link, first in the page, goes straight to the content.
    app.tab_to("skip-link", true).await?;
    app.key(Key::Enter).await?;
    app.wait_focused("main").await?;
    app.close().await
}
