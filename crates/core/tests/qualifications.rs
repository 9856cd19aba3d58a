//! Documenting a qualification through the core against the real server (behind a proxy that can
//! fail): the scan into the encrypted store, a draft, sending with a receipt number while the
//! network is down, the upload and the submission once it is back, HR's decision coming back.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use masar_core::qualifications::{ItemState, QualificationForm, QualificationItem};
use masar_core::sync::SyncStatus;
use masar_protocol::auth::Role;
use masar_protocol::qualification::{AttachmentRole, GpaScale, Grade, Level, StudyMode};
use masar_protocol::{DemoAccount, attachments::AttachmentKind};
use masar_test_support::{Fault, World, http_access_token};
use serde_json::json;

const MARKER: &str = "MASAR-CERTIFICATE-PLAINTEXT";

fn certificate_pdf(lines: usize) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.7\n% {MARKER}\n").into_bytes();
    for i in 0..lines {
        bytes.extend_from_slice(format!("% {MARKER} line {i}\n").as_bytes());
    }
    bytes.extend_from_slice(b"%%EOF\n");
    bytes
}

fn form() -> QualificationForm {
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

async fn item(world: &World, id: &str) -> QualificationItem {
    world.app.qualifications().list().await.unwrap().into_iter().find(|i| i.id == id).unwrap()
}

/// The demo HR officer's access token, signed in over HTTP.
async fn officer_token(world: &World) -> String {
    let base = world.server.base_url();
    let accounts: Vec<DemoAccount> =
        reqwest::get(format!("{base}/v1/dev/accounts")).await.unwrap().json().await.unwrap();
    let officer = accounts.into_iter().find(|a| a.role == Role::HrOfficer).unwrap();
    http_access_token(&base, &officer).await
}

#[tokio::test]
async fn sent_offline_with_a_receipt_uploaded_when_the_network_returns_and_verified_by_hr() {
    let world = World::signed_in().await;
    let qualifications = world.app.qualifications();
    let scan = world.app_dir.path().join("شهادة البكالوريوس.pdf");
    // 2.5 MB: three chunks of the upload.
    let bytes = certificate_pdf(75_000);
    std::fs::write(&scan, &bytes).unwrap();

    let attached = qualifications.attach(scan, AttachmentRole::Certificate).await.unwrap();
    assert_eq!((attached.kind, attached.size), (AttachmentKind::Pdf, bytes.len() as u64));
    let id = qualifications.new_draft().unwrap();
    let draft = QualificationForm { attachments: vec![attached.clone()], terms_accepted: false, ..form() };
    qualifications.save(id.clone(), draft.clone()).await.unwrap();
    assert_eq!(item(&world, &id).await.state, ItemState::Draft);
    let unsent = world.app.outbox().unsent_work().await.unwrap().unwrap();
    assert_eq!(unsent.drafts, 1, "a draft counts as unsent work");

    // Without the terms it is not sent; with them it has its receipt at once, offline.
    let refused = qualifications.send(id.clone(), draft.clone()).await.unwrap_err();
    assert!(format!("{refused:?}").contains("TermsNotAccepted"), "{refused:?}");
    world.proxy.set(Fault::Refuse);
    let receipt =
        qualifications.send(id.clone(), QualificationForm { terms_accepted: true, ..draft }).await.unwrap();
    let waiting = item(&world, &id).await;
    assert_eq!(waiting.receipt.as_deref(), Some(receipt.as_str()));
    assert_eq!(waiting.state, ItemState::Waiting { sent_bytes: 0.0, total_bytes: bytes.len() as f64 });
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Offline { .. }), "{status:?}");

    // Nothing of the document is readable in the app's files.
    let marker = MARKER.as_bytes();
    for entry in walk(world.app_dir.path()) {
        if entry.extension().is_some_and(|e| e == "pdf") {
            continue; // the employee's own scan
        }
        let content = std::fs::read(&entry).unwrap();
        assert!(!content.windows(marker.len()).any(|w| w == marker), "plaintext in {}", entry.display());
    }

    // The network is back: the file goes up, the submission follows in the same round.
    world.proxy.set(Fault::Pass);
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Synced { pending: 0, .. }), "{status:?}");
    let sent = item(&world, &id).await;
    assert_eq!(sent.state, ItemState::UnderReview);
    let number = sent.transaction_number.clone().unwrap();
    assert_eq!(sent.receipt.as_deref(), Some(receipt.as_str()), "both numbers stay");
    let stored = world.count(&format!("SELECT count(*) FROM blobs WHERE sha256 = '{}'", attached.sha256));
    assert_eq!(stored, 1);

    // HR verifies; the next round brings it.
    let token = officer_token(&world).await;
    let decided = reqwest::Client::new()
        .post(format!("{}/v1/hr/qualifications/{id}/decision", world.server.base_url()))
        .bearer_auth(token)
        .json(&json!({ "decision": "verify" }))
        .send()
        .await
        .unwrap();
    assert_eq!(decided.status(), 200);
    world.app.sync().round().await;
    let verified = item(&world, &id).await;
    assert_eq!((verified.state, verified.transaction_number), (ItemState::Verified, Some(number)));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
