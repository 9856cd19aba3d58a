//! Sealed exports through the core against the real server: a contact edit and a qualification
//! with its scan made while the server cannot be reached, exported into one file, imported at the
//! employee's door; then the workstation comes back online and its own sync sends nothing twice.
//! Nothing to export, and a file that is not one, are told apart.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use masar_core::ErrorCode;
use masar_core::client::ImportDoor;
use masar_core::exports::ExportError;
use masar_core::qualifications::ItemState;
use masar_protocol::imports::{ImportOutcome, MutationAction};
use masar_protocol::sync::{ContactUpdate, MutationBody};
use masar_test_support::documents::send_qualification;
use masar_test_support::{Fault, World};

#[tokio::test]
async fn unsent_work_goes_out_in_a_sealed_file_and_counts_once() {
    let world = World::signed_in().await;
    let exports = world.app.exports();
    let nothing = exports.export_to(world.app_dir.path().join("empty.masar")).await.unwrap_err();
    assert!(matches!(nothing, ExportError::NothingToExport));
    assert_eq!(nothing.to_ui().code, ErrorCode::NothingToExport);

    // The server cannot be reached: an edit and a qualification wait here.
    world.proxy.set(Fault::Refuse);
    let profile = world.app.records().local_view().await.unwrap().profile;
    let edit = MutationBody::UpdateContact(ContactUpdate {
        mobile: "0555000444".into(),
        email: profile.email.clone(),
        address: profile.address.clone(),
    });
    world.app.outbox().queue_edit(edit, vec!["mobile".into()]).await.unwrap();
    let (id, size) = send_qualification(&world, "شهادة البكالوريوس.pdf", 3_000).await;
    world.app.sync().round().await;

    let path = world.app_dir.path().join("unsent.masar");
    let exported = exports.export_to(path.clone()).await.unwrap();
    assert_eq!((exported.items, exported.files, exported.file_name.as_str()), (2, 1, "unsent.masar"));
    assert!(exported.bytes > size, "the scan is in the file");
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"), "an age file");
    let national_id = world.account.national_id.as_str().as_bytes();
    assert!(
        !bytes.windows(national_id.len()).any(|w| w == national_id),
        "the employee's ID shows in the file"
    );

    // At another door (the network is back for it): applied once.
    world.proxy.set(Fault::Pass);
    let report = exports.import(path.clone(), ImportDoor::Employee).await.unwrap();
    let items: Vec<_> =
        report.items.iter().map(|i| (i.action, i.outcome.clone(), i.already_applied)).collect();
    assert_eq!(
        items,
        [
            (MutationAction::UpdateContact, ImportOutcome::Applied, false),
            (MutationAction::SubmitQualification, ImportOutcome::Applied, false),
        ]
    );
    assert_eq!(world.server_profile().mobile, "+966555000444");
    let requests = format!("SELECT count(*) FROM qualification_records WHERE id = '{id}'");
    assert_eq!(world.count(&requests), 1);

    // The workstation's own sync: its file goes up (the server has it), then the stored results.
    world.app.sync().round().await;
    world.app.sync().round().await;
    assert_eq!(world.count(&requests), 1, "the request was not applied twice");
    let item = world.app.qualifications().list().await.unwrap().into_iter().find(|i| i.id == id).unwrap();
    assert_eq!(item.state, ItemState::UnderReview);
    assert!(item.transaction_number.is_some(), "the server's transaction number is shown");
    assert!(world.app.outbox().unsent_work().await.unwrap().is_none_or(|w| w.edits == 0));

    // The same file again: nothing applied a second time.
    let again = exports.import(path, ImportDoor::Employee).await.unwrap();
    assert!(again.items.iter().all(|item| item.already_applied));

    // A file that is not an export is told as such.
    let scan = world.app_dir.path().join("شهادة البكالوريوس.pdf");
    let refused = exports.import(scan, ImportDoor::Employee).await.unwrap_err();
    let ui = refused.to_ui();
    assert_eq!(ui.code, ErrorCode::ImportRefused);
    assert_eq!(ui.params.detail, Some(masar_core::codes::ErrorDetail::ImportNotSealed));
}

#[tokio::test]
async fn an_import_whose_link_drops_is_taken_up_where_it_stood() {
    let world = World::signed_in().await;
    world.proxy.set(Fault::Refuse);
    let (id, _) = send_qualification(&world, "شهادة الماجستير.pdf", 2_000).await;
    world.app.sync().round().await;
    let path = world.app_dir.path().join("carried.masar");
    world.app.exports().export_to(path.clone()).await.unwrap();

    // Every upload chunk reaches the server, and the answer is lost on the way back.
    world.proxy.set(Fault::LoseResponseTo("PATCH "));
    let report = world.app.exports().import(path, ImportDoor::Employee).await.unwrap();
    assert_eq!(report.items.len(), 1);
    assert_eq!(report.items[0].outcome, ImportOutcome::Applied);
    // Taken up where the server stood (HEAD), not sent again from the start.
    assert_eq!(world.proxy.requests("PATCH "), 1, "the file's bytes went once");
    assert!(world.proxy.requests("HEAD ") >= 1, "the client asked where the upload stood");
    let requests = format!("SELECT count(*) FROM qualification_records WHERE id = '{id}'");
    assert_eq!(world.count(&requests), 1);
    assert_eq!(world.count("SELECT count(*) FROM uploads WHERE purpose = 'import'"), 0, "read once, removed");
}
