//! Offline edits reach the real server exactly once, through a loopback proxy that refuses,
//! hangs, loses answers after the server committed, answers 500 or is slow (in the randomized
//! soak, every other scenario with two server nodes behind the proxy).

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use masar_core::edits::{EditStatus, Form};
use masar_core::qualifications::ItemState;
use masar_core::sync::SyncStatus;
use masar_core::{EmployeeView, ErrorCode};
use masar_protocol::NationalAddress;
use masar_protocol::sync::{ContactUpdate, MutationBody, PersonalUpdate};
use masar_server::rules::edits::Actor;
use masar_server::sqlite::apply_edit as apply;
use masar_test_support::documents::send_qualification;
use masar_test_support::{Fault, World};

fn contact(view: &EmployeeView, mobile: &str, postal: &str) -> MutationBody {
    let p = &view.profile;
    MutationBody::UpdateContact(ContactUpdate {
        mobile: mobile.into(),
        email: p.email.clone(),
        address: NationalAddress { postal_code: postal.into(), ..p.address.clone() },
    })
}

fn touched(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| (*f).to_owned()).collect()
}

fn contact_status(view: &EmployeeView) -> Option<EditStatus> {
    view.forms.iter().find(|f| f.form == Form::Contact).map(|f| f.status.clone())
}

/// Sync until nothing waits (the proxy passing); a bounded number of rounds.
async fn settle(world: &World) -> SyncStatus {
    world.proxy.set(Fault::Pass);
    for _ in 0..5 {
        let status = world.app.sync().round().await;
        if matches!(status, SyncStatus::Synced { pending: 0, .. }) {
            return status;
        }
    }
    panic!("sync did not settle");
}

#[tokio::test]
async fn an_edit_made_offline_waits_then_reaches_the_server_once() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let before = world.app.records().local_view().await.unwrap();

    world.proxy.set(Fault::Refuse);
    let view = world
        .app
        .outbox()
        .queue_edit(contact(&before, "0555000111", "12345"), touched(&["mobile", "address.postalCode"]))
        .await
        .unwrap();
    assert_eq!(view.profile.mobile, "+966555000111", "shown at once, as queued");
    assert_eq!(contact_status(&view), Some(EditStatus::Pending));
    assert!(matches!(world.app.sync().round().await, SyncStatus::Offline { pending: 1 }));

    settle(&world).await;
    let view = world.app.records().local_view().await.unwrap();
    assert_eq!(contact_status(&view), Some(EditStatus::Synced));
    assert_eq!(world.server_profile().mobile, "+966555000111");
    assert_eq!(world.server_profile().address.postal_code, "12345");
    assert_eq!(world.count("SELECT count(*) FROM sync_results"), 1);
    assert_eq!(world.count("SELECT count(*) FROM changes WHERE version > 1"), 1, "applied once");
}

#[tokio::test]
async fn a_lost_answer_after_the_server_committed_does_not_apply_twice() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let before = world.app.records().local_view().await.unwrap();
    world
        .app
        .outbox()
        .queue_edit(contact(&before, "0555000222", &before.profile.address.postal_code), touched(&["mobile"]))
        .await
        .unwrap();

    world.proxy.set(Fault::LoseResponse);
    let lost = world.app.sync().round().await;
    assert!(
        matches!(lost, SyncStatus::Offline { pending: 1 } | SyncStatus::Failed { pending: 1, .. }),
        "{lost:?}"
    );
    assert_eq!(world.server_profile().mobile, "+966555000222", "the server did commit");

    // HR changes the same field before the client resends: a second application of the edit
    // would show (a conflict, or the employee's value over HR's).
    let db = world.server_db();
    let (_, version) =
        masar_server::sqlite::records::load_profile(&db, &world.account.national_id).unwrap().unwrap();
    let hr_body = contact(&before, "0566000222", &before.profile.address.postal_code);
    apply(&db, &world.account.national_id, version, &hr_body, &[], Actor::Hr, 0).unwrap();

    settle(&world).await;
    assert_eq!(world.count("SELECT count(*) FROM sync_results"), 1);
    assert_eq!(world.count("SELECT count(*) FROM changes WHERE version > 1"), 2, "mine once, HR's once");
    assert_eq!(world.server_profile().mobile, "+966566000222", "HR's later change stands");
    let view = world.app.records().local_view().await.unwrap();
    assert_eq!(contact_status(&view), Some(EditStatus::Synced), "the stored answer, not a conflict");
    assert_eq!(view.profile.mobile, "+966566000222", "and the app shows the server's value");
}

#[tokio::test]
async fn server_errors_and_a_slow_link_lose_nothing() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let before = world.app.records().local_view().await.unwrap();
    world.app.outbox().queue_edit(contact(&before, "0555000333", "33333"), vec![]).await.unwrap();

    world.proxy.set(Fault::ServerError);
    let failed = world.app.sync().round().await;
    let SyncStatus::Failed { pending: 1, reason } = &failed else { panic!("{failed:?}") };
    assert_eq!((reason.code, reason.params.status), (ErrorCode::ServerError, Some(500)), "{reason}");

    world.proxy.set(Fault::Slow);
    assert!(matches!(world.app.sync().round().await, SyncStatus::Synced { pending: 0, .. }));
    assert_eq!(world.server_profile().address.postal_code, "33333");
}

#[tokio::test]
async fn a_hanging_server_is_offline_after_the_timeout_and_the_edit_waits() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let before = world.app.records().local_view().await.unwrap();
    world.app.outbox().queue_edit(contact(&before, "0555000444", "44444"), vec![]).await.unwrap();
    world.proxy.set(Fault::Hang);
    assert!(matches!(world.app.sync().round().await, SyncStatus::Offline { pending: 1 }));
    settle(&world).await;
    assert_eq!(world.server_profile().mobile, "+966555000444");
}

#[tokio::test]
async fn an_invalid_edit_is_refused_locally_with_field_messages_and_nothing_is_queued() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let before = world.app.records().local_view().await.unwrap();
    let error =
        world.app.outbox().queue_edit(contact(&before, "0412345678", "117380"), vec![]).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    let ui = world.app.ui_error(error);
    let fields: Vec<&str> = ui.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["mobile", "address.postalCode"]);
    assert!(world.app.records().local_view().await.unwrap().forms.is_empty());
}

/// Offline, the employee changes the mobile to `mine`; meanwhile HR changes it to `hr` on the
/// server; then sync: the view with the conflict.
async fn conflict_on_the_mobile(world: &World, mine: &str, hr: &str) -> EmployeeView {
    world.app.sync().round().await;
    let before = world.app.records().local_view().await.unwrap();
    world.proxy.set(Fault::Refuse);
    let postal = &before.profile.address.postal_code;
    world.app.outbox().queue_edit(contact(&before, mine, postal), touched(&["mobile"])).await.unwrap();
    let hr_body = contact(&before, hr, postal);
    let hr = apply(&world.server_db(), &world.account.national_id, 1, &hr_body, &[], Actor::Hr, 0).unwrap();
    assert!(matches!(hr, masar_protocol::sync::MutationOutcome::Applied { .. }));
    settle(world).await;
    world.app.records().local_view().await.unwrap()
}

#[tokio::test]
async fn the_same_field_changed_by_hr_and_offline_is_a_conflict_the_user_settles() {
    let world = World::signed_in().await;
    let view = conflict_on_the_mobile(&world, "0555000555", "0566000666").await;
    let Some(EditStatus::Conflict { fields, server, mine }) = contact_status(&view) else {
        panic!("{:?}", view.forms)
    };
    assert_eq!(fields, ["mobile"]);
    assert_eq!(server.mobile, "+966566000666");
    assert_eq!(mine.mobile, "+966555000555");
    assert_eq!(view.profile.mobile, "+966566000666", "the server's value shows until the user decides");

    // The employee keeps their value: it is sent again on top of HR's version.
    let id = view.forms[0].id;
    world.app.outbox().resolve_conflict(u64::from(id), true).await.unwrap();
    settle(&world).await;
    assert_eq!(world.server_profile().mobile, "+966555000555");
    assert_eq!(contact_status(&world.app.records().local_view().await.unwrap()), Some(EditStatus::Synced));
}

/// Offline, a typo in the mobile and its correction: both edits sync, the correction stands, and
/// neither shows as a conflict.
#[tokio::test]
async fn a_corrected_offline_edit_is_not_a_conflict_with_the_employees_own_first_one() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let before = world.app.records().local_view().await.unwrap();
    world.proxy.set(Fault::Refuse);
    let postal = &before.profile.address.postal_code;
    world
        .app
        .outbox()
        .queue_edit(contact(&before, "0555000123", postal), touched(&["mobile"]))
        .await
        .unwrap();
    let view = world.app.records().local_view().await.unwrap();
    world.app.outbox().queue_edit(contact(&view, "0555000321", postal), touched(&["mobile"])).await.unwrap();
    settle(&world).await;
    let view = world.app.records().local_view().await.unwrap();
    assert_eq!(contact_status(&view), Some(EditStatus::Synced), "{:?}", view.forms);
    assert_eq!(world.server_profile().mobile, "+966555000321");
    assert_eq!(view.profile.mobile, "+966555000321");
    assert_eq!(world.count("SELECT count(*) FROM changes WHERE version > 1"), 2);
}

#[tokio::test]
async fn keeping_the_server_value_drops_my_edit_and_sends_nothing() {
    let world = World::signed_in().await;
    let view = conflict_on_the_mobile(&world, "0555000777", "0566000777").await;
    assert!(matches!(contact_status(&view), Some(EditStatus::Conflict { .. })), "{:?}", view.forms);

    // «اعتماد القيمة في مسار»: the server's value stays, my edit goes, nothing more is sent.
    let pushes = world.proxy.pushes();
    let view = world.app.outbox().resolve_conflict(u64::from(view.forms[0].id), false).await.unwrap();
    assert_eq!(contact_status(&view), None, "the conflict is settled and gone");
    assert_eq!(view.profile.mobile, "+966566000777");
    settle(&world).await;
    assert_eq!(world.proxy.pushes(), pushes, "no push: nothing waits");
    assert_eq!(world.server_profile().mobile, "+966566000777");
    assert_eq!(world.count("SELECT count(*) FROM sync_results"), 1, "only the edit that met the conflict");
    assert_eq!(world.app.outbox().unsent_work().await.unwrap().map(|w| w.edits), Some(0));
}

#[tokio::test]
async fn an_edit_of_the_english_name_reaches_the_server_once() {
    let world = World::signed_in().await;
    world.app.sync().round().await;
    let before = world.app.records().local_view().await.unwrap();
    world.proxy.set(Fault::Refuse);
    let name_en = masar_protocol::PersonName { first: "Muneera".into(), ..before.profile.name_en.clone() };
    let view = world
        .app
        .outbox()
        .queue_edit(MutationBody::UpdatePersonal(PersonalUpdate { name_en }), touched(&["nameEn.first"]))
        .await
        .unwrap();
    assert_eq!(view.profile.name_en.first, "Muneera", "shown at once");
    let personal =
        |view: &EmployeeView| view.forms.iter().find(|f| f.form == Form::Personal).map(|f| f.status.clone());
    assert_eq!(personal(&view), Some(EditStatus::Pending));
    settle(&world).await;
    assert_eq!(personal(&world.app.records().local_view().await.unwrap()), Some(EditStatus::Synced));
    let server = world.server_profile();
    assert_eq!(server.name_en.first, "Muneera");
    assert_eq!(server.name_en.family, before.profile.name_en.family, "the other parts stay");
    assert_eq!(server.name_ar, before.profile.name_ar, "the Arabic name is not the employee's to edit");
    assert_eq!(world.count("SELECT count(*) FROM changes WHERE version > 1"), 1);
}

#[tokio::test]
async fn randomized_faults_lose_nothing_and_apply_nothing_twice() {
    let scenarios: u64 = std::env::var("MASAR_SOAK").ok().and_then(|n| n.parse().ok()).unwrap_or(3);
    for scenario in 0..scenarios {
        // Every other scenario on two server nodes behind the proxy (one data directory): the
        // same guarantees whichever node takes each request.
        let world = if scenario % 2 == 1 { World::on_two_nodes().await } else { World::signed_in().await };
        world.app.sync().round().await;
        // A small deterministic generator per scenario (same numbers every run).
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64.wrapping_mul(scenario + 1);
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let faults = [
            Fault::Pass,
            Fault::Refuse,
            Fault::LoseResponse,
            Fault::ServerError,
            Fault::Slow,
            Fault::LoseResponseTo("PATCH "),
            Fault::CorruptOnce("PATCH "),
        ];
        let (mut edits, mut sent) = (0, Vec::new());
        for step in 0..12 {
            if next(4) == 0 {
                // A qualification whose file takes one or two chunks (60 KB to 5 MB).
                let lines = 2_000 + next(160_000) as usize;
                sent.push(send_qualification(&world, &format!("scan-{step}.pdf"), lines).await.0);
            }
            if next(3) > 0 {
                let view = world.app.records().local_view().await.unwrap();
                let mobile = format!("05{:08}", 50_000_000 + scenario * 100 + step);
                world
                    .app
                    .outbox()
                    .queue_edit(contact(&view, &mobile, &format!("{:05}", 10_000 + step)), vec![])
                    .await
                    .unwrap();
                edits += 1;
            }
            world.proxy.set(faults[next(faults.len() as u64) as usize]);
            world.app.sync().round().await;
        }
        settle(&world).await;
        let client = world.app.records().local_view().await.unwrap().profile;
        let server = world.server_profile();
        assert_eq!(client, server, "scenario {scenario}: local state equals server state");
        assert_eq!(
            world.count("SELECT count(*) FROM sync_results"),
            edits + sent.len() as i64,
            "scenario {scenario}: one result per edit and per qualification"
        );
        // Every qualification reached HR once and each file is one blob. (An upload whose
        // creation answer was lost stays open on the server until it expires.)
        let mut listed = world.app.qualifications().list().await.unwrap();
        for _ in 0..3 {
            if listed.iter().all(|i| i.state == ItemState::UnderReview) {
                break;
            }
            settle(&world).await;
            listed = world.app.qualifications().list().await.unwrap();
        }
        for id in &sent {
            let item = listed.iter().find(|i| &i.id == id).unwrap();
            assert_eq!(item.state, ItemState::UnderReview, "scenario {scenario}: {item:?}");
        }
        // (The demo's own requests have no files.)
        let with_files = "SELECT count(*) FROM qualification_records WHERE attachments <> '[]'";
        assert_eq!(world.count(with_files), sent.len() as i64);
        assert_eq!(world.count("SELECT count(*) FROM blobs"), sent.len() as i64, "scenario {scenario}");
    }
}

#[tokio::test]
async fn signed_in_offline_after_a_sign_out_is_offline_until_the_server_answers_then_asks_to_sign_in() {
    let world = World::signed_in().await;
    world.app.auth().sign_out().await;
    world.proxy.set(Fault::Refuse);
    world.app.check_connection().await;
    let step = masar_test_support::open_offline(&world.app, &world.account.password).await.unwrap();
    assert!(matches!(step, masar_core::AuthState::SignedIn { .. }), "{step:?}");

    // No session on the server (the sign-out ended it) and no server: offline, not «session over».
    let status = world.app.sync().round().await;
    assert!(matches!(status, SyncStatus::Offline { .. }), "{status:?}");
    assert!(world.app.records().employee().await.is_ok(), "the local copy shows");

    // The server answers: now a new sign-in is needed, and the app says so.
    world.proxy.set(Fault::Pass);
    let status = world.app.sync().round().await;
    let SyncStatus::Failed { reason, .. } = status else { panic!("{status:?}") };
    assert_eq!(reason.code, ErrorCode::SessionExpired);
}
