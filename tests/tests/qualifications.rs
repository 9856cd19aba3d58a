//! توثيق المؤهل in a real window: with the server down, the form filled, a PDF and a JPEG attached
//! (through the end-to-end build's stand-in for the file dialog), the terms accepted and the
//! request sent with a local receipt number; the server back, the files upload, the transaction
//! number appears; HR verifies and the employee sees موثق. A rejection shows HR's reason and the
//! qualification is amended and sent again. A program renamed .pdf is refused with the reason.

use std::path::PathBuf;

use masar_e2e::{App, Server};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

async fn fill_bachelor(app: &App) -> anyhow::Result<()> {
    app.set_value("[data-testid=qualification-level]", "bachelor").await?;
    app.type_into("[data-testid=qualification-major]", "نظم المعلومات").await?;
    app.type_into("[data-testid=qualification-institution]", "جامعة الملك سعود").await?;
    app.set_value("[data-testid=qualification-studyMode]", "regular").await?;
    app.set_value("[data-testid=qualification-startDate]", "2012-09-01").await?;
    app.set_value("[data-testid=qualification-graduationDate]", "2016-06-15").await?;
    app.type_into("[data-testid=qualification-gpa]", "4.65").await?;
    app.set_value("[data-testid=qualification-gpaScale]", "5").await?;
    app.set_value("[data-testid=qualification-grade]", "excellent").await?;
    Ok(())
}

/// An employee signed in, on a new qualification's form with a bachelor's degree filled in.
async fn new_bachelor_form(server: &Server) -> anyhow::Result<App> {
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-qualifications]").await?;
    app.click("[data-testid=qualification-add]").await?;
    fill_bachelor(&app).await?;
    Ok(app)
}

#[tokio::test]
async fn a_qualification_sent_offline_uploads_when_the_server_returns_and_comes_back_verified()
-> anyhow::Result<()> {
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-qualifications]").await?;
    app.wait_for("[data-testid=qualifications]").await?;
    app.screenshot("qualifications-empty-ar").await?;

    // The network goes; the employee goes on.
    server.kill()?;
    app.click("[data-testid=connection] button").await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.click("[data-testid=qualification-add]").await?;
    app.wait_focused("qualification-level").await?;
    // Sent empty: the summary says what is missing, nothing is sent.
    app.click("[data-testid=qualification-send]").await?;
    app.wait_focused("qualification-error").await?;
    let summary = app.text("[data-testid=qualification-error]").await?;
    assert!(summary.contains("المستوى") && summary.contains("أرفق صورة الشهادة"), "{summary}");
    app.screenshot("qualification-form-errors-ar").await?;

    fill_bachelor(&app).await?;
    let scan = fixture("certificate-scan.jpg");
    let transcript = fixture("transcript.pdf");
    app.will_pick(&[&scan, &transcript])?;
    app.click("[data-testid=qualification-attach]").await?;
    app.wait_for("[data-testid=attachment]:nth-of-type(2)").await?;
    let roles = app.find("[data-testid=attachment]:nth-of-type(2) [data-testid=attachment-role]").await?;
    app.set_value("[data-testid=attachment]:nth-of-type(2) [data-testid=attachment-role]", "transcript")
        .await?;
    drop(roles);
    app.click("[data-testid=qualification-terms]").await?;
    app.screenshot("qualification-form-filled-ar").await?;
    app.click("[data-testid=qualification-send]").await?;

    let notice = app.wait_for("[data-testid=qualification-notice]").await?.text().await?;
    assert!(notice.contains("رقم الإيصال المحلي"), "{notice}");
    let receipt = app.text("[data-testid=qualification-receipt]").await?;
    assert!(notice.contains(&receipt), "the receipt is said at once: {notice}");
    assert_eq!(app.text("[data-testid=qualification-state]").await?, "بانتظار المزامنة");
    app.screenshot("qualification-sent-offline-ar").await?;

    // The server is back: the files go up, the submission follows, HR's number appears.
    let server = server.start_again()?;
    app.click("[data-testid=connection] button").await?;
    app.wait_for_text("[data-testid=qualification-state]", "قيد المراجعة").await?;
    let number = app.wait_for("[data-testid=qualification-transaction]").await?.text().await?;
    assert!(number.starts_with("20"), "{number}");
    assert_eq!(app.text("[data-testid=qualification-receipt]").await?, receipt, "both numbers stay");
    app.type_into("[data-testid=qualification-search]", &receipt).await?;
    app.wait_for("[data-testid=qualification-item]").await?;
    app.screenshot("qualification-under-review-ar").await?;

    // HR verifies it; the next sync round brings موثق.
    server.hr_decide(&number, serde_json::json!({ "decision": "verify" })).await?;
    app.wait_for_text("[data-testid=qualification-state]", "موثق").await?;
    app.screenshot("qualification-verified-ar").await?;
    app.close().await
}

#[tokio::test]
async fn a_program_renamed_pdf_is_refused_with_the_reason_and_the_form_stays() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let app = new_bachelor_form(&server).await?;
    let dir = tempfile::tempdir()?;
    let fake = dir.path().join("شهادة.pdf");
    let mut program = b"\x7fELF\x02\x01\x01\0".to_vec();
    program.resize(20_000, 0);
    std::fs::write(&fake, program)?;
    app.will_pick(&[&fake])?;
    app.click("[data-testid=qualification-attach]").await?;
    let refused = app.wait_for("[data-testid=attachment-refused]").await?.text().await?;
    assert!(refused.contains("شهادة.pdf") && refused.contains("ليس PDF"), "{refused}");
    assert!(app.find("[data-testid=attachment]").await.is_err(), "nothing attached");
    let kept = app.find("[data-testid=qualification-major]").await?.prop("value").await?;
    assert_eq!(kept.as_deref(), Some("نظم المعلومات"), "the form keeps what was typed");
    app.screenshot("qualification-fake-pdf-ar").await?;
    app.close().await
}

#[tokio::test]
async fn a_rejected_qualification_shows_the_reason_and_is_amended_and_sent_again() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let app = new_bachelor_form(&server).await?;
    app.will_pick(&[&fixture("certificate-scan.jpg")])?;
    app.click("[data-testid=qualification-attach]").await?;
    app.wait_for("[data-testid=attachment]").await?;
    app.click("[data-testid=qualification-terms]").await?;
    app.click("[data-testid=qualification-send]").await?;
    app.wait_for_text("[data-testid=qualification-state]", "قيد المراجعة").await?;
    let number = app.wait_for("[data-testid=qualification-transaction]").await?.text().await?;

    let reason = "صورة الشهادة غير واضحة، أرفق نسخة أوضح.";
    server.hr_decide(&number, serde_json::json!({ "decision": "reject", "reason": reason })).await?;
    app.wait_for_text("[data-testid=qualification-state]", "مرفوض").await?;
    let shown = app.text("[data-testid=qualification-reason]").await?;
    assert!(shown.contains(reason), "{shown}");
    app.screenshot("qualification-rejected-ar").await?;

    // Amended: the form comes back filled; a clearer scan replaces the first; sent again.
    app.click("[data-testid=qualification-amend]").await?;
    let major = app.wait_for("[data-testid=qualification-major]").await?.prop("value").await?;
    assert_eq!(major.as_deref(), Some("نظم المعلومات"));
    app.click("[data-testid=attachment] button").await?;
    app.will_pick(&[&fixture("transcript.pdf")])?;
    app.click("[data-testid=qualification-attach]").await?;
    app.wait_for("[data-testid=attachment]").await?;
    app.set_value("[data-testid=attachment-role]", "certificate").await?;
    app.click("[data-testid=qualification-terms]").await?;
    app.click("[data-testid=qualification-send]").await?;
    app.wait_for("[data-testid=qualification-notice]").await?;
    app.wait_for_text("[data-testid=qualification-state]", "قيد المراجعة").await?;
    assert_eq!(app.text("[data-testid=qualification-transaction]").await?, number, "the same transaction");
    app.screenshot("qualification-amended-ar").await?;
    app.close().await
}
