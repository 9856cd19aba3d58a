//! Forms the tests fill the way an employee does, and the files they attach.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::App;

/// A file of the tests' fixtures (`tests/fixtures/`).
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// A bachelor's degree in information systems typed into the open qualification form.
pub async fn fill_bachelor(app: &App) -> Result<()> {
    app.set_value("[data-testid=qualification-level]", "bachelor").await?;
    app.type_into("[data-testid=qualification-major]", "نظم المعلومات").await?;
    app.type_into("[data-testid=qualification-institution]", "جامعة الملك سعود").await?;
    app.set_value("[data-testid=qualification-studyMode]", "regular").await?;
    app.set_date("qualification-startDate", "2012-09-01").await?;
    app.set_date("qualification-graduationDate", "2016-06-15").await?;
    app.type_into("[data-testid=qualification-gpa]", "4.65").await?;
    app.set_value("[data-testid=qualification-gpaScale]", "5").await?;
    app.set_value("[data-testid=qualification-grade]", "excellent").await?;
    Ok(())
}

/// A certificate scan (JPEG) and a transcript (PDF) attached to the open qualification form
/// through the end-to-end build's stand-in for the file dialog, the second marked as the
/// transcript.
pub async fn attach_certificate_and_transcript(app: &App) -> Result<()> {
    let scan = fixture("certificate-scan.jpg");
    let transcript = fixture("transcript.pdf");
    app.will_pick(&[&scan, &transcript])?;
    app.click("[data-testid=qualification-attach]").await?;
    app.wait_for("[data-testid=attachment]:nth-of-type(2)").await?;
    app.set_value("[data-testid=attachment]:nth-of-type(2) [data-testid=attachment-role]", "transcript")
        .await?;
    Ok(())
}

/// The transaction number Masar gave the qualification just sent on the open page, once its
/// notice says it reached Masar (the list may still show other requests first meanwhile).
pub async fn reached_number(app: &App) -> Result<String> {
    let notice = app
        .wait_for_text_where("[data-testid=qualification-notice]", |t| t.contains("وصل الطلب إلى مسار"))
        .await?;
    transaction_number_in(&notice).with_context(|| format!("no transaction number in {notice:?}"))
}

/// The first `YYYY-NNNNNN` in `text`.
fn transaction_number_in(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '-')).find_map(|word| {
        let (year, number) = word.split_once('-')?;
        (year.len() == 4 && number.len() == 6 && number.bytes().all(|b| b.is_ascii_digit()))
            .then(|| word.to_owned())
    })
}

/// An opportunity the signed-in employee may apply for, from the opportunities page (opened
/// here): its card's selector and its title.
pub async fn first_open_opportunity(app: &App) -> Result<(String, String)> {
    const OPEN: &str = "[data-testid=opportunity][data-eligible=true][data-application=none]";
    app.click("[data-testid=nav-opportunities]").await?;
    app.wait_for(OPEN).await?;
    let opportunity = app.find(OPEN).await?.attr("data-id").await?.unwrap_or_default();
    let card = format!("[data-testid=opportunity][data-id={opportunity}]");
    let title = app.text(&format!("{card} .record-title bdi")).await?;
    Ok((card, title))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_transaction_number_is_found_beside_a_receipt_number() {
        let notice = "وصل الطلب إلى مسار برقم المعاملة \u{2066}2026-000006\u{2069}، رقم الإيصال المحلي: \u{2066}20261207-0001\u{2069}";
        assert_eq!(super::transaction_number_in(notice).as_deref(), Some("2026-000006"));
        assert_eq!(super::transaction_number_in("رقم الإيصال 20261207-0001"), None);
    }
}
