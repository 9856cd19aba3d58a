//! «الصادر» and one status model in a real window. The network drops in the middle of a session:
//! the amber banner comes by itself, on whatever page is open. Offline, the employee corrects the
//! mobile, documents a qualification with two files and applies for a training: each is «محفوظ
//! على الجهاز» on its own page and in «الصادر», and the banner counts them by kind. The network
//! comes back: each reaches Masar (the qualification and the application with their transaction
//! numbers), the notices follow the state, then HR's decisions arrive, on each page and in
//! «الصادر» alike.

use anyhow::Context;
use masar_e2e::forms::{attach_certificate_and_transcript, fill_bachelor, first_open_opportunity};
use masar_e2e::{App, Server};
use masar_protocol::auth::Role;

fn item(kind: &str) -> String {
    format!("[data-testid=outgoing-item][data-kind={kind}]")
}

/// The stage «الصادر» shows for the item of `kind` this test made (the demo's own requests are
/// listed too: this one is the newest, so the first of its kind).
async fn stage_of(app: &App, kind: &str) -> anyhow::Result<String> {
    Ok(app.find(&item(kind)).await?.attr("data-stage").await?.unwrap_or_default())
}

async fn wait_stage(app: &App, kind: &str, stage: &str) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let now = stage_of(app, kind).await?;
        if now == stage {
            return Ok(());
        }
        anyhow::ensure!(std::time::Instant::now() < deadline, "{kind} stayed {now}, not {stage}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn what_is_sent_offline_goes_saved_reached_decided_on_its_page_and_in_outgoing() -> anyhow::Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    // The training opportunities are read once while online (kept for offline).
    let (card, title) = first_open_opportunity(&app).await?;

    // The network drops mid-session: nobody touches anything, the banner comes on this page.
    app.click("[data-testid=nav-overview]").await?;
    server.kill()?;
    let banner = app.wait_for("[data-testid=offline-banner]").await?.text().await?;
    assert!(banner.contains("وضع عدم الاتصال") && banner.contains("لا شيء بانتظار الإرسال"), "{banner}");
    assert!(
        app.find("[data-testid=offline-refreshed]").await?.text().await?.starts_with("آخر تحديث من مسار")
    );
    app.screenshot("offline-mid-session-ar").await?;

    // A contact edit.
    app.click("[data-testid=nav-contact]").await?;
    app.click("[data-testid=contact-edit]").await?;
    app.type_into("[data-testid='contact-mobile']", "0555123987").await?;
    app.check("[data-testid=contact-terms]").await?;
    app.click("[data-testid=contact-submit]").await?;
    let tag =
        app.wait_for_text_where("[data-testid=edit-status]", |t| t.starts_with("محفوظ على الجهاز")).await?;
    assert_eq!(tag, "محفوظ على الجهاز · بانتظار الاتصال");
    assert!(app.text("[data-testid=contact-notice]").await?.contains("حُفظ التعديل على هذا الجهاز"));

    // A qualification with two files.
    app.click("[data-testid=nav-qualifications]").await?;
    app.click("[data-testid=qualification-add]").await?;
    fill_bachelor(&app).await?;
    attach_certificate_and_transcript(&app).await?;
    app.check("[data-testid=qualification-terms]").await?;
    app.click("[data-testid=qualification-send]").await?;
    app.wait_for("[data-testid=qualification-notice]").await?;
    let receipt = app.text("[data-testid=qualification-receipt]").await?;
    app.wait_for_text("[data-testid=qualification-state]", "محفوظ على الجهاز · بانتظار الاتصال").await?;

    // An application, from the kept list.
    app.click("[data-testid=nav-opportunities]").await?;
    app.click(&format!("{card} [data-testid=opp-apply]")).await?;
    app.click("[data-testid=apply-confirm]").await?;
    app.wait_gone("[data-testid=apply-dialog]").await?;
    let notice = app.wait_for("[data-testid=opp-notice]").await?.text().await?;
    assert!(notice.contains("حُفظ طلبك") && notice.contains(&title), "{notice}");
    app.wait_for_text(
        &format!("{card} [data-testid=opp-application-state]"),
        "محفوظ على الجهاز · بانتظار الاتصال",
    )
    .await?;

    // «الصادر»: the three, saved here; the banner and the status bar count them by kind.
    app.click("[data-testid=nav-outgoing]").await?;
    for kind in ["contact", "qualification", "application"] {
        wait_stage(&app, kind, "saved").await?;
    }
    let waiting = "تعديل واحد، مؤهل واحد، طلب واحد";
    app.wait_for_text("[data-testid=offline-waiting]", &format!("بانتظار الإرسال: {waiting}.")).await?;
    app.wait_for_text("[data-testid=sync-status]", &format!("بانتظار الإرسال: {waiting}")).await?;
    assert_eq!(
        app.text(&format!("{} [data-testid=outgoing-receipt]", item("qualification"))).await?,
        receipt
    );
    app.screenshot("outgoing-offline-ar").await?;

    // The network is back: the banner goes, each reaches Masar; the qualification and the
    // application with Masar's transaction numbers and the time they arrived.
    let server = server.start_again()?;
    app.wait_gone("[data-testid=offline-banner]").await?;
    for kind in ["contact", "qualification", "application"] {
        wait_stage(&app, kind, "reached").await?;
        app.wait_for(&format!("{} [data-testid=outgoing-reached-at]", item(kind))).await?;
    }
    let qualification_number =
        app.text(&format!("{} [data-testid=outgoing-transaction]", item("qualification"))).await?;
    let application_number =
        app.text(&format!("{} [data-testid=outgoing-transaction]", item("application"))).await?;
    assert!(application_number.starts_with("TR-"), "{application_number}");
    assert_eq!(app.text(&format!("{} [data-testid=outgoing-stage]", item("contact"))).await?, "وصل إلى مسار");
    app.screenshot("outgoing-reached-ar").await?;

    // On the opportunity's page, the notice now says it reached Masar, not that it waits.
    app.click("[data-testid=nav-opportunities]").await?;
    app.wait_for_text(&format!("{card} [data-testid=opp-application-state]"), "وصل إلى مسار، تم الاستلام")
        .await?;

    // HR decides: the qualification verified, the application accepted.
    let officer =
        server.accounts().await?.into_iter().find(|a| a.role == Role::HrOfficer).context("no HR officer")?;
    let token = server.access_token(&officer).await?;
    let database = rusqlite::Connection::open(server.database())?;
    let (qualification, version): (String, i64) = database.query_row(
        "SELECT id, version FROM qualification_records WHERE transaction_number = ?1",
        [&qualification_number],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let application: String = database.query_row(
        "SELECT id FROM applications WHERE transaction_number = ?1",
        [&application_number],
        |row| row.get(0),
    )?;
    let http = reqwest::Client::new();
    http.post(format!("{}/v1/hr/qualifications/{qualification}/decision", server.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "decision": "verify", "readVersion": version }))
        .send()
        .await?
        .error_for_status()?;
    http.post(format!("{}/v1/hr/applications/{application}/decision", server.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "decision": "accept" }))
        .send()
        .await?
        .error_for_status()?;

    // The decision on the page that is open; its notice goes (the card says it).
    app.wait_for_text(&format!("{card} [data-testid=opp-application-state]"), "مقبول").await?;
    app.wait_gone("[data-testid=opp-notice]").await?;
    app.click("[data-testid=nav-qualifications]").await?;
    let verified = app
        .wait_for_text_where("[data-testid=qualification-item]", |t| t.contains(&qualification_number))
        .await?;
    assert!(verified.contains("موثق"), "{verified}");
    assert_eq!(app.count("[data-testid=qualification-notice]").await?, 0, "no notice from before");
    app.click("[data-testid=nav-contact]").await?;
    app.wait_for_text("[data-testid=edit-status]", "وصل إلى مسار").await?;

    // «الصادر» says the same.
    app.click("[data-testid=nav-outgoing]").await?;
    wait_stage(&app, "qualification", "verified").await?;
    wait_stage(&app, "application", "accepted").await?;
    assert_eq!(stage_of(&app, "contact").await?, "reached");
    app.screenshot("outgoing-decided-ar").await?;
    app.close().await
}
