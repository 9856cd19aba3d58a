//! The vault database's own tests: the outbox, drafts, pulls and upgrades.

use masar_protocol::NationalAddress;
use masar_protocol::sync::ContactUpdate;

use super::*;
use crate::secret::Key;
use chrono::Utc;
use masar_protocol::sync::{MutationBody, MutationOutcome, MutationResult};
use rusqlite_migration::{M, Migrations};

fn key() -> Key {
    crate::secret::key([7_u8; 32])
}

pub(super) fn edit(mobile: &str) -> MutationBody {
    MutationBody::UpdateContact(ContactUpdate {
        mobile: mobile.into(),
        email: "a@b.sa".into(),
        address: NationalAddress {
            building_number: "1234".into(),
            street: "شارع".into(),
            district: "حي".into(),
            city: "الرياض".into(),
            postal_code: "12345".into(),
            additional_number: "1234".into(),
        },
    })
}

pub(super) fn open_temp() -> (tempfile::TempDir, VaultDb) {
    let dir = tempfile::tempdir().unwrap();
    let db = VaultDb::open(&dir.path().join("vault.db"), &key()).unwrap();
    (dir, db)
}

#[test]
fn debug_names_the_vault_and_shows_nothing_of_it() {
    let (_dir, db) = open_temp();
    assert_eq!(format!("{db:?}"), "VaultDb { .. }");
}

/// A database another connection holds exclusively is busy, not a wrong key: a passing
/// condition must never read as a wrong password.
#[test]
fn a_busy_database_is_not_taken_for_a_wrong_key() {
    let (dir, db) = open_temp();
    drop(db);
    let holder = Connection::open(dir.path().join("vault.db")).unwrap();
    holder.pragma_update(None, "key", format!("x'{}'", hex::encode(key().expose_secret()))).unwrap();
    holder.pragma_update(None, "locking_mode", "EXCLUSIVE").unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE; CREATE TABLE held (x); ").unwrap();
    match VaultDb::open(&dir.path().join("vault.db"), &key()) {
        Err(VaultDbError::Sqlite(_)) => {}
        other => panic!("expected a database error, got {other:?}"),
    }
}

#[test]
fn a_refused_id_is_kept_as_refused_and_never_sent_again() {
    let (_dir, mut db) = open_temp();
    let id = db.queue(&edit("0555000001"), &[], 1, "contact", Utc::now()).unwrap();
    db.record_results(&[MutationResult { id, outcome: MutationOutcome::IdReused, replayed: false }]).unwrap();
    assert!(db.pending(10).unwrap().is_empty());
    assert_eq!(db.outbox().unwrap()[0].state, EditState::Refused);
}

#[test]
fn the_cursor_and_the_last_id_are_kept_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    {
        let mut db = VaultDb::open(&path, &key()).unwrap();
        assert_eq!((db.cursor().unwrap(), db.last_mutation_id().unwrap()), (0, 0));
        db.apply_pull(&[], 7).unwrap();
        db.queue(&edit("0555000001"), &[], 1, "contact", Utc::now()).unwrap();
        db.queue(&edit("0555000002"), &[], 1, "contact", Utc::now()).unwrap();
    }
    let db = VaultDb::open(&path, &key()).unwrap();
    assert_eq!((db.cursor().unwrap(), db.last_mutation_id().unwrap()), (7, 2));
}

#[test]
fn an_answered_edit_taken_from_another_vault_gets_a_new_id_and_is_not_sent() {
    let (_dir, mut db) = open_temp();
    let (_other_dir, mut other) = open_temp();
    db.queue(&edit("0555000001"), &[], 1, "contact", Utc::now()).unwrap();
    for n in 1..=3 {
        other.queue(&edit(&format!("055500001{n}")), &["mobile".into()], 1, "contact", Utc::now()).unwrap();
    }
    let rejected = MutationOutcome::Rejected { errors: vec![] };
    other
        .record_results(&[
            MutationResult { id: 1, outcome: rejected.clone(), replayed: false },
            MutationResult { id: 2, outcome: MutationOutcome::Applied { version: 2 }, replayed: false },
        ])
        .unwrap();
    let conflict = MutationOutcome::Conflict {
        fields: vec!["mobile".into()],
        server: Box::new(crate::vault::tests::sample_record().profile),
        version: 2,
    };
    other.queue(&edit("0555000014"), &["mobile".into()], 1, "contact", Utc::now()).unwrap();
    other.record_results(&[MutationResult { id: 4, outcome: conflict.clone(), replayed: false }]).unwrap();
    let rows = other.outbox().unwrap();
    assert_eq!(db.adopt_answered(&rows[0]).unwrap(), 2, "after the vault's own edit 1");
    assert_eq!(db.adopt_answered(&rows[1]).unwrap(), 0, "an applied edit is not taken");
    assert_eq!(db.adopt_answered(&rows[2]).unwrap(), 0, "nor a waiting one (it is sent from its own vault)");
    assert_eq!(db.adopt_answered(&rows[3]).unwrap(), 3, "a conflict is taken, to be settled here");
    let here = db.outbox().unwrap();
    assert_eq!(here.len(), 3);
    assert_eq!(here[1].state, EditState::from(rejected));
    assert_eq!(here[1].body, edit("0555000011"));
    assert_eq!(here[2].state, EditState::from(conflict));
    assert_eq!(here[2].fields, ["mobile"]);
    assert_eq!(db.pending(10).unwrap().len(), 1, "only the vault's own edit waits");
    assert_eq!(
        db.queue(&edit("0555000009"), &[], 1, "contact", Utc::now()).unwrap(),
        4,
        "ids go on above them"
    );
}

#[test]
fn drafts_are_counted_as_unsent_work_with_edits_that_wait_or_conflict() {
    let (_dir, mut db) = open_temp();
    assert!(db.unsent_work().unwrap().is_empty());
    assert!(!db.has_draft("contact").unwrap());
    db.save_draft("contact", "{}", Utc::now()).unwrap();
    assert!(db.has_draft("contact").unwrap());
    assert!(!db.has_draft("personal").unwrap());
    db.queue(&edit("0555000001"), &[], 1, "contact", Utc::now()).unwrap();
    db.save_draft("personal", "{}", Utc::now()).unwrap();
    db.queue(&edit("0555000002"), &[], 1, "contact", Utc::now()).unwrap();
    let conflict = MutationOutcome::Conflict {
        fields: vec!["mobile".into()],
        server: Box::new(crate::vault::tests::sample_record().profile),
        version: 2,
    };
    db.record_results(&[MutationResult { id: 1, outcome: conflict, replayed: false }]).unwrap();
    let work = db.unsent_work().unwrap();
    assert_eq!(
        (work.edits, work.drafts),
        (2, 1),
        "one waiting, one in conflict; the contact draft went with its edit"
    );
    db.record_results(&[MutationResult {
        id: 2,
        outcome: MutationOutcome::Applied { version: 3 },
        replayed: false,
    }])
    .unwrap();
    assert_eq!(db.unsent_work().unwrap().edits, 1);
}

/// A vault written by an earlier app version, with edits still waiting, opened by this one:
/// every schema version from the outbox's first on keeps them.
#[test]
fn an_upgrade_keeps_the_edits_that_wait() {
    let outbox_since = 2;
    for written_by in outbox_since..=MIGRATIONS.len() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "key", format!("x'{}'", hex::encode(key().expose_secret()))).unwrap();
            let old = Migrations::new(MIGRATIONS[..written_by].iter().map(|sql| M::up(sql)).collect());
            old.to_latest(&mut conn).unwrap();
            conn.execute(
                "INSERT INTO outbox (id, body, fields, base_version, state, created_at)
                 VALUES (1, ?1, '[\"mobile\"]', 3, 'pending', '2026-11-28T08:00:00Z')",
                [serde_json::to_string(&edit("0555111222")).unwrap()],
            )
            .unwrap();
        }
        let db = VaultDb::open(&path, &key()).unwrap();
        let pending = db.pending(10).unwrap();
        assert_eq!(pending.len(), 1, "written by schema {written_by}");
        assert_eq!(pending[0].body, edit("0555111222"));
        assert_eq!(pending[0].base_version, 3);
        assert_eq!(pending[0].fields, ["mobile"]);
    }
}

#[test]
fn a_draft_survives_reopening_and_goes_when_its_edit_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    {
        let db = VaultDb::open(&path, &key()).unwrap();
        db.save_draft("contact", r#"{"mobile":"0555"}"#, Utc::now()).unwrap();
        db.save_draft("contact", r#"{"mobile":"05551"}"#, Utc::now()).unwrap();
    }
    let mut db = VaultDb::open(&path, &key()).unwrap();
    assert_eq!(db.draft("contact").unwrap().unwrap().0, r#"{"mobile":"05551"}"#);
    assert!(db.draft("personal").unwrap().is_none());
    db.queue(&edit("0555100000"), &[], 1, "contact", Utc::now()).unwrap();
    assert!(db.draft("contact").unwrap().is_none(), "queued with its edit");
}

#[test]
fn ids_increase_and_answers_are_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = VaultDb::open(&dir.path().join("vault.db"), &key()).unwrap();
    let first = db.queue(&edit("0555000001"), &[], 1, "contact", Utc::now()).unwrap();
    let second = db.queue(&edit("0555000002"), &[], 1, "contact", Utc::now()).unwrap();
    assert_eq!((first, second), (1, 2));
    assert_eq!(db.pending_count().unwrap(), 2);
    db.record_results(&[MutationResult {
        id: 1,
        outcome: MutationOutcome::Applied { version: 2 },
        replayed: false,
    }])
    .unwrap();
    assert_eq!(db.pending(10).unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [2]);
    assert_eq!(db.pending_count().unwrap(), 1);
    db.clear(2).unwrap();
    assert_eq!(db.outbox().unwrap().len(), 2, "a waiting edit is never cleared");
    db.clear(1).unwrap();
    assert_eq!(db.outbox().unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [2], "an answered one is");
    // A cleared id is never handed out again: the server remembers it.
    db.record_results(&[MutationResult {
        id: 2,
        outcome: MutationOutcome::Applied { version: 3 },
        replayed: false,
    }])
    .unwrap();
    db.clear(2).unwrap();
    assert_eq!(db.queue(&edit("0555000003"), &[], 3, "contact", Utc::now()).unwrap(), 3);
}

#[test]
fn the_client_id_is_made_once_and_kept_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    let first = VaultDb::open(&path, &key()).unwrap().client_id().unwrap();
    assert_eq!(first.len(), 32);
    assert!(first.chars().all(|c| c.is_ascii_hexdigit()), "{first}");
    let again = VaultDb::open(&path, &key()).unwrap().client_id().unwrap();
    assert_eq!(again, first, "the same installation keeps its id");
    let other = VaultDb::open(&dir.path().join("other.db"), &key()).unwrap().client_id().unwrap();
    assert_ne!(other, first, "another vault gets its own");
}

/// A vault from before records were kept by kind and id: its pulled profile (and version) is
/// still there after the upgrade, and a later pull replaces it only with a newer version.
#[test]
fn an_upgrade_keeps_the_pulled_profile_as_a_record_of_its_kind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    let profile = crate::vault::tests::sample_record().profile;
    {
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "key", format!("x'{}'", hex::encode(key().expose_secret()))).unwrap();
        Migrations::new(MIGRATIONS[..3].iter().map(|sql| M::up(sql)).collect()).to_latest(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO server_profile (id, version, json) VALUES (1, 4, ?1)",
            [serde_json::to_string(&profile).unwrap()],
        )
        .unwrap();
    }
    let mut db = VaultDb::open(&path, &key()).unwrap();
    assert_eq!(db.server_profile().unwrap(), Some((profile.clone(), 4)));
    let id = profile.national_id.to_string();
    let older = masar_protocol::EmployeeProfile { mobile: "+966500000000".into(), ..profile.clone() };
    let change = |version, profile| Change::Profile {
        seq: version,
        id: id.clone(),
        version,
        profile: Box::new(profile),
    };
    db.apply_pull(&[change(3, older)], 5).unwrap();
    assert_eq!(db.server_profile().unwrap(), Some((profile.clone(), 4)), "an older version does not win");
    let newer = masar_protocol::EmployeeProfile { mobile: "+966511111111".into(), ..profile };
    db.apply_pull(&[change(5, newer.clone())], 6).unwrap();
    assert_eq!(db.server_profile().unwrap(), Some((newer, 5)));
}

/// A row whose state and stored answer do not agree (a conflict without the server's values) is
/// an error to report, never taken for an edit that waits.
#[test]
fn an_unreadable_edit_is_an_error_not_a_pending_edit() {
    let (_dir, mut db) = open_temp();
    let id = db.queue(&edit("0555000001"), &["mobile".into()], 1, "contact", Utc::now()).unwrap();
    db.conn.execute("UPDATE outbox SET state = 'conflict', result = NULL WHERE id = ?1", [id]).unwrap();
    assert!(matches!(db.outbox(), Err(VaultDbError::UnreadableEdit(n)) if n == id));
    let applied = serde_json::to_string(&MutationOutcome::Applied { version: 2 }).unwrap();
    db.conn
        .execute(
            "UPDATE outbox SET state = 'rejected', result = ?2 WHERE id = ?1",
            rusqlite::params![id, applied],
        )
        .unwrap();
    assert!(
        matches!(db.outbox(), Err(VaultDbError::UnreadableEdit(_))),
        "a state that contradicts its answer"
    );
    db.conn.execute("UPDATE outbox SET state = 'applied' WHERE id = ?1", [id]).unwrap();
    assert_eq!(db.outbox().unwrap()[0].state, EditState::Applied { version: 2 });
}

/// A mutation that needs files is held without a mutation id: what is queued after it goes out
/// first, and it takes the next id only once its files are verified (the ids the server sees
/// still only grow). Sending the same record again replaces what was held.
#[test]
fn a_mutation_waiting_for_its_files_takes_its_id_only_when_released() {
    let (_dir, mut db) = open_temp();
    let files = ["a".repeat(64), "b".repeat(64)];
    db.save_qualification("q1", "{}", &[], Utc::now()).unwrap();
    let seq =
        db.send_qualification("q1", "20261206-0001", "{}", &edit("0555000009"), &files, Utc::now()).unwrap();
    assert!(db.is_held("q1").unwrap());
    assert!(!db.is_held("q2").unwrap());
    assert_eq!(db.held().unwrap(), [HeldRow { seq, record_id: Some("q1".into()), blobs: files.to_vec() }]);
    assert!(db.pending(10).unwrap().is_empty(), "held: not pushed");
    assert_eq!(db.pending_count().unwrap(), 1, "but counted as waiting");
    assert_eq!(db.unsent_work().unwrap().edits, 1);

    let edit_id = db.queue(&edit("0555000001"), &[], 1, "contact", Utc::now()).unwrap();
    assert_eq!(edit_id, 1);
    assert_eq!(db.pending(10).unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [1]);

    assert_eq!(db.release(seq).unwrap(), Some(2));
    assert_eq!(db.release(seq).unwrap(), None, "released once");
    assert!(!db.is_held("q1").unwrap());
    let pending = db.pending(10).unwrap();
    assert_eq!(pending.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(pending[1].body, edit("0555000009"));
    assert_eq!(db.last_mutation_id().unwrap(), 2);

    // Sent again before its files were all taken (one was refused): one held row, the new one.
    db.save_qualification("q3", "{}", &[], Utc::now()).unwrap();
    db.send_qualification("q3", "20261206-0002", "{}", &edit("0555000010"), &files[..1], Utc::now()).unwrap();
    let again = db
        .send_qualification("q3", "20261206-0003", "{}", &edit("0555000011"), &files[1..], Utc::now())
        .unwrap();
    let held = db.held().unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!((held[0].seq, held[0].blobs.clone()), (again, files[1..].to_vec()));
    assert_eq!(db.release(again).unwrap(), Some(3));
}

/// A mutation without an id must be waiting for files: the schema refuses anything else.
#[test]
fn the_schema_refuses_a_held_row_without_files() {
    let (_dir, db) = open_temp();
    let refused = db.conn.execute(
        "INSERT INTO outbox (record_id, blobs, body, fields, base_version, state, created_at)
         VALUES ('q1', '[]', '{}', '[]', 0, 'pending', '2026-12-06T00:00:00Z')",
        [],
    );
    assert!(refused.is_err());
}

/// A qualification an earlier version sent (left 'waiting' outside the outbox) goes into the
/// outbox held, once; a draft or one already queued is left as it is.
#[test]
fn a_submission_an_earlier_version_left_waiting_joins_the_outbox_once() {
    let (_dir, mut db) = open_temp();
    let files = ["c".repeat(64)];
    db.save_qualification("q1", "{}", &[], Utc::now()).unwrap();
    db.save_qualification("q2", "{}", &[], Utc::now()).unwrap();
    db.conn
        .execute("UPDATE qualification_drafts SET state = 'waiting', receipt = 'R1' WHERE id = 'q1'", [])
        .unwrap();
    assert_eq!(db.unsent_work().unwrap().drafts, 2, "the waiting one counts until it is in the outbox");

    let seq = db.queue_waiting_qualification("q1", &edit("0555000012"), &files, Utc::now()).unwrap();
    assert!(seq.is_some());
    assert_eq!(db.queue_waiting_qualification("q1", &edit("0555000012"), &files, Utc::now()).unwrap(), None);
    assert_eq!(db.queue_waiting_qualification("q2", &edit("0555000012"), &files, Utc::now()).unwrap(), None);
    assert_eq!(db.held().unwrap().len(), 1);
    let states: Vec<_> = db.qualification_rows().unwrap().into_iter().map(|r| (r.id, r.state)).collect();
    assert_eq!(states, [("q1".to_owned(), DraftState::Queued), ("q2".to_owned(), DraftState::Draft)]);
    assert_eq!((db.unsent_work().unwrap().edits, db.unsent_work().unwrap().drafts), (1, 1));
}

#[test]
fn the_key_statement_is_written_in_one_buffer_that_never_grows() {
    let sql = super::key_pragma(&[0x00, 0xab, 0xff]);
    assert_eq!(sql.as_str(), "PRAGMA key = \"x'00abff'\";");
    // Grown, the buffer would have been copied, and the copy left unwiped.
    let full = super::key_pragma(&[0x5a; 32]);
    assert_eq!(full.len(), 19 + 64);
    assert!(full.len() <= full.capacity() && full.capacity() == 32 * 2 + 20);
}
