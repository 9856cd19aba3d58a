//! Carrying unsent work in a sealed file, in real windows. Workstation A loses the network; the
//! employee corrects the mobile and documents a qualification with two files, then exports what
//! waits into one file and closes the app. At workstation B (another folder of local copies) the
//! same employee signs in and imports the file from «الصادر»: the report says each item was
//! applied, and the server holds the edit and the request once. HR brings the same file in at
//! their screen: nothing is applied twice. Workstation A comes back online and syncs: nothing is
//! sent twice, and its list shows the request with Masar's transaction number.

use masar_e2e::forms::{attach_certificate_and_transcript, fill_bachelor};
use masar_e2e::{App, Launch, Server};
use masar_protocol::auth::Role;

fn requests(server: &Server, receipt: &str) -> anyhow::Result<i64> {
    let db = rusqlite::Connection::open(server.database())?;
    Ok(db.query_row("SELECT count(*) FROM qualification_records WHERE receipt = ?1", [receipt], |row| {
        row.get(0)
    })?)
}

/// Imports `file` through the panel `testid` on the open page; the report's items' outcomes.
async fn import(app: &App, testid: &str, file: &std::path::Path) -> anyhow::Result<Vec<String>> {
    app.will_pick(&[file])?;
    app.click(&format!("[data-testid={testid}-import]")).await?;
    // The report takes the focus: a screen reader reads it next.
    app.wait_focused("import-report").await?;
    app.attrs("[data-testid=import-item]", "data-outcome").await
}

#[tokio::test]
async fn work_carried_in_a_sealed_file_is_applied_once_wherever_it_arrives() -> anyhow::Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let (a_dir, b_dir, stick) = (tempfile::tempdir()?, tempfile::tempdir()?, tempfile::tempdir()?);
    let file = stick.path().join("masar-unsent.masar");

    // Workstation A signs in online once (its key registered), then loses the network.
    let a =
        App::launch_with(&server.url, Launch { data_dir: Some(a_dir.path()), ..Launch::default() }).await?;
    a.sign_in(&account).await?;
    a.wait_for("[data-testid=employee-name]").await?;
    server.kill()?;
    a.wait_for("[data-testid=offline-banner]").await?;
    a.submit_mobile("0555777123").await?;
    a.click("[data-testid=nav-qualifications]").await?;
    a.click("[data-testid=qualification-add]").await?;
    fill_bachelor(&a).await?;
    attach_certificate_and_transcript(&a).await?;
    a.check("[data-testid=qualification-terms]").await?;
    a.click("[data-testid=qualification-send]").await?;
    let receipt = a.text("[data-testid=qualification-receipt]").await?;

    // From the unsent count in the status bar to «الصادر», the focus on the export: everything
    // that waits, into one file on the stick.
    a.click("[data-testid=status-carry]").await?;
    a.wait_focused("sealed-export").await?;
    a.will_pick(&[&file])?;
    a.key(fantoccini::key::Key::Enter).await?;
    a.wait_focused("sealed-exported").await?;
    let saved = a.text("[data-testid=sealed-exported]").await?;
    assert!(saved.contains("masar-unsent.masar") && saved.contains("ملفان"), "{saved}");
    a.screenshot("sealed-exported-ar").await?;
    let bytes = std::fs::read(&file)?;
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"), "the file is sealed with age");
    a.close().await?;

    // Workstation B, online, the same employee: the file applied, item by item.
    let server = server.start_again()?;
    let b =
        App::launch_with(&server.url, Launch { data_dir: Some(b_dir.path()), ..Launch::default() }).await?;
    b.sign_in(&account).await?;
    b.click("[data-testid=nav-outgoing]").await?;
    assert_eq!(import(&b, "sealed", &file).await?, ["applied", "applied"]);
    b.screenshot("sealed-imported-ar").await?;
    assert_eq!(server.record_of(&account).await?.profile.mobile, "+966555777123");
    assert_eq!(requests(&server, &receipt)?, 1);

    // HR brings the same file in: nothing applied twice.
    b.click("[data-testid=sign-out-button]").await?;
    b.wait_for("[data-testid=profile-tile]").await?;
    let officer = server.accounts().await?.into_iter().find(|a| a.role == Role::HrOfficer);
    let officer = officer.ok_or_else(|| anyhow::anyhow!("no HR officer"))?;
    b.sign_in(&officer).await?;
    b.click("[data-testid=nav-hr]").await?;
    assert_eq!(import(&b, "hr-import", &file).await?, ["already_applied", "already_applied"]);
    b.screenshot("sealed-hr-imported-ar").await?;
    assert_eq!(requests(&server, &receipt)?, 1);
    b.close().await?;

    // Workstation A is back online: its own sync sends nothing twice; the request shows Masar's
    // transaction number.
    let a =
        App::launch_with(&server.url, Launch { data_dir: Some(a_dir.path()), ..Launch::default() }).await?;
    a.open_from_tile(&account.password).await?;
    a.wait_for("[data-testid=signed-in-user]").await?;
    a.click("[data-testid=nav-qualifications]").await?;
    // The newest request is this one (the demo's own are older).
    a.type_into("[data-testid=qualification-search]", &receipt).await?;
    let state =
        a.wait_for_text_where("[data-testid=qualification-state]", |t| t.contains("قيد المراجعة")).await?;
    assert!(state.contains("وصل إلى مسار"), "{state}");
    let number = a.text("[data-testid=qualification-transaction]").await?;
    assert!(number.len() == 11 && number.as_bytes()[4] == b'-', "Masar's transaction number: {number}");
    a.screenshot("sealed-workstation-back-ar").await?;
    assert_eq!(requests(&server, &receipt)?, 1, "the request was applied twice");
    a.wait_for_text_where("[data-testid=sync-status]", |t| t.starts_with("تمت المزامنة")).await?;
    a.close().await
}
