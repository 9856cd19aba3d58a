//! التقديم على فرص التدريب in a real window: applied for with the server stopped (a receipt
//! number at once, «محفوظ على الجهاز»), sent when the server returns (تم الاستلام with the
//! transaction number), then declined by the training administration with its reason, which
//! the employee sees on the card, in the window's notice and as a desktop notification.
//! Screenshots in both languages with axe-core.

use masar_e2e::forms::first_open_opportunity;
use masar_e2e::{App, Server, desktop_notification};

#[tokio::test]
async fn applied_offline_synced_when_the_server_returns_then_declined_with_the_reason() -> anyhow::Result<()>
{
    let server = Server::start_demo()?;
    let accounts = server.accounts().await?;
    let account = accounts.first().cloned().ok_or_else(|| anyhow::anyhow!("no demo employees"))?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    let (card, title) = first_open_opportunity(&app).await?;

    // The server stops; the kept list still offers تقديم.
    let mut server = server;
    server.kill()?;
    app.click("[data-testid=connection] button").await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.click(&format!("{card} [data-testid=opp-apply]")).await?;
    app.wait_for("[data-testid=apply-dialog]").await?;
    app.wait_focused("apply-confirm").await?;
    let heading = app.text("#apply-heading").await?;
    assert!(heading.contains(&title), "{heading}");
    app.screenshot("apply-dialog-ar").await?;
    app.click("[data-testid=apply-confirm]").await?;
    app.wait_gone("[data-testid=apply-dialog]").await?;
    app.wait_focused("opp-notice").await?;
    let receipt = app.text(&format!("{card} [data-testid=opp-receipt]")).await?;
    let notice = app.text("[data-testid=opp-notice]").await?;
    assert!(notice.contains(&receipt) && notice.contains(&title), "{notice}");
    app.wait_for(&format!("{card}[data-application=waiting]")).await?;
    let state = app.text(&format!("{card} [data-testid=opp-application-state]")).await?;
    assert_eq!(state, "محفوظ على الجهاز · بانتظار الاتصال", "saved here, waiting for the network");
    assert_eq!(app.count(&format!("{card} [data-testid=opp-apply]")).await?, 0, "applied once");
    app.screenshot("opportunity-applied-offline-ar").await?;

    // The server returns: the application goes, and comes back received with its number.
    let server = server.start_again()?;
    app.click("[data-testid=connection] button").await?;
    app.wait_for(&format!("{card}[data-application=received]")).await?;
    let number = app.text(&format!("{card} [data-testid=opp-transaction]")).await?;
    assert!(number.starts_with("TR-"), "{number}");
    assert_eq!(app.text(&format!("{card} [data-testid=opp-receipt]")).await?, receipt, "the receipt stays");
    let stored: i64 = rusqlite::Connection::open(server.database())?.query_row(
        "SELECT count(*) FROM applications",
        [],
        |row| row.get(0),
    )?;
    assert_eq!(stored, 1, "sent exactly once");
    app.screenshot("opportunity-received-ar").await?;

    // The training administration declines it with the reason; the next sync round brings it.
    let officer = accounts
        .iter()
        .find(|a| a.role == masar_protocol::auth::Role::HrOfficer)
        .ok_or_else(|| anyhow::anyhow!("no demo HR officer"))?;
    let token = server.access_token(officer).await?;
    let id: String = rusqlite::Connection::open(server.database())?.query_row(
        "SELECT id FROM applications",
        [],
        |row| row.get(0),
    )?;
    let reason = "اكتمل عدد المرشحين من جهتك لهذه الدورة.";
    reqwest::Client::new()
        .post(format!("{}/v1/hr/applications/{id}/decision", server.url))
        .bearer_auth(token)
        .json(&serde_json::json!({ "decision": "decline", "reason": reason }))
        .send()
        .await?
        .error_for_status()?;
    app.wait_for(&format!("{card}[data-application=declined]")).await?;
    assert!(app.text(&format!("{card} [data-testid=opp-reason]")).await?.contains(reason));
    let told = app.wait_for("[data-testid=decision-notice]").await?.text().await?;
    assert!(told.contains("لم يُقبل طلبك") && told.contains(&receipt) && told.contains(reason), "{told}");
    let shown = desktop_notification("لم يُقبل طلبك", reason).await?;
    assert!(shown["body"].as_str().is_some_and(|b| b.contains(&title) && b.contains(reason)), "{shown}");
    app.screenshot("opportunity-declined-ar").await?;
    app.close().await
}
