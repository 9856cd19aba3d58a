//! Forms the tests fill the way an employee does, and the files they attach.

use std::path::PathBuf;

use anyhow::Result;

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
    app.set_value("[data-testid=qualification-startDate]", "2012-09-01").await?;
    app.set_value("[data-testid=qualification-graduationDate]", "2016-06-15").await?;
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
