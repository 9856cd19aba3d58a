#![allow(clippy::unwrap_used)]

use masar_protocol::sync::{Change, ContactUpdate, MutationOutcome, MutationResult};
use masar_protocol::training::{ApplicationRequest, ApplicationStatus};
use masar_protocol::validate::FieldProblem;
use masar_protocol::{OpportunityKind, QualificationStatus};

use super::*;
use crate::qualifications::{FileProgress, ItemState, QualificationForm};
use masar_protocol::validate::FieldError;

fn vault() -> (tempfile::TempDir, VaultDb) {
    let dir = tempfile::tempdir().unwrap();
    let db = VaultDb::open(&dir.path().join("vault.db"), &crate::secret::key([5_u8; 32])).unwrap();
    db.save_record(&crate::vault::tests::sample_record(), Utc::now()).unwrap();
    (dir, db)
}

fn contact(mobile: &str) -> MutationBody {
    let profile = crate::vault::tests::sample_record().profile;
    MutationBody::UpdateContact(ContactUpdate {
        mobile: mobile.into(),
        email: profile.email,
        address: profile.address,
    })
}

fn apply(id: &str, opportunity: &str) -> MutationBody {
    MutationBody::ApplyForOpportunity(ApplicationRequest {
        id: id.into(),
        opportunity_id: opportunity.into(),
        receipt: format!("R-{id}"),
    })
}

fn opportunity(id: &str, title: &str) -> Opportunity {
    Opportunity {
        id: id.into(),
        kind: OpportunityKind::Training,
        title: title.into(),
        provider: "معهد الإدارة العامة".into(),
        location: "الرياض".into(),
        start_date: Utc::now().date_naive(),
        duration_days: 5,
        application_deadline: Utc::now().date_naive(),
        seats: 20,
        minimum_rank: 1,
    }
}

fn qualification(id: &str, state: ItemState) -> QualificationItem {
    QualificationItem {
        stage: state.stage(),
        id: id.into(),
        receipt: Some(format!("Q-{id}")),
        transaction_number: None,
        form: QualificationForm { major: "نظم المعلومات".into(), ..QualificationForm::default() },
        state,
        updated_at: Utc::now(),
    }
}

fn find<'a>(items: &'a [OutgoingItem], key: &str) -> &'a OutgoingItem {
    items.iter().find(|i| i.key == key).unwrap_or_else(|| panic!("no {key} in {items:?}"))
}

/// An edit is saved on the device until Masar answers; applied, it has reached Masar at the
/// time of the answer; refused, it carries the reasons; in conflict, it says so.
#[test]
fn an_edit_goes_from_saved_to_reached_or_stops_at_a_refusal_or_a_conflict() {
    let (_dir, mut db) = vault();
    let applied = db.queue(&contact("0555000111"), &["mobile".into()], 0, "contact", Utc::now()).unwrap();
    let refused = db.queue(&contact("0555000222"), &["mobile".into()], 0, "contact", Utc::now()).unwrap();
    let waiting = db.queue(&contact("0555000333"), &["mobile".into()], 0, "contact", Utc::now()).unwrap();
    let items = list(&db, Vec::new()).unwrap();
    assert!(items.iter().all(|i| i.stage == Stage::Saved && i.reached_at.is_none()), "{items:?}");

    let before = Utc::now();
    let reason = FieldError::new("mobile", FieldProblem::ControlCharacters);
    db.record_results(&[
        MutationResult { id: applied, outcome: MutationOutcome::Applied { version: 2 }, replayed: false },
        MutationResult {
            id: refused,
            outcome: MutationOutcome::Rejected { errors: vec![reason.clone()] },
            replayed: false,
        },
    ])
    .unwrap();
    let items = list(&db, Vec::new()).unwrap();
    let reached = find(&items, &edit_key(applied));
    assert_eq!((reached.kind, &reached.stage), (Form::Contact, &Stage::Reached));
    assert!(reached.reached_at.is_some_and(|at| at >= before), "the time Masar answered: {reached:?}");
    assert_eq!(reached.fields, ["mobile"]);
    assert_eq!(find(&items, &edit_key(refused)).stage, Stage::Refused { reasons: vec![reason] });
    assert_eq!(find(&items, &edit_key(waiting)).stage, Stage::Saved);
    assert_eq!(items.iter().filter(|i| i.stage.waits()).count(), 1);
    assert_eq!(items[0].key, edit_key(waiting), "the newest first");
}

/// A qualification: not listed while a draft; saved, then sending with its bytes, then reached
/// Masar (the server's submission time and transaction number), then decided.
#[test]
fn a_qualification_goes_saved_sending_reached_decided() {
    let (_dir, db) = vault();
    let sending = ItemState::Waiting {
        sent_bytes: 400.0,
        total_bytes: 1000.0,
        files: vec![FileProgress {
            sha256: "ab".into(),
            name: "شهادة.pdf".into(),
            sent_bytes: 400.0,
            total_bytes: 1000.0,
        }],
    };
    let nothing_sent = ItemState::Waiting { sent_bytes: 0.0, total_bytes: 1000.0, files: Vec::new() };
    let items = list(
        &db,
        vec![
            qualification("d", ItemState::Draft),
            qualification("w", nothing_sent),
            qualification("s", sending),
            qualification("q", ItemState::Queued),
            qualification("f", ItemState::FileRefused { name: "صورة.png".into() }),
            qualification("u", ItemState::UnderReview),
            qualification("r", ItemState::Rejected { reason: "الشهادة غير واضحة".into() }),
        ],
    )
    .unwrap();
    assert!(items.iter().all(|i| i.key != "qualification:d"), "a draft was never sent");
    assert_eq!(find(&items, "qualification:w").stage, Stage::Saved);
    assert_eq!(find(&items, "qualification:s").stage, Stage::Sending { percent: 40 });
    assert_eq!(
        find(&items, "qualification:q").stage,
        Stage::Saved,
        "its files are there, the request is not"
    );
    assert_eq!(find(&items, "qualification:f").stage, Stage::FileRefused { name: "صورة.png".into() });
    assert_eq!(find(&items, "qualification:u").stage, Stage::Reached, "under HR's review");
    let rejected = find(&items, "qualification:r");
    assert_eq!(rejected.stage, Stage::Rejected { reason: "الشهادة غير واضحة".into() });
    assert_eq!(rejected.subject.as_deref(), Some("نظم المعلومات"));
    assert_eq!(rejected.receipt.as_deref(), Some("Q-r"));
}

#[test]
fn a_qualification_masar_took_has_the_servers_times() {
    let (_dir, mut db) = vault();
    let submitted_at = Utc::now() - chrono::Duration::hours(3);
    let decided_at = Utc::now() - chrono::Duration::hours(1);
    let record = QualificationRecord {
        id: "v".into(),
        receipt: "Q-v".into(),
        transaction_number: "2026-000042".into(),
        state: QualificationStatus::Verified,
        submitted_at,
        decided_at: Some(decided_at),
        ..masar_protocol::fixtures::sample_qualification_record()
    };
    db.apply_pull(
        &[Change::Qualification { seq: 1, id: "v".into(), version: 1, qualification: Box::new(record) }],
        1,
    )
    .unwrap();
    let mut item = qualification("v", ItemState::Verified);
    item.transaction_number = Some("2026-000042".into());
    let items = list(&db, vec![item]).unwrap();
    let verified = find(&items, "qualification:v");
    assert_eq!(verified.stage, Stage::Verified);
    assert_eq!(verified.transaction_number.as_deref(), Some("2026-000042"));
    assert_eq!((verified.reached_at, verified.decided_at), (Some(submitted_at), Some(decided_at)));
    assert_eq!(verified.saved_at, submitted_at, "sent no later than Masar took it");
}

/// An application: saved while queued, reached Masar when the server received it (its
/// transaction number), then accepted or declined with the reason; named by its opportunity.
#[test]
fn an_application_is_named_by_its_opportunity_and_carries_masars_decision() {
    let (_dir, mut db) = vault();
    db.set_kept(
        "opportunities",
        &serde_json::to_string(&[
            opportunity("OPP-1", "إدارة المشاريع"),
            opportunity("OPP-2", "تحليل البيانات"),
        ])
        .unwrap(),
    )
    .unwrap();
    db.queue(&apply("a1", "OPP-1"), &[], 0, "application", Utc::now()).unwrap();
    db.queue(&apply("a2", "OPP-2"), &[], 0, "application", Utc::now()).unwrap();
    let items = list(&db, Vec::new()).unwrap();
    let waiting = find(&items, "application:a1");
    assert_eq!((waiting.kind, &waiting.stage), (Form::Application, &Stage::Saved));
    assert_eq!(waiting.subject.as_deref(), Some("إدارة المشاريع"));
    assert_eq!(waiting.receipt.as_deref(), Some("R-a1"));

    let decided_at = Utc::now();
    let record = ApplicationRecord {
        id: "a2".into(),
        opportunity_id: "OPP-2".into(),
        receipt: "R-a2".into(),
        transaction_number: "TR-2026-000009".into(),
        state: ApplicationStatus::Declined,
        reason: Some("اكتملت المقاعد".into()),
        submitted_at: decided_at - chrono::Duration::minutes(5),
        decided_at: Some(decided_at),
    };
    db.apply_pull(
        &[Change::Application { seq: 1, id: "a2".into(), version: 1, application: Box::new(record) }],
        1,
    )
    .unwrap();
    let items = list(&db, Vec::new()).unwrap();
    let declined = find(&items, "application:a2");
    assert_eq!(declined.stage, Stage::Declined { reason: "اكتملت المقاعد".into() });
    assert_eq!(declined.transaction_number.as_deref(), Some("TR-2026-000009"));
    assert_eq!(declined.decided_at, Some(decided_at));
    assert_eq!(find(&items, "application:a1").stage, Stage::Saved);
}
