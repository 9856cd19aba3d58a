//! The lockout path that once lost an edit: offline, an edit waits; five wrong passwords at the
//! lock screen lock the local profile; the network returns; switching user warns about the
//! unsent edit; the online sign-in (password + SMS code) opens the same local copy, and the edit
//! reaches the server exactly once.

use masar_e2e::{App, Launch, Server};
use masar_protocol::DemoAccount;

/// Signed in on a workstation in `dir`; then the server goes away and the mobile is changed:
/// the edit waits («بانتظار المزامنة»).
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
    app.wait_for_text("[data-testid=edit-status]", "بانتظار المزامنة").await?;
    Ok(app)
}

#[tokio::test]
async fn an_edit_made_before_the_offline_lockout_reaches_the_server_after_the_online_sign_in()
-> anyhow::Result<()> {
    let workstation = tempfile::tempdir()?;
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = edit_mobile_offline(&mut server, &account, workstation.path(), "0555700701").await?;

    // At the lock screen, five wrong passwords: the local profile locks, even to the right one.
    app.click("[data-testid=lock-button]").await?;
    app.wait_for("[data-testid=unlock-form]").await?;
    for attempt in 1..=5 {
        app.type_into("[data-testid=unlock-password]", &format!("wrong-{attempt}")).await?;
        app.click("[data-testid=unlock-submit]").await?;
        let expected =
            if attempt < 5 { format!("{}.", 5 - attempt) } else { "قُفل الملف المحلي".into() };
        app.wait_for_text_where("[data-testid=unlock-error]", |t| t.contains(&expected)).await?;
    }
    app.type_into("[data-testid=unlock-password]", &account.password).await?;
    app.click("[data-testid=unlock-submit]").await?;
    app.wait_for_text_where("[data-testid=unlock-error]", |t| t.contains("قُفل الملف المحلي")).await?;

    // The network is back. Switching user first says what would wait.
    let server = server.start_again()?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    app.click("[data-testid=switch-user]").await?;
    let note = app.wait_for("[data-testid=confirm-sign-out-note]").await?.text().await?;
    assert!(note.contains("لم يُرسل بعد: تعديل واحد"), "{note}");
    app.screenshot("sign-out-unsent-warning-ar").await?;
    app.click("[data-testid=sign-out-confirm]").await?;

    // The online sign-in opens the same local copy: the edit is there and goes by itself.
    app.sign_in_from_tile(&account.password).await?;
    app.wait_for("[data-testid=signed-in-user]").await?;
    app.click("[data-testid=nav-contact]").await?;
    app.wait_for_text("[data-testid=edit-status]", "تمت المزامنة").await?;
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555700701").await?;
    app.screenshot("locked-profile-edit-synced-ar").await?;
    app.close().await?;

    let db = rusqlite::Connection::open(server.database())?;
    let mobile: String = db.query_row(
        "SELECT mobile FROM employees WHERE national_id = ?1",
        [account.national_id.as_str()],
        |row| row.get(0),
    )?;
    assert_eq!(mobile, "+966555700701");
    let results: i64 = db.query_row("SELECT count(*) FROM sync_results", [], |row| row.get(0))?;
    let changes: i64 =
        db.query_row("SELECT count(*) FROM changes WHERE version > 1", [], |row| row.get(0))?;
    assert_eq!((results, changes), (1, 1), "applied exactly once");
    Ok(())
}

/// The password was changed elsewhere while an edit waited here: the sign-in asks for the
/// previous password; without it the old copy is kept aside, and recovering it later sends the
/// edit, once.
#[tokio::test]
async fn a_password_changed_elsewhere_keeps_the_old_copy_until_it_is_recovered() -> anyhow::Result<()> {
    let workstation = tempfile::tempdir()?;
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = edit_mobile_offline(&mut server, &account, workstation.path(), "0555700702").await?;
    app.click("[data-testid=sign-out-button]").await?;
    app.click("[data-testid=sign-out-confirm]").await?;
    app.wait_for("[data-testid=profile-tile]").await?;

    // Meanwhile the password is changed at the national SSO.
    let server = server.start_again()?;
    let hash = masar_server::auth::password::hash("Changed@2026")?;
    rusqlite::Connection::open(server.database())?.execute(
        "UPDATE accounts SET password_hash = ?1 WHERE national_id = ?2",
        [hash.as_str(), account.national_id.as_str()],
    )?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    app.sign_in_from_tile("Changed@2026").await?;

    let unsent = app.wait_for("[data-testid=carry-unsent]").await?.text().await?;
    assert_eq!(unsent, "لم يُرسل بعد: تعديل واحد · لا مسودات");
    app.type_into("[data-testid=previous-password]", "not-the-old-one").await?;
    app.click("[data-testid=carry-submit]").await?;
    let wrong = app.wait_for("[data-testid=carry-error]").await?.text().await?;
    assert!(wrong.contains("كلمة المرور السابقة غير صحيحة"), "{wrong}");
    app.screenshot("password-changed-carry-across-ar").await?;
    app.click("[data-testid=carry-skip]").await?;

    // Signed in on a new local copy; the old one is offered for recovery.
    app.wait_for("[data-testid=signed-in-user]").await?;
    let notice = app.wait_for("[data-testid=previous-copy]").await?.text().await?;
    assert!(notice.contains("لم يُرسل بعد: تعديل واحد"), "{notice}");
    app.screenshot("previous-copy-notice-ar").await?;
    app.type_into("[data-testid=recover-password]", &account.password).await?;
    app.click("[data-testid=recover-submit]").await?;
    let done = app.wait_for("[data-testid=previous-done]").await?.text().await?;
    assert!(done.contains("أُرسل 1"), "{done}");
    app.wait_gone("[data-testid=previous-copy]").await?;
    app.click("[data-testid=nav-contact]").await?;
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555700702").await?;
    app.screenshot("previous-copy-recovered-ar").await?;
    app.close().await?;

    let db = rusqlite::Connection::open(server.database())?;
    let results: i64 = db.query_row("SELECT count(*) FROM sync_results", [], |row| row.get(0))?;
    let changes: i64 =
        db.query_row("SELECT count(*) FROM changes WHERE version > 1", [], |row| row.get(0))?;
    assert_eq!((results, changes), (1, 1), "applied exactly once");
    Ok(())
}
