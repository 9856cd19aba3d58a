//! The SQLite side of the rules' transactions: `SqliteRows` implements the rows a rule reads and
//! writes (`crate::rules`) on one transaction's connection, with SQL and row mapping only. The
//! profile's fields are columns here, so a profile edit writes the changed columns.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use anyhow::Context as _;
use masar_protocol::sync::{MutationBody, MutationOutcome, RecordKind};
use masar_protocol::{EmployeeProfile, NationalId};
use rusqlite::{Connection, params};

use super::records;
use crate::rules::activity::{AuditRow, MAX_ENTRIES, entry_of};
use crate::rules::edits::{Actor, FieldChange};
use crate::rules::records::edit_profile;
use crate::rules::{Audit, RecordRows};

/// The rows of one transaction (or, for reads, of the connection).
#[derive(Clone, Copy)]
pub struct SqliteRows<'a>(pub &'a Connection);

impl std::fmt::Debug for SqliteRows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteRows").finish_non_exhaustive()
    }
}

/// Runs a rule's transaction over `SqliteRows` to its end. rusqlite answers at once, so the
/// script never waits: one poll finishes it, on the thread that holds the connection.
pub fn finish<T>(script: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    match pin!(script).as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => anyhow::bail!("a SQLite transaction waited on something other than SQLite"),
    }
}

/// Applies an edit to an employee's profile straight on a SQLite connection with the server's own
/// rule, as HR's systems writing the database would (tests use it to change data under a
/// workstation); an error when there is no such employee.
pub fn apply_edit(
    conn: &Connection,
    id: &NationalId,
    base_version: u64,
    body: &MutationBody,
    touched: &[String],
    actor: Actor,
    now_ms: i64,
) -> anyhow::Result<MutationOutcome> {
    let outcome = finish(edit_profile(&SqliteRows(conn), id, base_version, body, touched, actor, now_ms))?;
    outcome.context("no such employee")
}

/// The `employees` column of a field.
fn column(field: &str) -> Option<&'static str> {
    Some(match field {
        "mobile" => "mobile",
        "email" => "email",
        "address.buildingNumber" => "building_number",
        "address.street" => "street",
        "address.district" => "district",
        "address.city" => "city",
        "address.postalCode" => "postal_code",
        "address.additionalNumber" => "additional_number",
        "nameEn.first" => "name_en_first",
        "nameEn.father" => "name_en_father",
        "nameEn.grandfather" => "name_en_grandfather",
        "nameEn.family" => "name_en_family",
        "entity" => "entity",
        "jobTitle" => "job_title",
        _ => return None,
    })
}

impl RecordRows for SqliteRows<'_> {
    async fn lock_employee(&self, _owner: &str) -> anyhow::Result<()> {
        // Every write transaction here is IMMEDIATE: it holds the database's one write lock.
        Ok(())
    }

    async fn profile(&self, id: &NationalId, _lock: bool) -> anyhow::Result<Option<(EmployeeProfile, u64)>> {
        records::load_profile(self.0, id)
    }

    async fn field_changes(&self, id: &NationalId) -> anyhow::Result<Vec<FieldChange>> {
        let mut statement = self
            .0
            .prepare_cached("SELECT field, version, changed_by FROM field_versions WHERE national_id = ?1")?;
        let changes = statement
            .query_map([id.as_str()], |row| {
                Ok(FieldChange { field: row.get(0)?, version: row.get(1)?, changed_by: row.get(2)? })
            })?
            .collect::<Result<_, _>>()?;
        Ok(changes)
    }

    async fn write_profile(
        &self,
        id: &NationalId,
        _next: &EmployeeProfile,
        changed: &[(&'static str, String)],
        version: u64,
        client: Option<&str>,
    ) -> anyhow::Result<()> {
        for (field, value) in changed {
            let column = column(field).context("a field with no column")?;
            self.0.execute(
                &format!("UPDATE employees SET {column} = ?2 WHERE national_id = ?1"),
                params![id.as_str(), value],
            )?;
            self.0.execute(
                "INSERT INTO field_versions (national_id, field, version, changed_by) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (national_id, field)
                 DO UPDATE SET version = excluded.version, changed_by = excluded.changed_by",
                params![id.as_str(), field, version, client],
            )?;
        }
        self.0.execute(
            "UPDATE employees SET version = ?2 WHERE national_id = ?1",
            params![id.as_str(), version],
        )?;
        Ok(())
    }

    async fn note_change(
        &self,
        owner: &str,
        kind: RecordKind,
        record_id: Option<&str>,
        version: u64,
        now_ms: i64,
    ) -> anyhow::Result<()> {
        self.0.execute(
            "INSERT INTO changes (national_id, kind, record_id, version, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![owner, kind.as_str(), record_id, version, now_ms],
        )?;
        Ok(())
    }

    async fn audit(&self, entry: Audit<'_>) -> anyhow::Result<()> {
        audit(self.0, entry)
    }
}

/// One line of the audit log (see [`Audit`]).
pub fn audit(conn: &Connection, entry: Audit<'_>) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, event, outcome, national_id, client, subject, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            entry.at_ms,
            entry.event,
            entry.outcome,
            entry.subject.map(NationalId::as_str),
            entry.client,
            entry.about.map(NationalId::as_str),
            entry.detail
        ],
    )?;
    Ok(())
}

/// The trail of `employee`'s record, newest first.
pub fn activity(
    conn: &Connection,
    employee: &NationalId,
    limit: u32,
) -> anyhow::Result<Vec<masar_protocol::activity::ActivityEntry>> {
    let found = conn
        .prepare(
            "SELECT at, event, outcome, national_id, detail FROM audit_log WHERE subject = ?1
             ORDER BY at DESC, id DESC LIMIT ?2",
        )?
        .query_map(params![employee.as_str(), limit.min(MAX_ENTRIES)], |row| {
            Ok(AuditRow {
                at_ms: row.get(0)?,
                event: row.get(1)?,
                outcome: row.get(2)?,
                actor: row.get(3)?,
                detail: row.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(found.iter().filter_map(|row| entry_of(employee, row)).collect())
}
