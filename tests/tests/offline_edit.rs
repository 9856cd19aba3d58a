//! An edit made with the server down survives a restart of the app and reaches the server once,
//! by itself, when the server is back.

use masar_e2e::{App, Launch, Server};

#[tokio::test]
async fn an_offline_edit_waits_through_a_restart_and_syncs_by_itself() -> anyhow::Result<()> {
    let workstation = tempfile::tempdir()?;
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let launch = Launch { data_dir: Some(workstation.path()), idle_lock_seconds: None, ..Launch::default() };

    let app = App::launch_with(&server.url, launch.clone()).await?;
    app.sign_in(&account).await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;

    // The network goes away; the employee edits the mobile and the postal code anyway.
    server.kill()?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.click("[data-testid=nav-contact]").await?;
    app.click("[data-testid=contact-edit]").await?;
    app.type_into("[data-testid='contact-mobile']", "0555123987").await?;
    app.type_into("[data-testid='contact-address.postalCode']", "٦٥٤٣٢").await?;
    app.check("[data-testid=contact-terms]").await?;
    app.click("[data-testid=contact-submit]").await?;
    app.wait_for_text_where("[data-testid=edit-status]", |t| t.starts_with("محفوظ على الجهاز")).await?;
    app.wait_for_text("[data-testid='contact-value-address.postalCode']", "65432").await?;
    app.screenshot("offline-edit-pending-ar").await?;
    app.close().await?;

    // The app starts again, still without the network: the edit is still waiting.
    let app = App::launch_with(&server.url, launch).await?;
    app.open_from_tile(&account.password).await?;
    app.wait_for("[data-testid=signed-in-user]").await?;
    app.click("[data-testid=nav-contact]").await?;
    app.wait_for_text_where("[data-testid=edit-status]", |t| t.starts_with("محفوظ على الجهاز")).await?;
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555123987").await?;
    let waiting =
        app.wait_for_text_where("[data-testid=sync-status]", |t| t.contains("بانتظار الإرسال")).await?;
    assert_eq!(waiting, "بانتظار الإرسال: تعديل واحد", "one edit, in the singular");
    app.screenshot("offline-edit-after-restart-ar").await?;

    // Signing out now would leave the edit behind: the warning says so, and staying is the
    // primary action, with the focus on it; staying keeps everything.
    app.click("[data-testid=sign-out-button]").await?;
    let note = app.text("[data-testid=confirm-sign-out-note]").await?;
    assert!(note.contains("تعديل واحد"), "the warning names what waits: {note}");
    app.wait_focused("sign-out-stay").await?;
    let stay = app.find("[data-testid=sign-out-stay]").await?.attr("class").await?.unwrap_or_default();
    assert!(!stay.contains("secondary"), "staying is the primary button: {stay}");
    app.screenshot("sign-out-warning-ar").await?;
    // Before leaving the workstation, the edit can be carried out in a sealed file from the
    // warning itself; staying or leaving is still the employee's choice.
    let stick = tempfile::tempdir()?;
    let file = stick.path().join("masar-unsent.masar");
    app.will_pick(&[&file])?;
    app.click("[data-testid=sign-out-export]").await?;
    app.wait_focused("sign-out-exported").await?;
    let saved = app.text("[data-testid=sign-out-exported]").await?;
    assert!(saved.contains("masar-unsent.masar"), "{saved}");
    assert!(std::fs::read(&file)?.starts_with(b"age-encryption.org/v1\n"), "a sealed file was written");
    app.screenshot("sign-out-exported-ar").await?;
    app.click("[data-testid=sign-out-stay]").await?;
    app.wait_gone("[data-testid=confirm-sign-out]").await?;
    app.wait_for("[data-testid=signed-in-user]").await?;

    // The server is back; nobody touches anything.
    let server = server.start_again()?;
    app.wait_for_text("[data-testid=edit-status]", "وصل إلى مسار").await?;
    app.wait_for_text_where("[data-testid=sync-status]", |t| t.starts_with("تمت المزامنة")).await?;
    app.screenshot("offline-edit-synced-ar").await?;
    app.close().await?;

    // The server has the change, once.
    let db = rusqlite::Connection::open(server.database())?;
    let (mobile, postal): (String, String) = db.query_row(
        "SELECT mobile, postal_code FROM employees WHERE national_id = ?1",
        [account.national_id.as_str()],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    assert_eq!((mobile.as_str(), postal.as_str()), ("+966555123987", "65432"));
    let results: i64 = db.query_row("SELECT count(*) FROM sync_results", [], |row| row.get(0))?;
    let changes: i64 =
        db.query_row("SELECT count(*) FROM changes WHERE version > 1", [], |row| row.get(0))?;
    assert_eq!((results, changes), (1, 1), "applied exactly once");
    Ok(())
}
