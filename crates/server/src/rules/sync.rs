//! Sync's two transactions. A push applies a client's mutations exactly once: the client's row
//! is held for the whole push, and each result is stored with its effect, so a push resent after
//! a lost answer is answered from the stored results. A pull hands out changes after a cursor in
//! the server's order, at most one per record.

use masar_protocol::NationalId;
use masar_protocol::attachments::AttachmentLimits;
use masar_protocol::sync::{
    Change, Mutation, MutationBody, MutationOutcome, MutationResult, PullResponse, RecordKind,
};

use super::applications::{self, ApplicationRows};
use super::edits::Actor;
use super::qualifications::{self, QualificationRows};
use super::records::{self, Audit, RecordRows};
use crate::storage::Caller;

/// A result as stored: the fingerprint of the mutation it answered, and the outcome as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResult {
    pub fingerprint: String,
    pub outcome: String,
}

/// A change row a pull reads: its sequence number, the kind as stored, the record's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    pub seq: u64,
    pub kind: String,
    pub record_id: Option<String>,
}

/// The rows of sync, inside the store's transaction.
#[allow(async_fn_in_trait, reason = "crate-internal: each store's futures are checked where they run")]
pub trait SyncRows: RecordRows + QualificationRows + ApplicationRows {
    /// The client's owner and the last mutation id applied for it; a new client is recorded for
    /// `employee` with 0. The row stays locked until the transaction ends.
    async fn claim_client(&self, client_id: &str, employee: &NationalId) -> anyhow::Result<(String, u64)>;

    async fn stored_result(&self, client_id: &str, mutation_id: u64) -> anyhow::Result<Option<StoredResult>>;

    async fn store_result(
        &self,
        client_id: &str,
        mutation_id: u64,
        result: &StoredResult,
    ) -> anyhow::Result<()>;

    async fn set_last_mutation(&self, client_id: &str, last: u64) -> anyhow::Result<()>;

    /// The newest change row of each record changed after `cursor`, oldest first, at most `limit`.
    async fn changes_after(
        &self,
        employee: &NationalId,
        cursor: u64,
        limit: u32,
    ) -> anyhow::Result<Vec<ChangeRow>>;

    async fn has_changes_after(&self, employee: &NationalId, cursor: u64) -> anyhow::Result<bool>;
}

/// A stable fingerprint of what a mutation asks, to tell a resend from a reused id.
pub fn fingerprint(mutation: &Mutation) -> anyhow::Result<String> {
    use sha2::{Digest, Sha256};
    Ok(hex::encode(Sha256::digest(&serde_json::to_vec(mutation)?)))
}

/// Whether the client's row allows this employee to push through it.
pub fn owns_client(owner: &str, employee: &NationalId) -> bool {
    owner == employee.as_str()
}

/// A mutation whose id is at or below the client's last applied id was seen before: the stored
/// result when it asks the same thing, else the id was reused for something else.
pub fn replay(fingerprint: &str, stored: Option<StoredResult>) -> anyhow::Result<MutationOutcome> {
    Ok(match stored {
        Some(stored) if stored.fingerprint == fingerprint => serde_json::from_str(&stored.outcome)?,
        _ => MutationOutcome::IdReused,
    })
}

/// Applies `mutations` in order, exactly once each. `None` when the client id belongs to
/// another employee.
pub async fn push(
    rows: &impl SyncRows,
    employee: &NationalId,
    client_id: &str,
    mutations: &[Mutation],
    limits: &AttachmentLimits,
    caller: &Caller,
) -> anyhow::Result<Option<Vec<MutationResult>>> {
    let (owner, mut last) = rows.claim_client(client_id, employee).await?;
    if !owns_client(&owner, employee) {
        return Ok(None);
    }
    let mut results = Vec::with_capacity(mutations.len());
    for mutation in mutations {
        let fingerprint = fingerprint(mutation)?;
        if mutation.id <= last {
            let outcome = replay(&fingerprint, rows.stored_result(client_id, mutation.id).await?)?;
            results.push(MutationResult { id: mutation.id, outcome, replayed: true });
            continue;
        }
        let outcome = apply(rows, employee, client_id, mutation, limits, caller).await?;
        let stored = StoredResult { fingerprint, outcome: serde_json::to_string(&outcome)? };
        rows.store_result(client_id, mutation.id, &stored).await?;
        rows.audit(Audit::of(caller, "sync_push", outcome.label(), Some(employee))).await?;
        last = mutation.id;
        results.push(MutationResult { id: mutation.id, outcome, replayed: false });
    }
    rows.set_last_mutation(client_id, last).await?;
    Ok(Some(results))
}

/// Each record kind has its own rules: a profile edit is applied field by field, a qualification
/// is checked with its files and stored for HR's review, an application is checked against its
/// opportunity.
async fn apply(
    rows: &impl SyncRows,
    employee: &NationalId,
    client_id: &str,
    mutation: &Mutation,
    limits: &AttachmentLimits,
    caller: &Caller,
) -> anyhow::Result<MutationOutcome> {
    match &mutation.body {
        MutationBody::SubmitQualification(submission) => {
            qualifications::submit(rows, employee, submission, limits, caller).await
        }
        MutationBody::ApplyForOpportunity(request) => {
            applications::apply(rows, employee, request, caller).await
        }
        body => {
            let actor = Actor::Employee { client: client_id };
            let author = records::Author { by: employee, reason: None, caller };
            records::edit_profile_by(
                rows,
                employee,
                mutation.base_version,
                body,
                &mutation.fields,
                actor,
                author,
            )
            .await?
            .ok_or_else(|| anyhow::anyhow!("the signed-in employee has no record"))
        }
    }
}

/// Changes after `cursor`, in server order, at most one per record; a kind this server no longer
/// knows is skipped, and the cursor still moves past it.
pub async fn pull(
    rows: &impl SyncRows,
    employee: &NationalId,
    cursor: u64,
    limit: u32,
) -> anyhow::Result<PullResponse> {
    let found = rows.changes_after(employee, cursor, limit).await?;
    let mut changes = Vec::with_capacity(found.len());
    let mut next = cursor;
    for ChangeRow { seq, kind, record_id } in found {
        next = next.max(seq);
        let change = match (RecordKind::parse(&kind), record_id) {
            (Some(RecordKind::Profile), _) => {
                rows.profile(employee, false).await?.map(|(profile, version)| Change::Profile {
                    seq,
                    id: employee.to_string(),
                    version,
                    profile: Box::new(profile),
                })
            }
            (Some(RecordKind::Qualification), Some(id)) => {
                rows.qualification(&id).await?.map(|found| Change::Qualification {
                    seq,
                    id,
                    version: found.version,
                    qualification: Box::new(found.record),
                })
            }
            (Some(RecordKind::Application), Some(id)) => rows.application(&id).await?.map(|found| {
                Change::Application { seq, id, version: found.version, application: Box::new(found.record) }
            }),
            _ => None,
        };
        changes.extend(change);
    }
    let has_more = rows.has_changes_after(employee, next).await?;
    Ok(PullResponse { changes, cursor: next, has_more })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(fingerprint: &str, outcome: &str) -> Option<StoredResult> {
        Some(StoredResult { fingerprint: fingerprint.to_owned(), outcome: outcome.to_owned() })
    }

    #[test]
    fn a_resend_gets_the_stored_result_and_a_reused_id_is_named() {
        let table = [
            // (fingerprint sent, what is stored, expected outcome)
            (
                "aa",
                stored("aa", r#"{"outcome":"applied","version":7}"#),
                MutationOutcome::Applied { version: 7 },
            ),
            ("bb", stored("aa", r#"{"outcome":"applied","version":7}"#), MutationOutcome::IdReused),
            ("aa", None, MutationOutcome::IdReused),
        ];
        for (sent, stored, expected) in table {
            assert_eq!(replay(sent, stored).unwrap(), expected, "sent {sent}");
        }
    }

    #[test]
    fn a_stored_result_that_is_not_an_outcome_is_an_error_not_a_guess() {
        assert!(replay("aa", stored("aa", "{}")).is_err());
    }

    #[test]
    fn a_client_belongs_to_the_employee_who_first_pushed_through_it() {
        let employee = NationalId::parse("1000000008").unwrap();
        assert!(owns_client("1000000008", &employee));
        assert!(!owns_client("2000000006", &employee));
    }

    #[test]
    fn the_fingerprint_is_sha256_of_the_mutation_as_sent() {
        use masar_protocol::training::ApplicationRequest;
        use sha2::{Digest, Sha256};
        let request = ApplicationRequest {
            id: "0123456789abcdef0123456789abcdef".to_owned(),
            opportunity_id: "op-1".to_owned(),
            receipt: "R-1".to_owned(),
        };
        let mutation = Mutation {
            id: 3,
            base_version: 1,
            fields: vec![],
            body: MutationBody::ApplyForOpportunity(request),
        };
        let sent = serde_json::to_vec(&mutation).unwrap();
        assert_eq!(fingerprint(&mutation).unwrap(), hex::encode(Sha256::digest(&sent)));
        let other = Mutation { id: 4, ..mutation };
        assert_ne!(fingerprint(&other).unwrap(), hex::encode(Sha256::digest(&sent)));
    }
}
