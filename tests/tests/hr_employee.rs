//! HR's employee screen and the employee's «سجل النشاط» in a real window: the HR officer is
//! refused an employee of another entity (the summary says why), opens an employee of their
//! entity by national ID, is stopped without a reason (the summary says so),
//! changes the job title with the reason, and sees it in the employee's trail; the employee signs
//! in on the same workstation and reads in «سجل النشاط» who changed what, the value before and
//! after, the reason, and that HR opened the record. The officer also declines the employee's
//! training application on the training applications screen (seats left shown, the reason
//! required), and the employee's log shows that too. Every screen passes axe-core in both
//! languages.

use anyhow::Context;
use masar_e2e::{App, Server};
use masar_protocol::DemoAccount;
use masar_protocol::auth::Role;

/// An employee the officer may not open (another entity's), found by asking the server as HR.
async fn other_entitys_employee(
    server: &Server,
    officer: &DemoAccount,
    accounts: &[DemoAccount],
) -> anyhow::Result<DemoAccount> {
    let token = server.access_token(officer).await?;
    for account in accounts.iter().filter(|a| a.role == Role::Employee) {
        let url = format!("{}/v1/hr/employees/{}/record", server.url, account.national_id);
        if reqwest::Client::new().get(url).bearer_auth(&token).send().await?.status()
            == reqwest::StatusCode::FORBIDDEN
        {
            return Ok(account.clone());
        }
    }
    anyhow::bail!("every demo employee is of the officer's entity")
}

#[tokio::test]
async fn hr_changes_employment_data_with_a_reason_and_the_employee_reads_it_in_the_activity_log()
-> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let accounts = server.accounts().await?;
    // The demo's officer is of the first employee's entity.
    let employee = server.first_account().await?;
    let officer = accounts.iter().find(|a| a.role == Role::HrOfficer).context("no HR officer")?.clone();
    let before = server.record_of(&employee).await?.profile.job_title;

    let app = App::launch(&server.url).await?;
    // The employee applies for a course first (online: received at once).
    app.sign_in(&employee).await?;
    app.click("[data-testid=nav-opportunities]").await?;
    let open = "[data-testid=opportunity][data-eligible=true][data-application=none]";
    app.wait_for(open).await?;
    let opportunity = app.find(open).await?.attr("data-id").await?.unwrap_or_default();
    let card = format!("[data-testid=opportunity][data-id={opportunity}]");
    app.click(&format!("{card} [data-testid=opp-apply]")).await?;
    app.click("[data-testid=apply-confirm]").await?;
    app.wait_for(&format!("{card}[data-application=received]")).await?;
    app.click("[data-testid=sign-out-button]").await?;
    app.wait_for("[data-testid=profile-tile]").await?;

    app.sign_in(&officer).await?;
    app.click("[data-testid=nav-hr]").await?;
    // An employee of another entity is not this officer's: refused, and the window says why.
    let stranger = other_entitys_employee(&server, &officer, &accounts).await?;
    app.type_into("[data-testid=hr-query]", stranger.national_id.as_str()).await?;
    app.click("[data-testid=hr-open]").await?;
    app.wait_focused("hr-error").await?;
    let refused = app.text("[data-testid=hr-error]").await?;
    assert!(refused.contains("جهة أخرى"), "{refused}");
    assert_eq!(app.count("[data-testid=hr-employment-form]").await?, 0);
    app.screenshot("hr-employee-other-entity-ar").await?;
    app.set_value("[data-testid=hr-query]", "").await?;
    app.type_into("[data-testid=hr-query]", employee.national_id.as_str()).await?;
    app.click("[data-testid=hr-open]").await?;
    app.wait_for("[data-testid=hr-employment-form]").await?;
    let title = app.find("[data-testid=hr-jobTitle]").await?.prop("value").await?.unwrap_or_default();
    assert_eq!(title, before, "the form starts from the record");

    // Without a reason nothing is saved: the summary says why and links to the field.
    app.set_value("[data-testid=hr-jobTitle]", "رئيس قسم الرواتب").await?;
    app.click("[data-testid=hr-save]").await?;
    app.wait_focused("hr-error").await?;
    let summary = app.text("[data-testid=hr-error]").await?;
    assert!(summary.contains("اكتب سبب التعديل"), "{summary}");
    app.screenshot("hr-employee-reason-required-ar").await?;

    app.type_into("[data-testid=hr-reason]", "قرار الترقية رقم 4471").await?;
    app.click("[data-testid=hr-save]").await?;
    app.wait_focused("hr-notice").await?;
    app.wait_for("[data-testid=hr-trail] [data-activity=record_changed]").await?;
    let entry = app.text("[data-testid=hr-trail] [data-activity=record_changed]").await?;
    assert!(
        entry.contains(&before)
            && entry.contains("رئيس قسم الرواتب")
            && entry.contains("قرار الترقية رقم 4471"),
        "{entry}"
    );
    app.screenshot("hr-employee-changed-ar").await?;
    assert_eq!(server.record_of(&employee).await?.profile.job_title, "رئيس قسم الرواتب");

    // The training applications: the course's applicants of the officer's entity with the seats
    // left; declining needs the reason.
    app.click("[data-testid=nav-training]").await?;
    app.set_value("#training-hr-opportunity", &opportunity).await?;
    app.wait_for("[data-testid=training-hr-applicant][data-state=received]").await?;
    let seats =
        app.find("[data-testid=training-hr-seats]").await?.attr("data-left").await?.unwrap_or_default();
    assert!(seats.parse::<u32>().is_ok_and(|left| left > 0), "seats left: {seats}");
    app.screenshot("training-hr-applicants-ar").await?;
    app.click("[data-testid=training-hr-applicant][data-state=received] [data-testid=training-hr-decline]")
        .await?;
    app.wait_for("[data-testid=training-decline-dialog]").await?;
    app.click("[data-testid=training-decline-confirm]").await?;
    app.wait_focused("training-decline-error").await?;
    app.type_into("[data-testid=training-reason]", "اكتمل عدد المرشحين من الإدارة").await?;
    app.screenshot("training-hr-decline-dialog-ar").await?;
    app.click("[data-testid=training-decline-confirm]").await?;
    app.wait_focused("training-hr-notice").await?;
    app.wait_for("[data-testid=training-hr-applicant][data-state=declined]").await?;

    // HR's three screens at 200 % text: the navigation folds, the tables scroll inside their
    // own regions, nothing scrolls sideways.
    app.text_at_200_percent().await?;
    for (nav, shown, name) in [
        ("nav-training", "[data-testid=training-hr]", "training-hr-200-ar"),
        ("nav-hr", "[data-testid=hr-employee]", "hr-employee-200-ar"),
        ("nav-review", "[data-testid=review-item]", "review-queue-200-ar"),
    ] {
        app.open_from_menu(nav).await?;
        app.wait_for(shown).await?;
        app.screenshot(name).await?;
        assert_eq!(app.overflow().await?, None, "{nav}'s page scrolls sideways at 200 %");
    }
    app.ctrl('0').await?;
    app.wait_for("html[data-text-size='100']").await?;

    // The employee signs in here: «سجل النشاط» says who changed what, and why.
    app.click("[data-testid=sign-out-button]").await?;
    app.wait_for("[data-testid=profile-tile]").await?;
    app.sign_in(&employee).await?;
    app.click("[data-testid=nav-activity]").await?;
    app.wait_for("[data-testid=activity] [data-activity=record_changed]").await?;
    let changed = app.text("[data-testid=activity] [data-activity=record_changed]").await?;
    assert!(
        changed.contains("موظف الموارد البشرية") && changed.contains(&officer.national_id.masked()),
        "{changed}"
    );
    assert!(changed.contains(&before) && changed.contains("رئيس قسم الرواتب"), "{changed}");
    assert!(changed.contains("قرار الترقية رقم 4471"), "{changed}");
    app.wait_for("[data-testid=activity] [data-activity=record_read]").await?;
    let declined = app.text("[data-testid=activity] [data-activity=application_declined]").await?;
    assert!(declined.contains("اكتمل عدد المرشحين من الإدارة"), "{declined}");
    app.screenshot("activity-log-ar").await?;
    app.close().await
}
