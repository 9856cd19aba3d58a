//! Documenting a qualification through the core against the real server (behind a proxy that can
//! fail): the scan into the encrypted store, a draft, sending with a receipt number while the
//! network is down, the upload and the submission once it is back, HR's decision coming back.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use masar_core::qualifications::{FileProgress, ItemState, QualificationForm, QualificationItem};
use masar_core::sync::SyncStatus;
use masar_core::{AuthState, ErrorCode};
use masar_protocol::attachments::AttachmentKind;
use masar_protocol::auth::Role;
use masar_protocol::hr::ReviewFilter;
use masar_protocol::qualification::Decision;
use masar_protocol::qualification::{AttachmentRole, QualificationStatus};
use masar_test_support::documents::{MARKER, bachelor_form, certificate_pdf, send_qualification};
use masar_test_support::{Fault, World};

fn form() -> QualificationForm {
    bachelor_form()
}

async fn item(world: &World, id: &str) -> QualificationItem {
    world.app.qualifications().list().await.unwrap().into_iter().find(|i| i.id == id).unwrap()
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
    let file = FileProgress {
        sha256: attached.sha256.clone(),
        name: "شهادة البكالوريوس.pdf".into(),
        sent_bytes: 0.0,
        total_bytes: bytes.len() as f64,
    };
    assert_eq!(
        waiting.state,
        ItemState::Waiting { sent_bytes: 0.0, total_bytes: bytes.len() as f64, files: vec![file] }
    );
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
    let mut uploads = world.app.subscribe_uploads();
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Synced { pending: 0, .. }), "{status:?}");
    // The last chunk's progress: the whole file sent, nothing left, a measured speed; then idle.
    let last = uploads.borrow_and_update().clone();
    assert!(!last.active, "the round is over: {last:?}");
    assert_eq!((last.sent_bytes, last.remaining_bytes), (bytes.len() as f64, 0.0), "{last:?}");
    assert!(last.bytes_per_second.is_some_and(|speed| speed > 0.0), "{last:?}");
    let sent = item(&world, &id).await;
    assert_eq!(sent.state, ItemState::UnderReview);
    let number = sent.transaction_number.clone().unwrap();
    assert_eq!(sent.receipt.as_deref(), Some(receipt.as_str()), "both numbers stay");
    let stored = world.count(&format!("SELECT count(*) FROM blobs WHERE sha256 = '{}'", attached.sha256));
    assert_eq!(stored, 1);

    // HR verifies in the app: the queue lists it, the document opens as it was attached.
    let (_officer_dir, officer) = world.officer_app().await;
    let AuthState::SignedIn { session } = officer.auth().state() else { panic!("not signed in") };
    assert_eq!(session.role, Role::HrOfficer, "the app knows the officer's role from the sign-in");
    let queue = officer.review().queue(ReviewFilter::default()).await.unwrap();
    let under_review = queue.iter().find(|q| q.qualification.id == id).unwrap();
    assert_eq!(under_review.national_id, world.account.national_id);
    let document = officer.review().document(attached.sha256.clone()).await.unwrap();
    assert_eq!((document.kind, &document.bytes[..]), (AttachmentKind::Pdf, &bytes[..]));
    let read = under_review.version;
    officer.review().decide(id.clone(), Decision::Verify { read_version: read }).await.unwrap();
    let mut decisions = world.app.subscribe_decisions();
    world.app.sync().round().await;
    // The employee is told (the shell shows a desktop notification), once.
    let told = decisions.try_recv().unwrap();
    assert_eq!(
        (told.id.as_str(), told.granted, told.receipt.as_str()),
        (id.as_str(), true, receipt.as_str())
    );
    world.app.sync().round().await;
    assert!(decisions.try_recv().is_err(), "a decision is news once");
    let verified = item(&world, &id).await;
    assert_eq!((verified.state, verified.transaction_number), (ItemState::Verified, Some(number)));
}

#[tokio::test]
async fn the_officer_rejects_with_a_reason_only_once_and_an_employee_cannot_review() {
    let world = World::signed_in().await;
    let AuthState::SignedIn { session } = world.app.auth().state() else { panic!("not signed in") };
    assert_eq!(session.role, Role::Employee);
    let qualifications = world.app.qualifications();
    let scan = world.app_dir.path().join("certificate.pdf");
    std::fs::write(&scan, certificate_pdf(10)).unwrap();
    let attached = qualifications.attach(scan, AttachmentRole::Certificate).await.unwrap();
    let id = qualifications.new_draft().unwrap();
    qualifications
        .send(id.clone(), QualificationForm { attachments: vec![attached], ..form() })
        .await
        .unwrap();
    world.app.sync().round().await;

    // The employee's own session is refused by the server, with the code the window explains.
    let refused = world.app.review().queue(ReviewFilter::default()).await.unwrap_err();
    assert_eq!(refused.to_ui().code, ErrorCode::Forbidden, "{refused:?}");

    let (_dir, officer) = world.officer_app().await;
    let filter =
        ReviewFilter { query: Some(world.account.national_id.to_string()), ..ReviewFilter::default() };
    let found = officer.review().queue(filter).await.unwrap();
    assert!(found.iter().all(|q| q.national_id == world.account.national_id), "{found:?}");
    assert!(found.iter().any(|q| q.qualification.id == id), "found by the employee's ID");
    // A decision on a version the officer did not read is not made, and the window says why.
    let stale = officer.review().decide(id.clone(), Decision::Verify { read_version: 7 }).await.unwrap_err();
    assert_eq!(stale.to_ui().code, ErrorCode::ChangedSinceRead, "{stale:?}");
    let blank = Decision::Reject { read_version: 1, reason: "  ".into() };
    let refused = officer.review().decide(id.clone(), blank).await.unwrap_err();
    assert_eq!(refused.to_ui().code, ErrorCode::ReasonRequired, "{refused:?}");
    let reason = "الشهادة غير واضحة؛ أرفق نسخة مصدقة.";
    officer
        .review()
        .decide(id.clone(), Decision::Reject { read_version: 1, reason: reason.into() })
        .await
        .unwrap();
    let again = officer.review().decide(id.clone(), Decision::Verify { read_version: 2 }).await.unwrap_err();
    assert_eq!(again.to_ui().code, ErrorCode::AlreadyDecided, "{again:?}");
    let open = officer.review().queue(ReviewFilter::default()).await.unwrap();
    assert!(open.iter().all(|q| q.qualification.id != id), "decided ones leave the default queue");

    world.app.sync().round().await;
    assert_eq!(item(&world, &id).await.state, ItemState::Rejected { reason: reason.into() });
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

async fn send_one(world: &World, lines: usize) -> (String, u64) {
    send_qualification(world, "scan.pdf", lines).await
}

const PATCH: &str = "PATCH /v1/uploads/";

#[tokio::test]
async fn a_lost_answer_to_the_last_chunk_is_not_sent_twice() {
    let world = World::signed_in().await;
    let (id, _) = send_one(&world, 5_000).await; // one chunk
    world.proxy.set(Fault::LoseResponseTo("PATCH "));
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Offline { .. }), "the answer never came: {status:?}");
    assert_eq!(world.count("SELECT count(*) FROM blobs"), 1, "the server has the file");

    world.proxy.set(Fault::Pass);
    world.app.sync().round().await;
    assert_eq!(item(&world, &id).await.state, ItemState::UnderReview);
    assert_eq!(world.proxy.requests(PATCH), 1, "the server's offset said it was all there");
}

#[tokio::test]
async fn a_damaged_chunk_is_refused_and_sent_again_in_the_same_round() {
    let world = World::signed_in().await;
    let (id, size) = send_one(&world, 300_000).await; // 3 chunks of 4 MiB
    assert!(size > 8 * 1024 * 1024, "{size}");
    world.proxy.set(Fault::CorruptOnce("PATCH "));
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Synced { pending: 0, .. }), "{status:?}");
    assert_eq!(item(&world, &id).await.state, ItemState::UnderReview);
    assert_eq!(world.proxy.requests(PATCH), 4, "three chunks and the damaged one again");
    assert_eq!(world.count("SELECT count(*) FROM blobs"), 1);
}

#[tokio::test]
async fn an_upload_the_server_let_expire_starts_again_cleanly() {
    let world = World::signed_in().await;
    let (id, _) = send_one(&world, 300_000).await;
    // The first chunk reaches the server; the app never hears it.
    world.proxy.set(Fault::LoseResponseTo("PATCH "));
    world.app.sync().round().await;
    let kept: i64 = world.count("SELECT upload_offset FROM uploads");
    assert_eq!(kept, 4 * 1024 * 1024, "the server kept the first chunk");
    // The upload expires on the server.
    world.server_db().execute("UPDATE uploads SET expires_ms = 0", []).unwrap();

    world.proxy.set(Fault::Pass);
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Synced { pending: 0, .. }), "{status:?}");
    assert_eq!(item(&world, &id).await.state, ItemState::UnderReview);
    assert_eq!(world.count("SELECT count(*) FROM uploads WHERE done = 0"), 0, "the expired one is gone");
    assert_eq!(world.count("SELECT count(*) FROM blobs"), 1);
    let partial = world.server_dir.path().join("blobs").join("partial");
    assert_eq!(std::fs::read_dir(partial).unwrap().count(), 0, "no bytes of it left behind");
}

/// A Masar error that is not about the file: the upload is tried again next round.
const BUSY: &str = "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: 41\r\n\r\n{\"code\":\"rate_limited\",\"message\":\"later\"}";

/// The server's refusal of the file itself (by its content).
const REFUSED: &str = "HTTP/1.1 422 Unprocessable Entity\r\ncontent-type: application/json\r\ncontent-length: 87\r\n\r\n{\"code\":\"file_not_accepted\",\"message\":\"no\",\"file_problem\":{\"problem\":\"not_a_document\"}}";

/// A submission whose file cannot go up this round (the server is busy) holds back only itself: a contact edit queued after it is applied in the same round, and the submission
/// follows with the next mutation id once its file is verified.
#[tokio::test]
async fn a_file_that_cannot_go_up_holds_back_only_its_own_submission() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let (id, _) = send_one(&world, 5_000).await;
    let before = world.app.records().local_view().await.unwrap();
    let p = &before.profile;
    let edit = masar_protocol::sync::MutationBody::UpdateContact(masar_protocol::sync::ContactUpdate {
        mobile: "0555000333".into(),
        email: p.email.clone(),
        address: p.address.clone(),
    });
    world.app.outbox().queue_edit(edit, vec!["mobile".into()]).await.unwrap();

    world.proxy.set(Fault::AnswerTo("POST /v1/uploads", BUSY));
    let status = world.app.sync().round().await;
    assert!(
        matches!(status, SyncStatus::Synced { pending: 1, .. }),
        "the submission still waits: {status:?}"
    );
    assert!(matches!(item(&world, &id).await.state, ItemState::Waiting { .. }));
    let view = world.app.records().local_view().await.unwrap();
    let synced: Vec<_> = view.forms.iter().map(|f| (f.id, f.status.clone())).collect();
    assert_eq!(synced, [(1, masar_core::edits::EditStatus::Synced)], "the edit queued after it went through");
    assert_eq!(view.profile.mobile, "+966555000333", "as the server stores it");
    assert_eq!(world.count("SELECT last_mutation_id FROM sync_clients"), 1);

    world.proxy.set(Fault::Pass);
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Synced { pending: 0, .. }), "{status:?}");
    assert_eq!(item(&world, &id).await.state, ItemState::UnderReview);
    assert_eq!(world.count("SELECT last_mutation_id FROM sync_clients"), 2, "the next id, never a gap");
}

/// A file the server refuses is shown refused (replace it and send again), and holds back only
/// its own submission.
#[tokio::test]
async fn a_file_the_server_refuses_is_shown_refused() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let (id, _) = send_one(&world, 5_000).await;
    world.proxy.set(Fault::AnswerTo("POST /v1/uploads", REFUSED));
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Synced { pending: 1, .. }), "{status:?}");
    assert_eq!(item(&world, &id).await.state, ItemState::FileRefused { name: "scan.pdf".into() });
    world.proxy.set(Fault::Pass);
    world.app.sync().round().await;
    assert_eq!(world.proxy.requests("POST /v1/uploads"), 1, "a refused file is not sent again as it is");
}

/// The progress says what is left after each chunk: the network goes after the first of three.
#[tokio::test]
async fn after_each_chunk_the_progress_says_what_is_left() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let (_, size) = send_one(&world, 300_000).await;
    let chunk = 4 * 1024 * 1024;
    assert!(size > 2 * chunk, "{size}");
    world.proxy.set(Fault::RefuseAfter("PATCH ", 1));
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Offline { .. }), "{status:?}");
    let progress = world.app.subscribe_uploads().borrow().clone();
    assert_eq!(
        (progress.active, progress.sent_bytes, progress.remaining_bytes),
        (false, chunk as f64, (size - chunk) as f64),
        "{progress:?}"
    );
}

/// A line that damages every chunk: the same chunk is sent three more times in a round, then the
/// round leaves the file for the next one (it starts it anew), and goes on with the rest.
#[tokio::test]
async fn a_chunk_damaged_every_time_is_left_for_the_next_round() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let (id, _) = send_one(&world, 5_000).await;
    world.proxy.set(Fault::Corrupt("PATCH "));
    let status = tokio::time::timeout(std::time::Duration::from_secs(60), world.app.sync().round())
        .await
        .expect("the round gave up on the damaged chunk");
    assert!(matches!(status, SyncStatus::Synced { pending: 1, .. }), "{status:?}");
    assert_eq!(world.proxy.requests(PATCH), 4, "the chunk and three tries again");
    world.proxy.set(Fault::Pass);
    world.app.sync().round().await;
    assert_eq!(item(&world, &id).await.state, ItemState::UnderReview);
}

/// تحديث المؤهل: the record's qualifications listed; one updated with a new scan through a draft
/// filled from it; HR sees the record's one beside the request and verifies; the record changes.
#[tokio::test]
async fn a_qualification_on_the_record_is_updated_through_hr() {
    let world = World::signed_in().await;
    let qualifications = world.app.qualifications();
    let on_record = qualifications.on_record().await.unwrap();
    assert!(on_record.len() >= 2, "the demo's record has its qualifications: {on_record:?}");
    assert!(on_record.windows(2).all(|w| w[0].graduation_date >= w[1].graduation_date), "newest first");
    let chosen = on_record.iter().find(|q| q.status == QualificationStatus::Verified).unwrap().clone();
    let draft = qualifications.start_update(chosen.id.clone()).await.unwrap();
    assert_eq!(draft.form.updates.as_deref(), Some(chosen.id.as_str()));
    assert_eq!((draft.form.major.as_str(), draft.form.attachments.len()), (chosen.major.as_str(), 0));
    assert_eq!(item(&world, &draft.id).await.state, ItemState::Draft, "kept as a draft at once");
    let missing = qualifications.start_update("Q999".into()).await.unwrap_err();
    assert_eq!(missing.to_ui().code, ErrorCode::NotFound);

    let scan = world.app_dir.path().join("corrected.pdf");
    std::fs::write(&scan, certificate_pdf(8)).unwrap();
    let attached = qualifications.attach(scan, AttachmentRole::Certificate).await.unwrap();
    let form = QualificationForm {
        institution: format!("{} (فرع الرياض)", chosen.institution),
        attachments: vec![attached],
        terms_accepted: true,
        ..draft.form
    };
    qualifications.send(draft.id.clone(), form).await.unwrap();
    world.app.sync().round().await;
    world.app.sync().round().await;
    assert_eq!(item(&world, &draft.id).await.state, ItemState::UnderReview);

    let (_dir, officer) = world.officer_app().await;
    let queue = officer.review().queue(ReviewFilter::default()).await.unwrap();
    let request = queue.iter().find(|q| q.qualification.id == draft.id).unwrap();
    assert_eq!(request.on_record.as_ref(), Some(&chosen), "HR compares with the record");
    let read = request.version;
    officer.review().decide(draft.id.clone(), Decision::Verify { read_version: read }).await.unwrap();

    let after = qualifications.on_record().await.unwrap();
    let updated = after.iter().find(|q| q.id == chosen.id).unwrap();
    assert_eq!(updated.institution, format!("{} (فرع الرياض)", chosen.institution));
    assert_eq!(after.len(), on_record.len(), "updated in place");
}
