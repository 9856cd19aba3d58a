//! Sync in PostgreSQL. Exactly once: the sync client's row is locked for the whole push, and the
//! results and its last mutation id are written in the same transaction, so the same push sent to
//! two nodes at once is applied by one and answered from the stored results by the other. Every
//! change row is written with its employee's row locked (see the schema), so a pull never passes
//! a change that commits later.

use deadpool_postgres::GenericClient;
use masar_protocol::NationalId;
use masar_protocol::attachments::AttachmentLimits;
use masar_protocol::sync::{
    Change, Mutation, MutationBody, MutationOutcome, MutationResult, PullResponse, RecordKind,
};
use tokio_postgres::types::Json;

use super::auth::audit;
use super::db::{exec, one, opt, rows, signed, unsigned};
use super::{documents, records, training};
use crate::storage::edits::{self, Actor, EditPlan};

/// Locks the employee's row: every change of this employee is written under it.
pub async fn lock_employee(tx: &impl GenericClient, owner: &str) -> anyhow::Result<()> {
    exec(tx, "SELECT 1 FROM employees WHERE national_id = $1 FOR NO KEY UPDATE", &[&owner]).await?;
    Ok(())
}

/// A change row for the pull (the caller holds the employee's lock).
pub async fn note_change(
    tx: &impl GenericClient,
    owner: &str,
    kind: RecordKind,
    record_id: Option<&str>,
    version: u64,
    now_ms: i64,
) -> anyhow::Result<()> {
    exec(
        tx,
        "INSERT INTO changes (national_id, kind, record_id, version, at) VALUES ($1, $2, $3, $4, $5)",
        &[&owner, &kind.as_str(), &record_id, &signed(version), &now_ms],
    )
    .await?;
    Ok(())
}

/// Applies a profile edit: the shared plan, then the profile document and field versions.
pub async fn apply(
    tx: &impl GenericClient,
    id: &NationalId,
    base_version: u64,
    body: &MutationBody,
    touched: &[String],
    actor: Actor<'_>,
    now_ms: i64,
) -> anyhow::Result<Option<MutationOutcome>> {
    let Some((profile, version)) = records::load_profile(tx, id, true).await? else { return Ok(None) };
    let rows = rows(
        tx,
        "SELECT field, version, changed_by FROM field_versions WHERE national_id = $1",
        &[&id.as_str()],
    )
    .await?;
    let last: Vec<(String, u64, Option<String>)> =
        rows.iter().map(|row| (row.get(0), unsigned(row.get(1)), row.get(2))).collect();
    let plan = edits::plan(&profile, base_version, body, touched, actor, |field| {
        Ok(last.iter().find(|(f, _, _)| f == field).map_or((0, None), |(_, v, by)| (*v, by.clone())))
    })?;
    let changed = match plan {
        EditPlan::Rejected(errors) => return Ok(Some(MutationOutcome::Rejected { errors })),
        EditPlan::Conflict(fields) => {
            return Ok(Some(MutationOutcome::Conflict { fields, server: Box::new(profile), version }));
        }
        EditPlan::Unchanged => return Ok(Some(MutationOutcome::Applied { version })),
        EditPlan::Write(changed) => changed,
    };
    let next = version + 1;
    let updated = edits::with_values(&profile, &changed);
    exec(
        tx,
        "UPDATE employees SET profile = $2, version = $3 WHERE national_id = $1",
        &[&id.as_str(), &Json(&updated), &signed(next)],
    )
    .await?;
    let client = actor.client();
    for (field, _) in &changed {
        exec(tx,
            "INSERT INTO field_versions (national_id, field, version, changed_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (national_id, field) DO UPDATE SET version = excluded.version, changed_by = excluded.changed_by",
            &[&id.as_str(), field, &signed(next), &client],
        )
        .await?;
    }
    note_change(tx, id.as_str(), RecordKind::Profile, None, next, now_ms).await?;
    Ok(Some(MutationOutcome::Applied { version: next }))
}

/// `None` when the client id belongs to another employee.
pub async fn push(
    tx: &impl GenericClient,
    employee: &NationalId,
    client_id: &str,
    mutations: &[Mutation],
    limits: &AttachmentLimits,
    now_ms: i64,
    from: &str,
) -> anyhow::Result<Option<Vec<MutationResult>>> {
    exec(
        tx,
        "INSERT INTO sync_clients (client_id, national_id, last_mutation_id) VALUES ($1, $2, 0)
         ON CONFLICT (client_id) DO NOTHING",
        &[&client_id, &employee.as_str()],
    )
    .await?;
    let row = one(
        tx,
        "SELECT national_id, last_mutation_id FROM sync_clients WHERE client_id = $1 FOR NO KEY UPDATE",
        &[&client_id],
    )
    .await?;
    let owner: String = row.get(0);
    if owner != employee.as_str() {
        return Ok(None);
    }
    let mut last = unsigned(row.get(1));
    let mut results = Vec::with_capacity(mutations.len());
    for mutation in mutations {
        let fingerprint = crate::storage::fingerprint(mutation)?;
        if mutation.id <= last {
            let stored = opt(
                tx,
                "SELECT digest, result FROM sync_results WHERE client_id = $1 AND mutation_id = $2",
                &[&client_id, &signed(mutation.id)],
            )
            .await?;
            let outcome = match stored {
                Some(row) if row.get::<_, &str>(0) == fingerprint => serde_json::from_str(row.get(1))?,
                _ => MutationOutcome::IdReused,
            };
            results.push(MutationResult { id: mutation.id, outcome });
            continue;
        }
        let outcome = match &mutation.body {
            MutationBody::SubmitQualification(submission) => {
                documents::submit(tx, employee, submission, limits, now_ms, from).await?
            }
            MutationBody::ApplyForOpportunity(request) => {
                training::apply(tx, employee, request, now_ms, from).await?
            }
            body => apply(
                tx,
                employee,
                mutation.base_version,
                body,
                &mutation.fields,
                Actor::Employee { client: client_id },
                now_ms,
            )
            .await?
            .ok_or_else(|| anyhow::anyhow!("the signed-in employee has no record"))?,
        };
        exec(
            tx,
            "INSERT INTO sync_results (client_id, mutation_id, digest, result) VALUES ($1, $2, $3, $4)",
            &[&client_id, &signed(mutation.id), &fingerprint, &serde_json::to_string(&outcome)?],
        )
        .await?;
        audit(tx, now_ms, "sync_push", outcome.label(), Some(employee), from).await?;
        last = mutation.id;
        results.push(MutationResult { id: mutation.id, outcome });
    }
    exec(
        tx,
        "UPDATE sync_clients SET last_mutation_id = $2 WHERE client_id = $1",
        &[&client_id, &signed(last)],
    )
    .await?;
    Ok(Some(results))
}

/// HR's edit of an employee's data; `None` when there is no such employee.
pub async fn hr_update(
    tx: &impl GenericClient,
    officer: &NationalId,
    employee: &NationalId,
    base_version: u64,
    body: &MutationBody,
    caller: &crate::storage::Caller,
) -> anyhow::Result<Option<MutationOutcome>> {
    let outcome = apply(tx, employee, base_version, body, &[], Actor::Hr, caller.now_ms).await?;
    if let Some(outcome) = &outcome {
        audit(tx, caller.now_ms, "hr_update", outcome.label(), Some(officer), &caller.address).await?;
    }
    Ok(outcome)
}

/// Changes after a cursor, in server order, at most one per record.
pub async fn pull(
    tx: &impl GenericClient,
    employee: &NationalId,
    cursor: u64,
    limit: u32,
) -> anyhow::Result<PullResponse> {
    let rows = rows(
        tx,
        "SELECT max(seq), kind, record_id FROM changes WHERE national_id = $1 AND seq > $2
             GROUP BY kind, record_id ORDER BY max(seq) LIMIT $3",
        &[&employee.as_str(), &signed(cursor), &i64::from(limit)],
    )
    .await?;
    let mut changes = Vec::with_capacity(rows.len());
    let mut next = cursor;
    for row in &rows {
        let seq = unsigned(row.get(0));
        next = next.max(seq);
        let record_id: Option<String> = row.get(2);
        match (RecordKind::parse(row.get(1)), record_id) {
            (Some(RecordKind::Profile), _) => {
                if let Some((profile, version)) = records::load_profile(tx, employee, false).await? {
                    changes.push(Change::Profile {
                        seq,
                        id: employee.to_string(),
                        version,
                        profile: Box::new(profile),
                    });
                }
            }
            (Some(RecordKind::Qualification), Some(id)) => {
                if let Some((qualification, version, _)) = documents::load(tx, &id).await? {
                    changes.push(Change::Qualification {
                        seq,
                        id,
                        version,
                        qualification: Box::new(qualification),
                    });
                }
            }
            (Some(RecordKind::Application), Some(id)) => {
                if let Some((application, version, _)) = training::load(tx, &id).await? {
                    changes.push(Change::Application {
                        seq,
                        id,
                        version,
                        application: Box::new(application),
                    });
                }
            }
            // A kind this server no longer knows: skipped, the cursor still moves on.
            _ => {}
        }
    }
    let has_more: bool = one(
        tx,
        "SELECT EXISTS (SELECT 1 FROM changes WHERE national_id = $1 AND seq > $2)",
        &[&employee.as_str(), &signed(next)],
    )
    .await?
    .get(0);
    Ok(PullResponse { changes, cursor: next, has_more })
}
