//! الإجازات المرضية and المعاملات الإدارية in a real window, online and with the server stopped
//! (from the local copy): the reports with their details; transactions listed, found by incoming
//! number or by registration number and date, and a search with nothing typed stopped by the
//! error summary. Screenshots in both languages with axe-core.

use masar_e2e::{App, Server};

#[tokio::test]
async fn sick_leave_reports_and_transactions_answer_online_and_offline() -> anyhow::Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let record = server.record_of(&account).await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;

    app.click("[data-testid=nav-sick]").await?;
    app.wait_for("[data-testid=sick-leave]").await?;
    let reports = app.count("[data-testid=sick-leave]").await?;
    assert_eq!(reports, record.sick_leaves.len(), "every report the server holds");
    let first = app.text("[data-testid=sick-leave]:first-child .record-title").await?;
    assert!(first.contains("GSL"), "{first}");
    app.screenshot("sick-leaves-ar").await?;

    app.click("[data-testid=nav-transactions]").await?;
    app.wait_for("[data-testid=transaction]").await?;
    let all = app.count("[data-testid=transaction]").await?;
    assert_eq!(all, record.transactions.len(), "every transaction the server holds");
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

    // By registration number and date, still offline: exactly that transaction.
    let wanted = &record.transactions[record.transactions.len() / 2];
    app.click("[data-testid=transactions-by-registration]").await?;
    app.type_into("[data-testid=transaction-registration]", &wanted.registration_number).await?;
    app.set_date("transaction-date", &wanted.date.to_string()).await?;
    app.click("[data-testid=transactions-search]").await?;
    app.wait_focused("transactions-count").await?;
    assert_eq!(app.count("[data-testid=transaction]").await?, 1);
    assert_eq!(app.text("[data-testid=transaction-incoming-number]").await?, wanted.incoming_number);

    app.click("[data-testid=nav-sick]").await?;
    app.wait_for("[data-testid=sick-leave]").await?;
    assert_eq!(app.count("[data-testid=sick-leave]").await?, reports, "the same reports offline");
    app.close().await
}

#[tokio::test]
async fn training_and_scholarships_filter_and_show_offline_from_the_kept_copy() -> anyhow::Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-opportunities]").await?;
    app.wait_for("[data-testid=opportunity]").await?;
    let all = app.count("[data-testid=opportunity]").await?;
    app.screenshot("opportunities-ar").await?;

    // Only those this employee may apply for; then only scholarships.
    app.click("[data-testid=opp-eligible]").await?;
    app.wait_gone("[data-testid=opportunity][data-eligible=false]").await?;
    assert!(app.count("[data-testid=opportunity]").await? <= all);
    app.click("[data-testid=opp-eligible]").await?;
    app.set_value("[data-testid=opp-kind]", "scholarship").await?;
    app.wait_gone("[data-testid=opportunity][data-kind=training]").await?;
    let scholarships = app.count("[data-testid=opportunity]").await?;

    // The server stops: the kept copy, said so.
    server.kill()?;
    app.click("[data-testid=connection] button").await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.click("[data-testid=nav-overview]").await?;
    app.click("[data-testid=nav-opportunities]").await?;
    app.wait_for("[data-testid=opp-kept]").await?;
    app.wait_for("[data-testid=opportunity]").await?;
    assert_eq!(
        app.count("[data-testid=opportunity]").await?,
        all,
        "every kept opportunity, unfiltered again"
    );
    app.set_value("[data-testid=opp-kind]", "scholarship").await?;
    app.wait_gone("[data-testid=opportunity][data-kind=training]").await?;
    assert_eq!(app.count("[data-testid=opportunity]").await?, scholarships);
    app.screenshot("opportunities-offline-ar").await?;
    app.close().await
}
