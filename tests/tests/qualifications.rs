//! توثيق المؤهل in a real window: signed in without the server (offline, after a sign-out), the
//! form filled, a PDF and a JPEG attached (through the end-to-end build's stand-in for the file
//! dialog), the terms accepted and the request sent with a local receipt number; the server back,
//! the app asks for the password and code, the files upload, the transaction number appears; the
//! HR officer signs in on the same workstation, sees both documents drawn and verifies; the
//! employee sees موثق, in the window and as a desktop notification. A rejection needs its reason,
//! shows it to the employee, and the qualification is amended and sent again. On a slow line each
//! file shows its progress with the speed and time left. A program renamed .pdf is refused.

use anyhow::Context;
use masar_e2e::forms::{attach_certificate_and_transcript, fill_bachelor, fixture, reached_number};
use masar_e2e::slow_link::{SlowLink, large_pdf};
use masar_e2e::{App, Server};
use masar_protocol::DemoAccount;
use masar_protocol::auth::Role;

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

/// The employee signs out and the demo HR officer signs in on the same workstation, opens the
/// review queue and the request with transaction `number`; both documents are drawn.
async fn officer_opens(app: &App, server: &Server, number: &str) -> anyhow::Result<DemoAccount> {
    app.click("[data-testid=sign-out-button]").await?;
    app.wait_for("[data-testid=profile-tile]").await?;
    let officer =
        server.accounts().await?.into_iter().find(|a| a.role == Role::HrOfficer).context("no HR officer")?;
    app.sign_in(&officer).await?;
    app.click("[data-testid=nav-review]").await?;
    // The demo's own requests wait in the queue too: the officer searches by the number.
    app.wait_for("[data-testid=review-item]").await?;
    app.type_into("[data-testid=review-query]", number).await?;
    app.click("[data-testid=review-search]").await?;
    let item = app.wait_for_text_where("[data-testid=review-item]", |t| t.contains(number)).await?;
    assert_eq!(app.count("[data-testid=review-item]").await?, 1, "the queue lists the request: {item}");
    // Each state's button counts what the search finds in it: the one request, under review.
    app.wait_for_text("[data-testid=review-state-count-under_review]", "1").await?;
    app.screenshot("review-queue-ar").await?;
    app.click("[data-testid=review-open]").await?;
    app.wait_for("[data-testid=review-dialog]").await?;
    // The documents are drawn beside the data; the decision stays in view below both.
    app.wait_for("[data-testid=review-document-view]").await?;
    for decision in ["review-verify", "review-reject"] {
        anyhow::ensure!(
            app.in_view(&format!("[data-testid={decision}]")).await?,
            "{decision} is out of view"
        );
    }
    Ok(officer)
}

/// The officer signs out; the employee signs in again (by national ID, beside the officer's tile).
async fn employee_back(app: &App, employee: &DemoAccount) -> anyhow::Result<()> {
    app.click("[data-testid=sign-out-button]").await?;
    app.wait_for("[data-testid=profile-tile]").await?;
    app.sign_in(employee).await?;
    Ok(())
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

    // The network goes; the employee signs in without it (the vault opens with the password)
    // and goes on.
    app.click("[data-testid=sign-out-button]").await?;
    app.wait_for("[data-testid=profile-tile]").await?;
    server.kill()?;
    app.click("[data-testid=connection] button").await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.open_from_tile(&account.password).await?;
    app.wait_for("[data-testid=offline-banner]").await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    app.click("[data-testid=nav-qualifications]").await?;
    app.click("[data-testid=qualification-add]").await?;
    app.wait_focused("qualification-level").await?;
    // Sent empty: the summary says what is missing, nothing is sent.
    app.click("[data-testid=qualification-send]").await?;
    app.wait_focused("qualification-error").await?;
    let summary = app.text("[data-testid=qualification-error]").await?;
    assert!(summary.contains("المستوى") && summary.contains("أرفق صورة الشهادة"), "{summary}");
    app.screenshot("qualification-form-errors-ar").await?;

    fill_bachelor(&app).await?;
    attach_certificate_and_transcript(&app).await?;
    app.check("[data-testid=qualification-terms]").await?;
    app.screenshot("qualification-form-filled-ar").await?;
    app.click("[data-testid=qualification-send]").await?;

    let notice = app.wait_for("[data-testid=qualification-notice]").await?.text().await?;
    assert!(notice.contains("رقم الإيصال المحلي"), "{notice}");
    let receipt = app.text("[data-testid=qualification-receipt]").await?;
    assert!(notice.contains(&receipt), "the receipt is said at once: {notice}");
    // Saved here, waiting for the network (the list shows the new request first once read again).
    app.wait_for_text("[data-testid=qualification-state]", "محفوظ على الجهاز · بانتظار الاتصال").await?;
    app.screenshot("qualification-sent-offline-ar").await?;

    // The server is back. The sign-in was offline (no session on the server): the app asks for
    // the password and the code over the page; then the files go up, the submission follows,
    // HR's number appears.
    let server = server.start_again()?;
    app.click("[data-testid=connection] button").await?;
    app.wait_for("[data-testid=reauth]").await?;
    app.sign_in_again(&account).await?;
    let number = reached_number(&app).await?;
    app.wait_for_text("[data-testid=qualification-state]", "وصل إلى مسار، قيد المراجعة").await?;
    assert!(number.starts_with("20"), "{number}");
    assert_eq!(app.text("[data-testid=qualification-receipt]").await?, receipt, "both numbers stay");
    app.type_into("[data-testid=qualification-search]", &receipt).await?;
    app.wait_for("[data-testid=qualification-item]").await?;
    app.screenshot("qualification-under-review-ar").await?;

    // The HR officer signs in here, opens it: the JPEG and the PDF's page are drawn in the app.
    officer_opens(&app, &server, &number).await?;
    // Each view says "shown" once drawn: the image decoded, the PDF's page on its canvas.
    app.wait_for("[data-state=shown] [data-testid=review-document-view-image]").await?;
    app.wait_for("[data-state=shown] [data-testid=review-document-view-page]").await?;
    app.screenshot("review-dialog-ar").await?;
    app.click("[data-testid=review-verify]").await?;
    let notice = app.wait_for("[data-testid=review-notice]").await?.text().await?;
    assert!(notice.contains("وُثّق المؤهل") && notice.contains(&number), "{notice}");
    app.wait_focused("review-notice").await?;
    app.screenshot("review-verified-ar").await?;
    // The request left «under review» for «verified»: the counts follow, and it is listed there.
    app.wait_for_text("[data-testid=review-state-count-under_review]", "0").await?;
    app.wait_for_text("[data-testid=review-state-count-verified]", "1").await?;
    app.click("[data-testid=review-state-verified]").await?;
    let verified = app.wait_for_text_where("[data-testid=review-item]", |t| t.contains(&number)).await?;
    assert!(verified.contains("موثق"), "the verified list shows the request as verified: {verified}");

    // The employee signs in again: the pull brings موثق, and says so (window and desktop).
    employee_back(&app, &account).await?;
    let told = app.wait_for("[data-testid=decision-notice]").await?.text().await?;
    assert!(told.contains("وُثّق مؤهلك") && told.contains(&receipt), "{told}");
    let shown = masar_e2e::desktop_notification("وُثّق مؤهلك", &receipt).await?;
    assert!(shown["body"].as_str().is_some_and(|b| b.contains(&receipt)), "{shown}");
    app.click("[data-testid=nav-qualifications]").await?;
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
    assert_eq!(app.count("[data-testid=attachment]").await?, 0, "nothing attached");
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
    app.check("[data-testid=qualification-terms]").await?;
    app.click("[data-testid=qualification-send]").await?;
    let number = reached_number(&app).await?;
    app.wait_for_text("[data-testid=qualification-state]", "وصل إلى مسار، قيد المراجعة").await?;

    // The officer rejects it in the app: without a reason the form says what is missing.
    let employee = server.first_account().await?;
    officer_opens(&app, &server, &number).await?;
    app.wait_for("[data-state=shown] [data-testid=review-document-view-image]").await?;
    app.click("[data-testid=review-reject]").await?;
    app.wait_focused("review-error").await?;
    let summary = app.text("[data-testid=review-error]").await?;
    assert!(summary.contains("اكتب سبب الرفض"), "{summary}");
    app.screenshot("review-reason-required-ar").await?;
    // Markup in a reason is text everywhere: on the page, and escaped in the desktop
    // notification (whose server reads the body as markup).
    let reason = "صورة الشهادة <b>غير واضحة</b>، أرفق نسخة أوضح.";
    app.type_into("[data-testid=review-reason]", reason).await?;
    app.click("[data-testid=review-reject]").await?;
    app.wait_for("[data-testid=review-notice]").await?;

    employee_back(&app, &employee).await?;
    let told = app.wait_for("[data-testid=decision-notice]").await?.text().await?;
    assert!(told.contains("رُفض مؤهلك") && told.contains(reason), "{told}");
    let escaped = "صورة الشهادة &lt;b&gt;غير واضحة&lt;/b&gt;، أرفق نسخة أوضح.";
    let shown = masar_e2e::desktop_notification("رُفض مؤهلك", escaped).await?;
    assert!(shown["body"].as_str().is_some_and(|b| b.contains(escaped)), "{shown}");
    app.click("[data-testid=nav-qualifications]").await?;
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
    app.check("[data-testid=qualification-terms]").await?;
    app.click("[data-testid=qualification-send]").await?;
    app.wait_for("[data-testid=qualification-notice]").await?;
    assert_eq!(reached_number(&app).await?, number, "the same transaction");
    app.wait_for_text("[data-testid=qualification-state]", "وصل إلى مسار، قيد المراجعة").await?;
    app.screenshot("qualification-amended-ar").await?;
    app.close().await
}

#[tokio::test]
async fn on_a_slow_line_each_file_shows_its_progress_and_the_speed_and_time_left() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    // 2 MB/s from the app: a 16 MB scan takes about eight seconds.
    let link = SlowLink::start(server.url.trim_start_matches("http://").to_owned(), 2_000_000).await?;
    let app = App::launch(&link.url).await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-qualifications]").await?;
    app.click("[data-testid=qualification-add]").await?;
    fill_bachelor(&app).await?;
    let dir = tempfile::tempdir()?;
    let scan = dir.path().join("شهادة-ممسوحة.pdf");
    std::fs::write(&scan, large_pdf(16 * 1024 * 1024))?;
    app.will_pick(&[&scan, &fixture("transcript.pdf")])?;
    app.click("[data-testid=qualification-attach]").await?;
    app.wait_for("[data-testid=attachment]:nth-of-type(2)").await?;
    // The large scan's first page is drawn in the form (pdf.js).
    app.wait_for(
        "[data-testid=attachment]:nth-of-type(1) [data-state=shown] [data-testid=attachment-preview-page]",
    )
    .await?;
    app.set_value("[data-testid=attachment]:nth-of-type(2) [data-testid=attachment-role]", "transcript")
        .await?;
    app.check("[data-testid=qualification-terms]").await?;
    app.click("[data-testid=qualification-send]").await?;

    // Under way: the speed, the bytes and the time left, and a bar per file.
    let rate = app.wait_for_text_where("[data-testid=upload-rate]", |t| t.contains("/ث")).await?;
    assert!(rate.contains("السرعة") && rate.contains("المتبقي"), "{rate}");
    // The speed measured is the line's: at most its 2 MB/s (and a quarter more for what the
    // kernel's buffers take in at once), at least half of it (loopback adds little).
    let measured = app.find("[data-testid=upload-rate]").await?.attr("data-bytes-per-second").await?;
    let measured: f64 = measured.unwrap_or_default().parse()?;
    assert!((1_000_000.0..=2_500_000.0).contains(&measured), "{measured} B/s on a 2,000,000 B/s line");
    assert_eq!(app.count("[data-testid=file-progress]").await?, 2);
    app.wait_for_text_where("[data-testid=qualification-state]", |t| t.starts_with("جاري الإرسال")).await?;
    // «الصادر» says the same of it meanwhile.
    app.click("[data-testid=nav-outgoing]").await?;
    let sending = "[data-testid=outgoing-item][data-kind=qualification][data-stage=sending]";
    let said = app
        .wait_for_text_where(&format!("{sending} [data-testid=outgoing-stage]"), |t| {
            t.starts_with("جاري الإرسال")
        })
        .await?;
    assert!(said.ends_with('%'), "with its share: {said}");
    app.click("[data-testid=nav-qualifications]").await?;
    app.wait_for_text_where("[data-testid=qualification-state]", |t| t.starts_with("جاري الإرسال")).await?;
    app.screenshot("qualification-uploading-ar").await?;

    app.wait_for_text("[data-testid=qualification-state]", "وصل إلى مسار، قيد المراجعة").await?;
    app.close().await
}

/// تحديث المؤهل: the employee sees the qualifications on the record (the demo's, in their
/// states), updates a verified one with a corrected GPA and a new scan; the HR officer sees what
/// changed against the record and verifies; the employee's record shows the new GPA.
#[tokio::test]
async fn a_qualification_on_the_record_is_updated_and_hr_sees_what_changed() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let record = server.record_of(&account).await?;
    let verified = record
        .qualifications
        .iter()
        .filter(|q| q.status == masar_protocol::QualificationStatus::Verified)
        .max_by_key(|q| q.graduation_date)
        .context("a verified qualification on the demo record")?
        .clone();
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-qualifications]").await?;
    app.wait_for("[data-testid=record-qualification]").await?;
    assert_eq!(app.count("[data-testid=record-qualification]").await?, record.qualifications.len());
    let row = format!("[data-testid=record-qualification][data-id={}]", verified.id);
    let graduated = app.text(&format!("{row} [data-testid=record-qualification-graduated]")).await?;
    assert!(graduated.contains("هـ"), "both calendars: {graduated}");
    app.screenshot("qualifications-on-record-ar").await?;

    app.click(&format!("{row} [data-testid=record-qualification-update]")).await?;
    app.wait_for("[data-testid=qualification-update-note]").await?;
    let major = app.find("[data-testid=qualification-major]").await?.prop("value").await?.unwrap_or_default();
    assert_eq!(major, verified.major, "filled from the record");
    app.set_value("[data-testid=qualification-gpa]", "").await?;
    app.type_into("[data-testid=qualification-gpa]", "4.95").await?;
    app.set_value("[data-testid=qualification-grade]", "excellent").await?;
    let scan = fixture("transcript.pdf");
    app.will_pick(&[&scan])?;
    app.click("[data-testid=qualification-attach]").await?;
    app.wait_for("[data-testid=attachment]").await?;
    app.check("[data-testid=qualification-terms]").await?;
    app.screenshot("qualification-update-form-ar").await?;
    app.click("[data-testid=qualification-send]").await?;
    app.wait_for("[data-testid=qualification-notice]").await?;
    let number = reached_number(&app).await?;
    app.wait_for_text("[data-testid=qualification-state]", "وصل إلى مسار، قيد المراجعة").await?;
    app.wait_for(&format!("{row} [data-testid=record-qualification-pending]")).await?;

    officer_opens(&app, &server, &number).await?;
    app.wait_for("[data-testid=review-change]").await?;
    let changes = app.text("[data-testid=review-changes]").await?;
    assert!(changes.contains("4.95") && changes.contains(&format!("{}", verified.gpa)), "{changes}");
    app.screenshot("review-update-changes-ar").await?;
    app.click("[data-testid=review-verify]").await?;
    app.wait_for("[data-testid=review-notice]").await?;

    employee_back(&app, &account).await?;
    app.click("[data-testid=nav-qualifications]").await?;
    app.wait_for_text_where(&format!("{row} [data-testid=record-qualification-gpa]"), |t| t.contains("4.95"))
        .await?;
    app.wait_for(&format!("{row} [data-testid=record-qualification-update]")).await?;
    app.screenshot("qualifications-on-record-updated-ar").await?;
    app.close().await
}
