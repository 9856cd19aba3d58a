//! الإجازات المرضية and المعاملات الإدارية in a real window, online and with the server stopped
//! (from the local copy): the reports with their details; transactions listed, found by incoming
//! number or by registration number and date, and a search with nothing typed stopped by the
//! error summary. Screenshots in both languages with axe-core.

use masar_e2e::{App, Server};

#[tokio::test]
async fn sick_leave_reports_and_transactions_answer_online_and_offline() -> anyhow::Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;

    app.click("[data-testid=nav-sick]").await?;
    app.wait_for("[data-testid=sick-leave]").await?;
    let reports = app.count("[data-testid=sick-leave]").await?;
    let first = app.text("[data-testid=sick-leave]:first-child .title").await?;
    assert!(first.contains("GSL"), "{first}");
    app.screenshot("sick-leaves-ar").await?;

    app.click("[data-testid=nav-transactions]").await?;
    app.wait_for("[data-testid=transaction]").await?;
    let all = app.count("[data-testid=transaction]").await?;
    assert!(all >= 2, "{all}");
    let number =
        app.text("[data-testid=transaction]:last-child [data-testid=transaction-incoming-number]").await?;

    // Nothing typed: the summary says what is missing and takes focus.
    app.click("[data-testid=transactions-search]").await?;
    app.wait_focused("transactions-error").await?;
    assert!(app.text("[data-testid=transactions-error]").await?.contains("رقم الوارد"));

    // The server stops; the search answers from the copy on this workstation.
    server.kill()?;
    app.click("[data-testid=connection] button").await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.type_into("[data-testid=transaction-incoming]", &number).await?;
    app.click("[data-testid=transactions-search]").await?;
    app.wait_focused("transactions-count").await?;
    assert_eq!(app.count("[data-testid=transaction]").await?, 1);
    assert_eq!(app.text("[data-testid=transaction-incoming-number]").await?, number);
    app.screenshot("transactions-found-offline-ar").await?;

    app.type_into("[data-testid=transaction-incoming]", "0000000").await?;
    app.click("[data-testid=transactions-search]").await?;
    app.wait_for_text_where("[data-testid=transactions-count]", |t| t.contains("لا معاملة")).await?;
    app.click("[data-testid=transactions-all]").await?;
    app.wait_for_text_where("[data-testid=transactions-count]", |t| t.contains("النتائج")).await?;
    assert_eq!(app.count("[data-testid=transaction]").await?, all);

    app.click("[data-testid=nav-sick]").await?;
    app.wait_for("[data-testid=sick-leave]").await?;
    assert_eq!(app.count("[data-testid=sick-leave]").await?, reports, "the same reports offline");
    app.close().await
}
