//! The vault database: SQLCipher, opened with the raw data key.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use masar_protocol::sync::{Change, Mutation, MutationBody, MutationOutcome, MutationResult};
use masar_protocol::{EmployeeProfile, EmployeeRecord};
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};

use crate::secret::Sensitive;

/// The vault's schema, oldest first; append only. An upgrade migrates in place and keeps the
/// outbox, so unsynced edits survive app updates (tested).
pub(crate) const MIGRATIONS: &[&str] = &[
    "CREATE TABLE cached_records (
        kind       TEXT PRIMARY KEY,
        json       TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    ) STRICT;",
    include_str!("migrations/0002_sync.sql"),
    include_str!("migrations/0003_drafts.sql"),
];

#[derive(Debug, thiserror::Error)]
pub enum VaultDbError {
    #[error("the key does not open this database")]
    WrongKey,
    #[error("vault database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("vault schema error: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("vault content unreadable: {0}")]
    Content(#[from] serde_json::Error),
    #[error("no randomness: {0}")]
    Random(String),
}

pub struct VaultDb {
    pub(crate) conn: Connection,
}

impl std::fmt::Debug for VaultDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultDb").finish_non_exhaustive()
    }
}

impl VaultDb {
    /// Opens (creating if needed) the encrypted database with `key`.
    pub fn open(path: &Path, key: &Sensitive<[u8; 32]>) -> Result<Self, VaultDbError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "cipher_log_level", "NONE").ok();
        let mut pragma = Sensitive::new(format!("x'{}'", hex::encode(key.expose())));
        conn.pragma_update(None, "key", pragma.expose())?;
        zeroize::Zeroize::zeroize(&mut pragma);
        // A wrong key only shows on the first read.
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0)) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => {
                return Err(VaultDbError::WrongKey);
            }
            Err(error) => return Err(error.into()),
        }
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect()).to_latest(&mut conn)?;
        Ok(Self { conn })
    }

    pub fn save_record(
        &self,
        record: &EmployeeRecord,
        fetched_at: DateTime<Utc>,
    ) -> Result<(), VaultDbError> {
        self.conn.execute(
            "INSERT INTO cached_records (kind, json, fetched_at) VALUES ('employee', ?1, ?2)
             ON CONFLICT (kind) DO UPDATE SET json = excluded.json, fetched_at = excluded.fetched_at",
            params![serde_json::to_string(record)?, fetched_at.to_rfc3339()],
        )?;
        Ok(())
    }

    pub fn load_record(&self) -> Result<Option<(EmployeeRecord, DateTime<Utc>)>, VaultDbError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row("SELECT json, fetched_at FROM cached_records WHERE kind = 'employee'", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let Some((json, fetched_at)) = row else { return Ok(None) };
        let fetched_at =
            DateTime::parse_from_rfc3339(&fetched_at).map(|t| t.with_timezone(&Utc)).unwrap_or_default();
        Ok(Some((serde_json::from_str(&json)?, fetched_at)))
    }
}

/// Where one queued edit stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditState {
    Pending,
    /// Applied by the server at this version; shown as synced once the pull has it.
    Applied(u64),
    Rejected(MutationOutcome),
    Conflict(MutationOutcome),
    /// The server refused the id (never expected: a bug or a restored old vault).
    Refused,
}

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: u64,
    pub base_version: u64,
    pub fields: Vec<String>,
    pub body: MutationBody,
    pub state: EditState,
    pub created_at: DateTime<Utc>,
}

impl OutboxRow {
    pub fn as_mutation(&self) -> Mutation {
        Mutation {
            id: self.id,
            base_version: self.base_version,
            fields: self.fields.clone(),
            body: self.body.clone(),
        }
    }
}

fn state_from(state: &str, result: Option<String>) -> EditState {
    let outcome: Option<MutationOutcome> = result.and_then(|r| serde_json::from_str(&r).ok());
    match (state, outcome) {
        ("applied", Some(MutationOutcome::Applied { version })) => EditState::Applied(version),
        ("rejected", Some(outcome)) => EditState::Rejected(outcome),
        ("conflict", Some(outcome)) => EditState::Conflict(outcome),
        ("refused", _) => EditState::Refused,
        _ => EditState::Pending,
    }
}

impl VaultDb {
    fn setting(&self, key: &str) -> Result<Option<String>, VaultDbError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |row| row.get(0))
            .optional()?)
    }

    fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<(), VaultDbError> {
        conn.execute(
            "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// This installation's id for this employee, made on first use.
    pub fn client_id(&self) -> Result<String, VaultDbError> {
        if let Some(id) = self.setting("client_id")? {
            return Ok(id);
        }
        let mut bytes = [0_u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| VaultDbError::Random(e.to_string()))?;
        let id = hex::encode(bytes);
        Self::set_setting(&self.conn, "client_id", &id)?;
        Ok(id)
    }

    pub fn cursor(&self) -> Result<u64, VaultDbError> {
        Ok(self.setting("cursor")?.and_then(|c| c.parse().ok()).unwrap_or(0))
    }

    /// The profile as the server last sent it, and its version.
    pub fn server_profile(&self) -> Result<Option<(EmployeeProfile, u64)>, VaultDbError> {
        let row: Option<(String, u64)> = self
            .conn
            .query_row("SELECT json, version FROM server_profile WHERE id = 1", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        match row {
            Some((json, version)) => Ok(Some((serde_json::from_str(&json)?, version))),
            None => Ok(None),
        }
    }

    /// Stores a pulled page and the new cursor in one transaction.
    pub fn apply_pull(&mut self, changes: &[Change], cursor: u64) -> Result<(), VaultDbError> {
        let tx = self.conn.transaction()?;
        for change in changes {
            match change {
                Change::Profile { version, profile, .. } => {
                    tx.execute(
                        "INSERT INTO server_profile (id, version, json) VALUES (1, ?1, ?2)
                         ON CONFLICT (id) DO UPDATE SET version = excluded.version, json = excluded.json
                         WHERE excluded.version >= server_profile.version",
                        params![version, serde_json::to_string(profile)?],
                    )?;
                }
            }
        }
        Self::set_setting(&tx, "cursor", &cursor.to_string())?;
        tx.commit()?;
        Ok(())
    }

    /// Saves what is typed in a form (`form` names it) over the previous draft.
    pub fn save_draft(&self, form: &str, json: &str, now: DateTime<Utc>) -> Result<(), VaultDbError> {
        self.conn.execute(
            "INSERT INTO drafts (form, json, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (form) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at",
            params![form, json, now.to_rfc3339()],
        )?;
        Ok(())
    }

    pub fn draft(&self, form: &str) -> Result<Option<(String, DateTime<Utc>)>, VaultDbError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row("SELECT json, updated_at FROM drafts WHERE form = ?1", [form], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        Ok(row.map(|(json, at)| {
            (json, DateTime::parse_from_rfc3339(&at).map(|t| t.with_timezone(&Utc)).unwrap_or_default())
        }))
    }

    /// Every draft: form, values, when saved.
    pub fn drafts(&self) -> Result<Vec<(String, String, DateTime<Utc>)>, VaultDbError> {
        let mut statement = self.conn.prepare("SELECT form, json, updated_at FROM drafts ORDER BY form")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (form, json, at) = row?;
            let at = DateTime::parse_from_rfc3339(&at).map(|t| t.with_timezone(&Utc)).unwrap_or_default();
            out.push((form, json, at));
        }
        Ok(out)
    }

    pub fn discard_draft(&self, form: &str) -> Result<(), VaultDbError> {
        self.conn.execute("DELETE FROM drafts WHERE form = ?1", [form])?;
        Ok(())
    }

    /// Queues an edit; its id is the next mutation id. One transaction: the edit exists whole or
    /// not at all, also after a crash, and the form's draft goes in the same transaction.
    pub fn queue(
        &mut self,
        body: &MutationBody,
        fields: &[String],
        base_version: u64,
        now: DateTime<Utc>,
    ) -> Result<u64, VaultDbError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM drafts WHERE form = ?1", [crate::edits::form_of(body).as_str()])?;
        let id = Self::next_id(&tx)?;
        tx.execute(
            "INSERT INTO outbox (id, body, fields, base_version, state, created_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
            params![id, serde_json::to_string(body)?, serde_json::to_string(fields)?, base_version, now.to_rfc3339()],
        )?;
        Self::set_setting(&tx, "last_mutation_id", &id.to_string())?;
        tx.commit()?;
        Ok(id)
    }

    fn rows(&self, sql: &str, limit: u32) -> Result<Vec<OutboxRow>, VaultDbError> {
        let mut statement = self.conn.prepare(sql)?;
        let rows = statement.query_map([limit], |row| {
            Ok((
                row.get::<_, u64>("id")?,
                row.get::<_, u64>("base_version")?,
                row.get::<_, String>("fields")?,
                row.get::<_, String>("body")?,
                row.get::<_, String>("state")?,
                row.get::<_, Option<String>>("result")?,
                row.get::<_, String>("created_at")?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, base_version, fields, body, state, result, created_at) = row?;
            out.push(OutboxRow {
                id,
                base_version,
                fields: serde_json::from_str(&fields)?,
                body: serde_json::from_str(&body)?,
                state: state_from(&state, result),
                created_at: DateTime::parse_from_rfc3339(&created_at)
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Edits not yet answered by the server, oldest first.
    pub fn pending(&self, limit: u32) -> Result<Vec<OutboxRow>, VaultDbError> {
        self.rows("SELECT * FROM outbox WHERE state = 'pending' ORDER BY id LIMIT ?1", limit)
    }

    /// Every edit still shown to the user (not yet cleared), oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxRow>, VaultDbError> {
        self.rows("SELECT * FROM outbox ORDER BY id LIMIT ?1", u32::MAX)
    }

    pub fn pending_count(&self) -> Result<u64, VaultDbError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM outbox WHERE state = 'pending'", [], |row| row.get(0))?)
    }

    /// Stores the server's answers in one transaction.
    pub fn record_results(&mut self, results: &[MutationResult]) -> Result<(), VaultDbError> {
        let tx = self.conn.transaction()?;
        for result in results {
            let state = match result.outcome {
                MutationOutcome::Applied { .. } => "applied",
                MutationOutcome::Rejected { .. } => "rejected",
                MutationOutcome::Conflict { .. } => "conflict",
                MutationOutcome::IdReused => "refused",
            };
            tx.execute(
                "UPDATE outbox SET state = ?2, result = ?3 WHERE id = ?1 AND state = 'pending'",
                params![result.id, state, serde_json::to_string(&result.outcome)?],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// What this vault holds that the server has not taken: edits waiting or in conflict, and
    /// drafts.
    pub fn unsent_work(&self) -> Result<super::UnsentWork, VaultDbError> {
        let count =
            |sql: &str| -> Result<u32, VaultDbError> { Ok(self.conn.query_row(sql, [], |row| row.get(0))?) };
        Ok(super::UnsentWork {
            edits: count("SELECT count(*) FROM outbox WHERE state IN ('pending', 'conflict')")?,
            drafts: count("SELECT count(*) FROM drafts")?,
        })
    }

    pub fn has_draft(&self, form: &str) -> Result<bool, VaultDbError> {
        Ok(self.draft(form)?.is_some())
    }

    /// The id of the last edit ever queued here (0 before the first); ids are never reused.
    pub fn last_mutation_id(&self) -> Result<u64, VaultDbError> {
        Ok(self.setting("last_mutation_id")?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Takes in an edit the server already answered in another vault (a copy set aside after a
    /// password change), so the employee sees and settles it here. It gets a new local id and is
    /// never sent from here (only pending edits are).
    pub fn adopt_answered(&mut self, row: &OutboxRow) -> Result<u64, VaultDbError> {
        let (state, outcome) = match &row.state {
            EditState::Conflict(outcome) => ("conflict", outcome),
            EditState::Rejected(outcome) => ("rejected", outcome),
            _ => return Ok(0),
        };
        let tx = self.conn.transaction()?;
        let id = Self::next_id(&tx)?;
        tx.execute(
            "INSERT INTO outbox (id, body, fields, base_version, state, result, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                serde_json::to_string(&row.body)?,
                serde_json::to_string(&row.fields)?,
                row.base_version,
                state,
                serde_json::to_string(outcome)?,
                row.created_at.to_rfc3339()
            ],
        )?;
        Self::set_setting(&tx, "last_mutation_id", &id.to_string())?;
        tx.commit()?;
        Ok(id)
    }

    /// The next mutation id: above every row here and every id handed out before.
    fn next_id(tx: &rusqlite::Transaction<'_>) -> Result<u64, VaultDbError> {
        let next: u64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM outbox", [], |row| row.get(0))?;
        let floor: u64 = tx
            .query_row("SELECT value FROM sync_state WHERE key = 'last_mutation_id'", [], |row| {
                row.get::<_, String>(0)
            })
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok(next.max(floor + 1))
    }

    /// Removes an answered edit from view (synced and pulled, or dismissed by the user).
    pub fn clear(&self, id: u64) -> Result<(), VaultDbError> {
        self.conn.execute("DELETE FROM outbox WHERE id = ?1 AND state != 'pending'", [id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use masar_protocol::NationalAddress;
    use masar_protocol::sync::ContactUpdate;

    use super::*;

    fn key() -> Sensitive<[u8; 32]> {
        Sensitive::new([7_u8; 32])
    }

    fn edit(mobile: &str) -> MutationBody {
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

    fn open_temp() -> (tempfile::TempDir, VaultDb) {
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
        holder.pragma_update(None, "key", format!("x'{}'", hex::encode(key().expose()))).unwrap();
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
        let id = db.queue(&edit("0555000001"), &[], 1, Utc::now()).unwrap();
        db.record_results(&[MutationResult { id, outcome: MutationOutcome::IdReused }]).unwrap();
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
            db.queue(&edit("0555000001"), &[], 1, Utc::now()).unwrap();
            db.queue(&edit("0555000002"), &[], 1, Utc::now()).unwrap();
        }
        let db = VaultDb::open(&path, &key()).unwrap();
        assert_eq!((db.cursor().unwrap(), db.last_mutation_id().unwrap()), (7, 2));
    }

    #[test]
    fn an_answered_edit_taken_from_another_vault_gets_a_new_id_and_is_not_sent() {
        let (_dir, mut db) = open_temp();
        let (_other_dir, mut other) = open_temp();
        db.queue(&edit("0555000001"), &[], 1, Utc::now()).unwrap();
        for n in 1..=3 {
            other.queue(&edit(&format!("055500001{n}")), &["mobile".into()], 1, Utc::now()).unwrap();
        }
        let rejected = MutationOutcome::Rejected { errors: vec![] };
        other
            .record_results(&[
                MutationResult { id: 1, outcome: rejected.clone() },
                MutationResult { id: 2, outcome: MutationOutcome::Applied { version: 2 } },
            ])
            .unwrap();
        let conflict = MutationOutcome::Conflict {
            fields: vec!["mobile".into()],
            server: Box::new(crate::vault::tests::sample_record().profile),
            version: 2,
        };
        other.queue(&edit("0555000014"), &["mobile".into()], 1, Utc::now()).unwrap();
        other.record_results(&[MutationResult { id: 4, outcome: conflict.clone() }]).unwrap();
        let rows = other.outbox().unwrap();
        assert_eq!(db.adopt_answered(&rows[0]).unwrap(), 2, "after the vault's own edit 1");
        assert_eq!(db.adopt_answered(&rows[1]).unwrap(), 0, "an applied edit is not taken");
        assert_eq!(
            db.adopt_answered(&rows[2]).unwrap(),
            0,
            "nor a waiting one (it is sent from its own vault)"
        );
        assert_eq!(db.adopt_answered(&rows[3]).unwrap(), 3, "a conflict is taken, to be settled here");
        let here = db.outbox().unwrap();
        assert_eq!(here.len(), 3);
        assert_eq!(here[1].state, EditState::Rejected(rejected));
        assert_eq!(here[1].body, edit("0555000011"));
        assert_eq!(here[2].state, EditState::Conflict(conflict));
        assert_eq!(here[2].fields, ["mobile"]);
        assert_eq!(db.pending(10).unwrap().len(), 1, "only the vault's own edit waits");
        assert_eq!(db.queue(&edit("0555000009"), &[], 1, Utc::now()).unwrap(), 4, "ids go on above them");
    }

    #[test]
    fn drafts_are_counted_as_unsent_work_with_edits_that_wait_or_conflict() {
        let (_dir, mut db) = open_temp();
        assert!(db.unsent_work().unwrap().is_empty());
        assert!(!db.has_draft("contact").unwrap());
        db.save_draft("contact", "{}", Utc::now()).unwrap();
        assert!(db.has_draft("contact").unwrap());
        assert!(!db.has_draft("personal").unwrap());
        db.queue(&edit("0555000001"), &[], 1, Utc::now()).unwrap();
        db.save_draft("personal", "{}", Utc::now()).unwrap();
        db.queue(&edit("0555000002"), &[], 1, Utc::now()).unwrap();
        let conflict = MutationOutcome::Conflict {
            fields: vec!["mobile".into()],
            server: Box::new(crate::vault::tests::sample_record().profile),
            version: 2,
        };
        db.record_results(&[MutationResult { id: 1, outcome: conflict }]).unwrap();
        let work = db.unsent_work().unwrap();
        assert_eq!(
            (work.edits, work.drafts),
            (2, 1),
            "one waiting, one in conflict; the contact draft went with its edit"
        );
        db.record_results(&[MutationResult { id: 2, outcome: MutationOutcome::Applied { version: 3 } }])
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
                conn.pragma_update(None, "key", format!("x'{}'", hex::encode(key().expose()))).unwrap();
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
        db.queue(&edit("0555100000"), &[], 1, Utc::now()).unwrap();
        assert!(db.draft("contact").unwrap().is_none(), "queued with its edit");
    }

    #[test]
    fn ids_increase_and_answers_are_stored() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = VaultDb::open(&dir.path().join("vault.db"), &key()).unwrap();
        let first = db.queue(&edit("0555000001"), &[], 1, Utc::now()).unwrap();
        let second = db.queue(&edit("0555000002"), &[], 1, Utc::now()).unwrap();
        assert_eq!((first, second), (1, 2));
        db.record_results(&[MutationResult { id: 1, outcome: MutationOutcome::Applied { version: 2 } }])
            .unwrap();
        assert_eq!(db.pending(10).unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [2]);
        db.clear(1).unwrap();
        // A cleared id is never handed out again: the server remembers it.
        db.record_results(&[MutationResult { id: 2, outcome: MutationOutcome::Applied { version: 3 } }])
            .unwrap();
        db.clear(2).unwrap();
        assert_eq!(db.queue(&edit("0555000003"), &[], 3, Utc::now()).unwrap(), 3);
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
}
