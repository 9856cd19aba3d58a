//! السجل الوظيفي ومدة الخدمة in a real window: the length of service and the decisions, online
//! and with the server stopped (from the local copy), in both languages (the screenshots check
//! both with axe-core).

use masar_e2e::{App, Server};

#[tokio::test]
async fn the_employment_record_and_length_of_service_show_online_and_offline() -> anyhow::Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;

    app.click("[data-testid=nav-employment]").await?;
    let appointed = app.text("[data-testid=employment] dl div:last-child dd").await?;
    app.click("[data-testid=nav-career]").await?;
    let total = app.wait_for("[data-testid=service-length-total]").await?.text().await?;
    assert!(total.contains("سنة") || total.contains("سنوات") || total.contains("سنتان"), "{total}");
    let from = app.text("[data-testid=service-length] dd").await?;
    assert_eq!(from, appointed, "counted from the appointment the employment page shows");
    assert!(from.contains("هـ"), "with its Hijri date: {from}");
    let events = app.count("[data-testid=career-event]").await?;
    assert!(events >= 2, "{events} decisions");
    let newest = app.text("[data-testid=career-event]:first-child .title").await?;
    app.screenshot("career-ar").await?;

    // The server stops: the same, from the copy on this workstation.
    server.kill()?;
    app.click("[data-testid=connection] button").await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.click("[data-testid=nav-overview]").await?;
    app.click("[data-testid=nav-career]").await?;
    app.wait_for_text("[data-testid=service-length-total]", &total).await?;
    assert_eq!(app.count("[data-testid=career-event]").await?, events);
    assert_eq!(app.text("[data-testid=career-event]:first-child .title").await?, newest);
    app.screenshot("career-offline-ar").await?;
    app.close().await
}
