//! Exactly once: the results and the client's last mutation id are stored in the transaction
//! that applies the mutations, so a push resent after a lost answer gets the stored results.

use masar_protocol::NationalId;
use masar_protocol::attachments::AttachmentLimits;
use masar_protocol::sync::{Mutation, MutationBody, MutationOutcome, MutationResult};
use rusqlite::{Connection, OptionalExtension, params};

use super::apply::{Actor, apply};
use super::auth::audit;
use super::{applications, qualifications};

pub fn push(
    conn: &mut Connection,
    employee: &NationalId,
    client_id: &str,
    mutations: &[Mutation],
    limits: &AttachmentLimits,
    now_ms: i64,
    from: &str,
) -> anyhow::Result<Option<Vec<MutationResult>>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let owner: Option<(String, u64)> = tx
        .query_row(
            "SELECT national_id, last_mutation_id FROM sync_clients WHERE client_id = ?1",
            [client_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let mut last = match owner {
        Some((owner, _)) if owner != employee.as_str() => return Ok(None),
        Some((_, last)) => last,
        None => {
            tx.execute(
                "INSERT INTO sync_clients (client_id, national_id, last_mutation_id) VALUES (?1, ?2, 0)",
                params![client_id, employee.as_str()],
            )?;
            0
        }
    };
    let mut results = Vec::with_capacity(mutations.len());
    for mutation in mutations {
        let fingerprint = crate::storage::fingerprint(mutation)?;
        if mutation.id <= last {
            let stored: Option<(String, String)> = tx
                .query_row(
                    "SELECT digest, result FROM sync_results WHERE client_id = ?1 AND mutation_id = ?2",
                    params![client_id, mutation.id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let outcome = match stored {
                Some((seen, result)) if seen == fingerprint => serde_json::from_str(&result)?,
                _ => MutationOutcome::IdReused,
            };
            results.push(MutationResult { id: mutation.id, outcome });
            continue;
        }
        // Each record kind has its own rules: a profile edit is applied field by field, a
        // qualification is checked with its files and stored for HR's review, an application is
        // checked against its opportunity.
        let outcome = match &mutation.body {
            MutationBody::SubmitQualification(submission) => {
                qualifications::submit(&tx, employee, submission, limits, now_ms, from)?
            }
            MutationBody::ApplyForOpportunity(request) => {
                applications::apply(&tx, employee, request, now_ms, from)?
            }
            body => apply(
                &tx,
                employee,
                mutation.base_version,
                body,
                &mutation.fields,
                Actor::Employee { client: client_id },
                now_ms,
            )?,
        };
        tx.execute(
            "INSERT INTO sync_results (client_id, mutation_id, digest, result) VALUES (?1, ?2, ?3, ?4)",
            params![client_id, mutation.id, fingerprint, serde_json::to_string(&outcome)?],
        )?;
        audit(&tx, now_ms, "sync_push", outcome.label(), Some(employee), from)?;
        last = mutation.id;
        results.push(MutationResult { id: mutation.id, outcome });
    }
    tx.execute(
        "UPDATE sync_clients SET last_mutation_id = ?2 WHERE client_id = ?1",
        params![client_id, last],
    )?;
    tx.commit()?;
    Ok(Some(results))
}
