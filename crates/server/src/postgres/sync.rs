//! Sync's rows in PostgreSQL, and the rows of the employee's record every rule shares. Exactly
//! once: the sync client's row is locked for the whole push (`FOR NO KEY UPDATE`), so the same
//! push sent to two nodes at once is applied by one and answered from the stored results by the
//! other. Every change row is written with its employee's row locked, so a pull never passes a
//! change that commits later.

use deadpool_postgres::GenericClient;
use masar_protocol::sync::RecordKind;
use masar_protocol::{EmployeeProfile, NationalId};
use tokio_postgres::types::Json;

use super::db::{exec, one, opt, rows, signed, unsigned};
use super::records;
use crate::rules::activity::{AuditRow, MAX_ENTRIES, entry_of};
use crate::rules::edits::FieldChange;
use crate::rules::sync::{ChangeRow, StoredResult, SyncRows};
use crate::rules::{Audit, RecordRows};

/// The rows of one transaction (or, for reads, of a pooled connection).
pub struct PgRows<'a, C>(pub &'a C);

impl<C> std::fmt::Debug for PgRows<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgRows").finish_non_exhaustive()
    }
}

/// One line of the audit log (see [`Audit`]).
pub async fn audit(client: &impl GenericClient, entry: Audit<'_>) -> anyhow::Result<()> {
    exec(
        client,
        "INSERT INTO audit_log (at, event, outcome, national_id, client, subject, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &entry.at_ms,
            &entry.event,
            &entry.outcome,
            &entry.subject.map(NationalId::as_str),
            &entry.client,
            &entry.about.map(NationalId::as_str),
            &entry.detail,
        ],
    )
    .await?;
    Ok(())
}

impl<C: GenericClient + Sync> RecordRows for PgRows<'_, C> {
    async fn lock_employee(&self, owner: &str) -> anyhow::Result<()> {
        exec(self.0, "SELECT 1 FROM employees WHERE national_id = $1 FOR NO KEY UPDATE", &[&owner]).await?;
        Ok(())
    }

    async fn profile(&self, id: &NationalId, lock: bool) -> anyhow::Result<Option<(EmployeeProfile, u64)>> {
        records::load_profile(self.0, id, lock).await
    }

    async fn field_changes(&self, id: &NationalId) -> anyhow::Result<Vec<FieldChange>> {
        let found = rows(
            self.0,
            "SELECT field, version, changed_by FROM field_versions WHERE national_id = $1",
            &[&id.as_str()],
        )
        .await?;
        Ok(found
            .iter()
            .map(|row| FieldChange {
                field: row.get(0),
                version: unsigned(row.get(1)),
                changed_by: row.get(2),
            })
            .collect())
    }

    async fn write_profile(
        &self,
        id: &NationalId,
        next: &EmployeeProfile,
        changed: &[(&'static str, String)],
        version: u64,
        client: Option<&str>,
    ) -> anyhow::Result<()> {
        exec(
            self.0,
            "UPDATE employees SET profile = $2, version = $3 WHERE national_id = $1",
            &[&id.as_str(), &Json(next), &signed(version)],
        )
        .await?;
        for (field, _) in changed {
            exec(
                self.0,
                "INSERT INTO field_versions (national_id, field, version, changed_by) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (national_id, field) DO UPDATE SET version = excluded.version, changed_by = excluded.changed_by",
                &[&id.as_str(), field, &signed(version), &client],
            )
            .await?;
        }
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
        exec(
            self.0,
            "INSERT INTO changes (national_id, kind, record_id, version, at) VALUES ($1, $2, $3, $4, $5)",
            &[&owner, &kind.as_str(), &record_id, &signed(version), &now_ms],
        )
        .await?;
        Ok(())
    }

    async fn audit(&self, entry: Audit<'_>) -> anyhow::Result<()> {
        audit(self.0, entry).await
    }
}

impl<C: GenericClient + Sync> SyncRows for PgRows<'_, C> {
    async fn claim_client(&self, client_id: &str, employee: &NationalId) -> anyhow::Result<(String, u64)> {
        exec(
            self.0,
            "INSERT INTO sync_clients (client_id, national_id, last_mutation_id) VALUES ($1, $2, 0)
             ON CONFLICT (client_id) DO NOTHING",
            &[&client_id, &employee.as_str()],
        )
        .await?;
        let row = one(
            self.0,
            "SELECT national_id, last_mutation_id FROM sync_clients WHERE client_id = $1 FOR NO KEY UPDATE",
            &[&client_id],
        )
        .await?;
        Ok((row.get(0), unsigned(row.get(1))))
    }

    async fn stored_result(&self, client_id: &str, mutation_id: u64) -> anyhow::Result<Option<StoredResult>> {
        let row = opt(
            self.0,
            "SELECT digest, result FROM sync_results WHERE client_id = $1 AND mutation_id = $2",
            &[&client_id, &signed(mutation_id)],
        )
        .await?;
        Ok(row.map(|row| StoredResult { fingerprint: row.get(0), outcome: row.get(1) }))
    }

    async fn store_result(
        &self,
        client_id: &str,
        mutation_id: u64,
        result: &StoredResult,
    ) -> anyhow::Result<()> {
        exec(
            self.0,
            "INSERT INTO sync_results (client_id, mutation_id, digest, result) VALUES ($1, $2, $3, $4)",
            &[&client_id, &signed(mutation_id), &result.fingerprint, &result.outcome],
        )
        .await?;
        Ok(())
    }

    async fn set_last_mutation(&self, client_id: &str, last: u64) -> anyhow::Result<()> {
        exec(
            self.0,
            "UPDATE sync_clients SET last_mutation_id = $2 WHERE client_id = $1",
            &[&client_id, &signed(last)],
        )
        .await?;
        Ok(())
    }

    async fn changes_after(
        &self,
        employee: &NationalId,
        cursor: u64,
        limit: u32,
    ) -> anyhow::Result<Vec<ChangeRow>> {
        let found = rows(
            self.0,
            "SELECT max(seq), kind, record_id FROM changes WHERE national_id = $1 AND seq > $2
                 GROUP BY kind, record_id ORDER BY max(seq) LIMIT $3",
            &[&employee.as_str(), &signed(cursor), &i64::from(limit)],
        )
        .await?;
        Ok(found
            .iter()
            .map(|row| ChangeRow { seq: unsigned(row.get(0)), kind: row.get(1), record_id: row.get(2) })
            .collect())
    }

    async fn has_changes_after(&self, employee: &NationalId, cursor: u64) -> anyhow::Result<bool> {
        Ok(one(
            self.0,
            "SELECT EXISTS (SELECT 1 FROM changes WHERE national_id = $1 AND seq > $2)",
            &[&employee.as_str(), &signed(cursor)],
        )
        .await?
        .get(0))
    }
}

/// The trail of `employee`'s record, newest first.
pub async fn activity(
    client: &impl GenericClient,
    employee: &NationalId,
    limit: u32,
) -> anyhow::Result<Vec<masar_protocol::activity::ActivityEntry>> {
    let found = rows(
        client,
        "SELECT at, event, outcome, national_id, detail FROM audit_log WHERE subject = $1
         ORDER BY at DESC, id DESC LIMIT $2",
        &[&employee.as_str(), &i64::from(limit.min(MAX_ENTRIES))],
    )
    .await?;
    Ok(found
        .iter()
        .map(|row| AuditRow {
            at_ms: row.get(0),
            event: row.get(1),
            outcome: row.get(2),
            actor: row.get(3),
            detail: row.get(4),
        })
        .filter_map(|row| entry_of(employee, &row))
        .collect())
}
