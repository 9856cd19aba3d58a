//! Documents and qualification forms for the tests that attach and send files.

use masar_core::qualifications::QualificationForm;
use masar_protocol::qualification::{AttachmentRole, GpaScale, Grade, Level, StudyMode};

use crate::World;

/// In every test document: the attachment store's files must never contain it.
pub const MARKER: &str = "MASAR-CERTIFICATE-PLAINTEXT";

/// A PDF (by its header and trailer) of about 30 bytes per line, the marker on every line.
pub fn certificate_pdf(lines: usize) -> Vec<u8> {
    masar_test_utils::marked_pdf(MARKER, lines)
}

/// A bachelor's degree from a Saudi university, complete but for its files.
pub fn bachelor_form() -> QualificationForm {
    QualificationForm {
        level: Some(Level::Bachelor),
        major: "المحاسبة".into(),
        institution: "جامعة الإمام محمد بن سعود الإسلامية".into(),
        country: "SA".into(),
        study_mode: Some(StudyMode::Regular),
        start_date: "2010-09-01".into(),
        graduation_date: "2014-06-20".into(),
        gpa: "4.2".into(),
        gpa_scale: Some(GpaScale::Five),
        grade: Some(Grade::VeryGood),
        terms_accepted: true,
        ..QualificationForm::default()
    }
}

/// Attaches a certificate of `lines` lines (named `name`) and sends the form; returns the
/// qualification's id and the file's size.
pub async fn send_qualification(world: &World, name: &str, lines: usize) -> (String, u64) {
    let qualifications = world.app.qualifications();
    let scan = world.app_dir.path().join(name);
    std::fs::write(&scan, certificate_pdf(lines)).unwrap();
    let attached = qualifications.attach(scan, AttachmentRole::Certificate).await.unwrap();
    let id = qualifications.new_draft().unwrap();
    let size = attached.size;
    let form = QualificationForm { attachments: vec![attached], ..bachelor_form() };
    qualifications.send(id.clone(), form).await.unwrap();
    (id, size)
}
