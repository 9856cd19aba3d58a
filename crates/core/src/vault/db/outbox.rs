//! The outbox: queued mutations in order, with the server's answer for each once it came. A
//! mutation that needs files on the server first is held (no mutation id yet) until they are all
//! verified; see migration 0006.

use chrono::{DateTime, Utc};
use masar_protocol::EmployeeProfile;
use masar_protocol::sync::{Mutation, MutationBody, MutationOutcome, MutationResult};
use masar_protocol::validate::FieldError;
use rusqlite::{OptionalExtension, params};

use super::{VaultDb, VaultDbError, time};

/// Where one queued edit stands. Each state carries exactly what it needs, so a row that says
/// "conflict" without the server's values cannot be made; a row that does not read back is an
/// error ([`VaultDbError::UnreadableEdit`]), never taken for "pending".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditState {
    Pending,
    /// Applied by the server at this version; shown as synced once the pull has it.
    Applied {
        version: u64,
    },
    /// Refused by the server's rules, with the reason per field.
    Rejected {
        errors: Vec<FieldError>,
    },
    /// A field changed on the server since the edit's base: the server's values then.
    Conflict {
        fields: Vec<String>,
        server: Box<EmployeeProfile>,
        version: u64,
    },
    /// The server refused the id (never expected: a bug or a restored old vault).
    Refused,
}

impl From<MutationOutcome> for EditState {
    fn from(outcome: MutationOutcome) -> Self {
        match outcome {
            MutationOutcome::Applied { version } => Self::Applied { version },
            MutationOutcome::Rejected { errors } => Self::Rejected { errors },
            MutationOutcome::Conflict { fields, server, version } => {
                Self::Conflict { fields, server, version }
            }
            MutationOutcome::IdReused => Self::Refused,
        }
    }
}

impl EditState {
    /// The stored form: the state's name and, once answered, the server's outcome.
    fn stored(&self) -> (&'static str, Option<MutationOutcome>) {
        match self {
            Self::Pending => ("pending", None),
            Self::Applied { version } => ("applied", Some(MutationOutcome::Applied { version: *version })),
            Self::Rejected { errors } => {
                ("rejected", Some(MutationOutcome::Rejected { errors: errors.clone() }))
            }
            Self::Conflict { fields, server, version } => (
                "conflict",
                Some(MutationOutcome::Conflict {
                    fields: fields.clone(),
                    server: server.clone(),
                    version: *version,
                }),
            ),
            Self::Refused => ("refused", Some(MutationOutcome::IdReused)),
        }
    }

    /// Reads a stored state back; `None` when the name and the outcome do not agree.
    fn read(state: &str, result: Option<&str>) -> Option<Self> {
        let outcome: Option<MutationOutcome> = match result {
            Some(json) => Some(serde_json::from_str(json).ok()?),
            None => None,
        };
        let read = match (state, outcome) {
            ("pending", None) => Self::Pending,
            (name, Some(outcome)) => {
                let state = Self::from(outcome);
                if state.stored().0 != name {
                    return None;
                }
                state
            }
            _ => return None,
        };
        Some(read)
    }
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
    /// When the server answered it (none while pending).
    pub answered_at: Option<DateTime<Utc>>,
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

/// A mutation held until the server has verified its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldRow {
    /// Its place in the queue (it has no mutation id yet).
    pub seq: u64,
    /// The record it is about, for a kind with its own records.
    pub record_id: Option<String>,
    /// The SHA-256 of each file it needs, in the order it names them.
    pub blobs: Vec<String>,
}

impl VaultDb {
    /// Queues an edit; its id is the next mutation id. One transaction: the edit exists whole or
    /// not at all, also after a crash, and the form's draft goes in the same transaction.
    pub fn queue(
        &mut self,
        body: &MutationBody,
        fields: &[String],
        base_version: u64,
        draft: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, VaultDbError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM drafts WHERE form = ?1", [draft])?;
        let id = Self::queue_in(&tx, body, fields, base_version, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// Queues a record of its own kind (an application, say): no form's draft goes with it.
    pub fn queue_record(&mut self, body: &MutationBody, now: DateTime<Utc>) -> Result<u64, VaultDbError> {
        let tx = self.conn.transaction()?;
        let id = Self::queue_in(&tx, body, &[], 0, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// Queues an edit inside the caller's transaction (with the next mutation id).
    pub(super) fn queue_in(
        tx: &rusqlite::Transaction<'_>,
        body: &MutationBody,
        fields: &[String],
        base_version: u64,
        now: DateTime<Utc>,
    ) -> Result<u64, VaultDbError> {
        let id = Self::next_id(tx)?;
        tx.execute(
            "INSERT INTO outbox (id, body, fields, base_version, state, created_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
            params![id, serde_json::to_string(body)?, serde_json::to_string(fields)?, base_version, now.to_rfc3339()],
        )?;
        Self::set_setting(tx, "last_mutation_id", &id.to_string())?;
        Ok(id)
    }

    /// Queues a mutation of a record of its own kind that needs `blobs` on the server first,
    /// inside the caller's transaction. It is held (no mutation id) until [`VaultDb::release`];
    /// a held mutation of the same record is replaced (it was never sent: it had no id).
    pub(super) fn hold_in(
        tx: &rusqlite::Transaction<'_>,
        record_id: &str,
        body: &MutationBody,
        blobs: &[String],
        now: DateTime<Utc>,
    ) -> Result<u64, VaultDbError> {
        tx.execute("DELETE FROM outbox WHERE record_id = ?1 AND id IS NULL", [record_id])?;
        tx.execute(
            "INSERT INTO outbox (record_id, blobs, body, fields, base_version, state, created_at)
             VALUES (?1, ?2, ?3, '[]', 0, 'pending', ?4)",
            params![record_id, serde_json::to_string(blobs)?, serde_json::to_string(body)?, now.to_rfc3339()],
        )?;
        Ok(tx.last_insert_rowid().unsigned_abs())
    }

    /// The mutations waiting for their files, in the order they were queued.
    pub fn held(&self) -> Result<Vec<HeldRow>, VaultDbError> {
        let mut statement = self.conn.prepare(
            "SELECT seq, record_id, blobs FROM outbox WHERE id IS NULL OR awaiting_files = 1 ORDER BY seq",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, u64>(0)?, row.get::<_, Option<String>>(1)?, row.get::<_, String>(2)?))
        })?;
        let mut held = Vec::new();
        for row in rows {
            let (seq, record_id, blobs) = row?;
            held.push(HeldRow { seq, record_id, blobs: serde_json::from_str(&blobs)? });
        }
        Ok(held)
    }

    /// Every file of the held mutation `seq` is verified: it takes the next mutation id (or keeps
    /// the one it took in a sealed export) and goes out with the next push. Returns the id
    /// (`None` if it is no longer held).
    pub fn release(&mut self, seq: u64) -> Result<Option<u64>, VaultDbError> {
        let exported: Option<u64> = self
            .conn
            .query_row("SELECT id FROM outbox WHERE seq = ?1 AND awaiting_files = 1", [seq], |row| row.get(0))
            .optional()?;
        if let Some(id) = exported {
            self.conn.execute("UPDATE outbox SET awaiting_files = 0 WHERE seq = ?1", [seq])?;
            return Ok(Some(id));
        }
        let tx = self.conn.transaction()?;
        let id = Self::next_id(&tx)?;
        let changed =
            tx.execute("UPDATE outbox SET id = ?2 WHERE seq = ?1 AND id IS NULL", params![seq, id])?;
        if changed == 0 {
            return Ok(None);
        }
        Self::set_setting(&tx, "last_mutation_id", &id.to_string())?;
        tx.commit()?;
        Ok(Some(id))
    }

    /// Whether a mutation about `record_id` still waits for its files.
    pub fn is_held(&self, record_id: &str) -> Result<bool, VaultDbError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM outbox WHERE record_id = ?1 AND (id IS NULL OR awaiting_files = 1)",
                [record_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    pub(super) fn rows(&self, sql: &str, limit: u32) -> Result<Vec<OutboxRow>, VaultDbError> {
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
                row.get::<_, Option<String>>("answered_at")?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, base_version, fields, body, state, result, created_at, answered_at) = row?;
            out.push(OutboxRow {
                id,
                base_version,
                fields: serde_json::from_str(&fields)?,
                body: serde_json::from_str(&body)?,
                state: EditState::read(&state, result.as_deref()).ok_or(VaultDbError::UnreadableEdit(id))?,
                created_at: time(&created_at),
                answered_at: answered_at.as_deref().map(time),
            });
        }
        Ok(out)
    }

    /// Edits not yet answered by the server that may go now, oldest first: none from a request
    /// still waiting for its files (numbered by a sealed export) on, so the ids the server sees
    /// from this workstation only grow.
    pub fn pending(&self, limit: u32) -> Result<Vec<OutboxRow>, VaultDbError> {
        self.rows(
            "SELECT * FROM outbox WHERE state = 'pending' AND id IS NOT NULL
               AND id < coalesce((SELECT min(id) FROM outbox WHERE awaiting_files = 1), 9223372036854775807)
             ORDER BY id LIMIT ?1",
            limit,
        )
    }

    /// Every edit with its mutation id still shown to the user (not yet cleared), oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxRow>, VaultDbError> {
        self.rows("SELECT * FROM outbox WHERE id IS NOT NULL ORDER BY id LIMIT ?1", u32::MAX)
    }

    /// Mutations the server has not answered, those still waiting for their files included.
    pub fn pending_count(&self) -> Result<u64, VaultDbError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM outbox WHERE state = 'pending'", [], |row| row.get(0))?)
    }

    /// Stores the server's answers in one transaction.
    pub fn record_results(&mut self, results: &[MutationResult]) -> Result<(), VaultDbError> {
        let answered_at = Utc::now().to_rfc3339();
        let tx = self.conn.transaction()?;
        for result in results {
            let (state, _) = EditState::from(result.outcome.clone()).stored();
            tx.execute(
                "UPDATE outbox SET state = ?2, result = ?3, answered_at = ?4 WHERE id = ?1 AND state = 'pending'",
                params![result.id, state, serde_json::to_string(&result.outcome)?, answered_at],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// What this vault holds that the server has not taken: edits waiting or in conflict, and
    /// drafts.
    pub fn unsent_work(&self) -> Result<crate::vault::UnsentWork, VaultDbError> {
        let count =
            |sql: &str| -> Result<u32, VaultDbError> { Ok(self.conn.query_row(sql, [], |row| row.get(0))?) };
        Ok(crate::vault::UnsentWork {
            // Those still waiting for their files too.
            edits: count("SELECT count(*) FROM outbox WHERE state IN ('pending', 'conflict')")?,
            // A qualification sent before the outbox held files ('waiting') is not in it yet.
            drafts: count(
                "SELECT (SELECT count(*) FROM drafts)
                      + (SELECT count(*) FROM qualification_drafts WHERE state IN ('draft', 'waiting'))",
            )?,
        })
    }

    /// The id of the last edit ever queued here (0 before the first); ids are never reused.
    pub fn last_mutation_id(&self) -> Result<u64, VaultDbError> {
        Ok(self.setting("last_mutation_id")?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Takes in an edit the server already answered in another vault (a copy set aside after a
    /// password change), so the employee sees and settles it here. It gets a new local id and is
    /// never sent from here (only pending edits are).
    pub fn adopt_answered(&mut self, row: &OutboxRow) -> Result<u64, VaultDbError> {
        let (state, Some(outcome)) = row.state.stored() else { return Ok(0) };
        if !matches!(row.state, EditState::Conflict { .. } | EditState::Rejected { .. }) {
            return Ok(0);
        }
        let tx = self.conn.transaction()?;
        let id = Self::next_id(&tx)?;
        tx.execute(
            "INSERT INTO outbox (id, body, fields, base_version, state, result, created_at, answered_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                serde_json::to_string(&row.body)?,
                serde_json::to_string(&row.fields)?,
                row.base_version,
                state,
                serde_json::to_string(&outcome)?,
                row.created_at.to_rfc3339(),
                row.answered_at.map(|at| at.to_rfc3339())
            ],
        )?;
        Self::set_setting(&tx, "last_mutation_id", &id.to_string())?;
        tx.commit()?;
        Ok(id)
    }

    /// The next mutation id: above every row here and every id handed out before.
    pub(super) fn next_id(tx: &rusqlite::Transaction<'_>) -> Result<u64, VaultDbError> {
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
