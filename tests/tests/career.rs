//! السجل الوظيفي ومدة الخدمة in a real window: the length of service and the decisions, online
//! and with the server stopped (from the local copy), in both languages (the screenshots check
//! both with axe-core); the service statement saved offline, read back with poppler, its first
//! page kept as an image; the QR code's link opened in Chromium says the statement is genuine.

use fantoccini::Locator;
use masar_e2e::browser::{chromium, screenshot};
use masar_e2e::{App, Server, axe_check, oracle};

#[tokio::test]
async fn the_employment_record_and_length_of_service_show_online_and_offline() -> anyhow::Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let record = server.record_of(&account).await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;

    app.click("[data-testid=nav-employment]").await?;
    let appointed = app.text("[data-testid=employment] dl div:last-child dd").await?;
    app.click("[data-testid=nav-career]").await?;
    // The exact words, worked out apart from the product (see `oracle`) from the server's record.
    let today = chrono::Local::now().date_naive();
    let span = oracle::length_of_service(&record.employment_events, record.profile.appointment_date, today);
    let total = oracle::arabic_words(span);
    app.wait_for_text("[data-testid=service-length-total]", &total).await?;
    let from = app.text("[data-testid=service-length] dd").await?;
    assert_eq!(from, appointed, "counted from the appointment the employment page shows");
    assert!(from.contains("هـ"), "with its Hijri date: {from}");
    let events = app.count("[data-testid=career-event]").await?;
    assert_eq!(events, record.employment_events.len(), "every decision the server holds");
    let newest = app.text("[data-testid=career-event]:first-child .record-title").await?;
    app.screenshot("career-ar").await?;

    // Online, the statement carries the server's code; its QR code reads as that code, and the
    // server confirms it to anyone.
    let dir = tempfile::tempdir()?;
    let online = dir.path().join("online.pdf");
    app.will_pick(&[&online])?;
    app.click("[data-testid=statement-save]").await?;
    app.wait_for("[data-testid=statement-verifiable][data-verifiable=true]").await?;
    let image = dir.path().join("online");
    poppler(
        "pdftoppm",
        &[
            "-png".as_ref(),
            "-r".as_ref(),
            "200".as_ref(),
            "-singlefile".as_ref(),
            online.as_os_str(),
            image.as_os_str(),
        ],
    )?;
    let scanned =
        poppler("zbarimg", &["--raw".as_ref(), "-q".as_ref(), image.with_extension("png").as_os_str()])?;
    let link = scanned.trim();
    assert!(
        link.starts_with(&format!("{}/verify/MSR-", server.url)),
        "the QR code links to the server: {link}"
    );
    let printed = poppler("pdftotext", &[online.as_os_str(), "-".as_ref()])?;
    assert!(printed.contains(link), "the link is printed to type too: {printed}");
    // Whoever receives the paper opens the link in a browser: the statement is genuine.
    let browser = chromium().await?;
    browser.goto(link).await?;
    let verdict = browser.find(Locator::Css("[data-standing]")).await?;
    assert_eq!(verdict.attr("data-standing").await?.as_deref(), Some("genuine"));
    let page = browser.find(Locator::Css("main")).await?.text().await?;
    assert!(page.contains(&account.name_ar.full()), "{page}");
    axe_check(&browser, "verify-from-qr-ar").await?;
    screenshot(&browser, "verify-from-qr-ar").await?;
    browser.close().await?;

    // The server stops: the same, from the copy on this workstation.
    server.kill()?;
    app.click("[data-testid=connection] button").await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.click("[data-testid=nav-overview]").await?;
    app.click("[data-testid=nav-career]").await?;
    app.wait_for_text("[data-testid=service-length-total]", &total).await?;
    assert_eq!(app.count("[data-testid=career-event]").await?, events);
    assert_eq!(app.text("[data-testid=career-event]:first-child .record-title").await?, newest);
    app.screenshot("career-offline-ar").await?;

    // Offline, the service statement is made from the local copy and saved where chosen (the
    // record is unchanged, so the last code still certifies it).
    let target = dir.path().join("بيان خدمة.pdf");
    app.will_pick(&[&target])?;
    app.click("[data-testid=statement-save]").await?;
    let saved = app.wait_for("[data-testid=statement-saved]").await?.text().await?;
    assert!(saved.contains("صفحة"), "{saved}");
    app.wait_focused("statement-saved").await?;
    app.wait_for("[data-testid=statement-verifiable][data-verifiable=true]").await?;
    app.screenshot("statement-saved-offline-ar").await?;
    let pdf = std::fs::read(&target)?;
    assert!(pdf.starts_with(b"%PDF-"), "a PDF at the chosen path");
    let text = poppler("pdftotext", &[target.as_os_str(), "-".as_ref()])?;
    let squashed: String = text.chars().filter(|c| c.is_alphanumeric()).collect();
    let name: String = account.name_ar.full().chars().filter(|c| c.is_alphanumeric()).collect();
    assert!(squashed.contains(&name), "the employee's name, in logical order: {text}");
    // Its first page as an image among the artifacts, to look at.
    let artifacts = std::path::PathBuf::from(std::env::var("MASAR_E2E_ARTIFACTS")?);
    let prefix = artifacts.join("statement-page");
    poppler(
        "pdftoppm",
        &[
            "-png".as_ref(),
            "-r".as_ref(),
            "80".as_ref(),
            "-f".as_ref(),
            "1".as_ref(),
            "-l".as_ref(),
            "1".as_ref(),
            "-singlefile".as_ref(),
            target.as_os_str(),
            prefix.as_os_str(),
        ],
    )?;
    assert!(artifacts.join("statement-page.png").exists());
    app.close().await
}

/// Runs a poppler utility; its standard output.
fn poppler(tool: &str, args: &[&std::ffi::OsStr]) -> anyhow::Result<String> {
    let out = std::process::Command::new(tool).args(args).output()?;
    anyhow::ensure!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8(out.stdout)?)
}
