//! The page a printed statement's QR code opens, in a real browser (Chromium, headless), for each
//! answer a holder of the paper can get: genuine, genuine but the record changed since (HR moved
//! the employee to another post), expired (a code given 100 days ago, past the server's 90), and
//! a code Masar never gave. Each is kept as a screenshot and passes axe-core; the page works
//! without script and reads right to left in Arabic, left to right in English.

use anyhow::{Context, Result, ensure};
use chrono::{Duration, Local};
use fantoccini::{Client, Locator};
use masar_e2e::browser::{chromium, screenshot};
use masar_e2e::{Server, axe_check};
use masar_protocol::DemoAccount;
use masar_protocol::auth::Role;

/// Opens `url`; the page's standing (`data-standing`), language and direction, and its text.
async fn open(client: &Client, url: &str, name: &str) -> Result<(String, String, String)> {
    client.goto(url).await?;
    let verdict = client.find(Locator::Css("[data-standing]")).await?;
    let standing = verdict.attr("data-standing").await?.unwrap_or_default();
    let html = client.find(Locator::Css("html")).await?;
    let direction = format!(
        "{}/{}",
        html.attr("lang").await?.unwrap_or_default(),
        html.attr("dir").await?.unwrap_or_default()
    );
    let text = client.find(Locator::Css("main")).await?.text().await?;
    axe_check(client, name).await?;
    screenshot(client, name).await?;
    Ok((standing, direction, text))
}

/// An employee of the officer's own entity (the officer may change their employment data), other
/// than `not`.
async fn colleague_of(
    server: &Server,
    officer: &DemoAccount,
    accounts: &[DemoAccount],
    not: &DemoAccount,
) -> Result<DemoAccount> {
    let token = server.access_token(officer).await?;
    for account in accounts.iter().filter(|a| a.role == Role::Employee && a.national_id != not.national_id) {
        let url = format!("{}/v1/hr/employees/{}/record", server.url, account.national_id);
        if reqwest::Client::new().get(url).bearer_auth(&token).send().await?.status().is_success() {
            return Ok(account.clone());
        }
    }
    anyhow::bail!("the officer's entity has no other employee")
}

#[tokio::test]
async fn a_statement_is_verified_by_whoever_holds_it_genuine_changed_expired_or_unknown() -> Result<()> {
    // 100 days ago the server gave a code (verifiable for 90 days): expired by today.
    let past = (Local::now().date_naive() - Duration::days(100)).to_string();
    let mut server = Server::start_demo_with(&["--today", &past])?;
    let accounts = server.accounts().await?;
    let employee = accounts.iter().find(|a| a.role == Role::Employee).context("no employee")?.clone();
    let old = server.statement_code(&employee).await?;
    server.kill()?;
    let server = server.start_again()?;

    let officer = accounts.iter().find(|a| a.role == Role::HrOfficer).context("no HR officer")?.clone();
    let moved = colleague_of(&server, &officer, &accounts, &employee).await?;
    let genuine = server.statement_code(&employee).await?;
    let changed = server.statement_code(&moved).await?;
    let token = server.access_token(&officer).await?;
    let promoted = reqwest::Client::new()
        .put(format!("{}/v1/hr/employees/{}/employment", server.url, moved.national_id))
        .bearer_auth(token)
        .json(&serde_json::json!({ "baseVersion": 1, "entity": changed.facts.entity, "jobTitle": "رئيس قسم الموارد البشرية", "reason": "قرار إداري" }))
        .send()
        .await?;
    ensure!(promoted.status().is_success(), "HR's change: {}", promoted.status());

    let client = chromium().await?;
    let (standing, direction, text) = open(&client, &genuine.verify_url, "verify-genuine-ar").await?;
    ensure!(standing == "genuine" && direction == "ar/rtl", "{standing} {direction}");
    ensure!(text.contains("بيان صحيح") && text.contains(&employee.name_ar.full()), "{text}");
    ensure!(
        text.contains(&employee.national_id.masked()) && !text.contains(employee.national_id.as_str()),
        "{text}"
    );
    let english = format!("{}?lang=en", genuine.verify_url);
    let (standing, direction, text) = open(&client, &english, "verify-genuine-en").await?;
    ensure!(standing == "genuine" && direction == "en/ltr" && text.contains("Genuine statement"), "{text}");

    let (standing, _, text) = open(&client, &changed.verify_url, "verify-changed-ar").await?;
    ensure!(standing == "changed" && text.contains("تغيّر السجل"), "{standing}: {text}");
    ensure!(text.contains(&changed.facts.job_title), "what the paper certified: {text}");

    let (standing, _, text) = open(&client, &old.verify_url, "verify-expired-ar").await?;
    ensure!(standing == "refused" && text.contains("انتهت صلاحية رمز التحقق"), "{standing}: {text}");
    ensure!(!text.contains(&employee.name_ar.family), "an expired code names nobody: {text}");

    let unknown = format!("{}/verify/MSR-ACDE-2346-79XY?lang=en", server.url);
    let (standing, direction, text) = open(&client, &unknown, "verify-unknown-en").await?;
    ensure!(
        standing == "refused" && direction == "en/ltr" && text.contains("No statement has this code"),
        "{text}"
    );
    client.close().await?;
    Ok(())
}
