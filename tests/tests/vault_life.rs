//! Nothing unsent is ever orphaned by the passphrase's troubles: offline, an edit waits; five
//! wrong passphrases at the lock screen leave only the single sign-on, which opens the same
//! local copy; a forgotten passphrase is a new one after a sign-on. Each time the edit reaches
//! the server exactly once.

use masar_e2e::{App, Launch, Server};
use masar_protocol::DemoAccount;

/// Signed in on a workstation in `dir`; then the server goes away and the mobile is changed:
/// the edit waits («محفوظ على الجهاز»).
async fn edit_mobile_offline(
    server: &mut Server,
    account: &DemoAccount,
    dir: &std::path::Path,
    mobile: &str,
) -> anyhow::Result<App> {
    let app = App::launch_with(
        &server.url,
        Launch { data_dir: Some(dir), idle_lock_seconds: None, ..Launch::default() },
    )
    .await?;
    app.sign_in(account).await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    server.kill()?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.submit_mobile(mobile).await?;
    app.wait_for_text_where("[data-testid=edit-status]", |t| t.starts_with("محفوظ على الجهاز")).await?;
    Ok(app)
}

/// The server's mobile for `account`, and how many times an edit was applied.
fn applied(server: &Server, account: &DemoAccount) -> anyhow::Result<(String, i64, i64)> {
    let db = rusqlite::Connection::open(server.database())?;
    let mobile: String = db.query_row(
        "SELECT mobile FROM employees WHERE national_id = ?1",
        [account.national_id.as_str()],
        |row| row.get(0),
    )?;
    let results: i64 = db.query_row("SELECT count(*) FROM sync_results", [], |row| row.get(0))?;
    let changes: i64 =
        db.query_row("SELECT count(*) FROM changes WHERE version > 1", [], |row| row.get(0))?;
    Ok((mobile, results, changes))
}

#[tokio::test]
async fn after_five_wrong_passphrases_the_sign_on_opens_the_same_copy_and_its_edit_goes_once()
-> anyhow::Result<()> {
    let workstation = tempfile::tempdir()?;
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = edit_mobile_offline(&mut server, &account, workstation.path(), "0555700701").await?;

    // At the lock screen, five wrong passphrases: only the single sign-on opens the copy now.
    app.click("[data-testid=lock-button]").await?;
    app.wait_for("[data-testid=unlock-form]").await?;
    for attempt in 1..=4 {
        app.type_into("[data-testid=unlock-password]", &format!("wrong-{attempt}")).await?;
        app.click("[data-testid=unlock-submit]").await?;
        let expected = format!("{}.", 5 - attempt);
        app.wait_for_text_where("[data-testid=unlock-error]", |t| t.contains(&expected)).await?;
    }
    app.type_into("[data-testid=unlock-password]", "wrong-5").await?;
    app.click("[data-testid=unlock-submit]").await?;
    app.wait_for_text_where("[data-testid=needs-sign-on]", |t| t.contains("النفاذ الوطني الموحد")).await?;
    assert_eq!(app.count("[data-testid=unlock-password]").await?, 0, "no passphrase field any more");
    app.screenshot("lock-needs-sign-on-ar").await?;

    // The network is back: the sign-on from the lock screen opens the same copy; the edit goes.
    let server = server.start_again()?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    let url = app.start_sign_on("").await?;
    app.sign_on_at_provider(&url, &account).await?;
    app.wait_for("[data-testid=signed-in-user]").await?;
    app.click("[data-testid=nav-contact]").await?;
    app.wait_for_text("[data-testid=edit-status]", "وصل إلى مسار").await?;
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555700701").await?;
    app.screenshot("locked-profile-edit-synced-ar").await?;
    app.close().await?;
    assert_eq!(applied(&server, &account)?, ("+966555700701".into(), 1, 1), "applied exactly once");
    Ok(())
}

#[tokio::test]
async fn a_forgotten_passphrase_is_a_new_one_after_a_sign_on_and_the_waiting_edit_goes_once()
-> anyhow::Result<()> {
    let workstation = tempfile::tempdir()?;
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = edit_mobile_offline(&mut server, &account, workstation.path(), "0555700702").await?;
    app.click("[data-testid=lock-button]").await?;
    app.wait_for("[data-testid=unlock-form]").await?;

    // «نسيت عبارة المرور؟»: a sign-on, then a new passphrase; the copy and its edit stay.
    let server = server.start_again()?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    app.screenshot("lock-screen-forgot-ar").await?;
    let url = app.start_sign_on("").await?;
    app.sign_on_at_provider(&url, &account).await?;
    let kept = app.wait_for("[data-testid=passphrase-kept]").await?.text().await?;
    assert!(kept.contains("تعديل واحد"), "{kept}");
    app.screenshot("new-passphrase-after-sign-on-ar").await?;
    app.choose_passphrase("a new passphrase 2026").await?;
    app.wait_for("[data-testid=signed-in-user]").await?;
    app.click("[data-testid=nav-contact]").await?;
    app.wait_for_text("[data-testid=edit-status]", "وصل إلى مسار").await?;

    // From now on the new passphrase unlocks, and the old one does not.
    app.click("[data-testid=lock-button]").await?;
    app.type_into("[data-testid=unlock-password]", &account.password).await?;
    app.click("[data-testid=unlock-submit]").await?;
    app.wait_for_text_where("[data-testid=unlock-error]", |t| t.contains("عبارة المرور غير صحيحة")).await?;
    app.type_into("[data-testid=unlock-password]", "a new passphrase 2026").await?;
    app.click("[data-testid=unlock-submit]").await?;
    app.wait_for("[data-testid=signed-in-user]").await?;
    app.close().await?;
    assert_eq!(applied(&server, &account)?, ("+966555700702".into(), 1, 1), "applied exactly once");
    Ok(())
}
