//! What every business transaction reads and writes of an employee's record: the profile and who
//! last changed each field, the change rows a pull follows, the audit log, and the employee's
//! lock. A profile edit (an employee's through sync, or HR's) is one script over these.

use masar_protocol::sync::{MutationBody, MutationOutcome, RecordKind};
use masar_protocol::{EmployeeProfile, NationalId};

use super::edits::{self, Actor, EditPlan, FieldChange};
use super::hr_authority::{Act, authorize};
use crate::storage::{Caller, Refusal};

/// One line of the audit log. Never a secret: the event, the outcome, whose, from where.
#[derive(Debug, Clone, Copy)]
pub struct Audit<'a> {
    pub at_ms: i64,
    pub event: &'a str,
    pub outcome: &'a str,
    pub subject: Option<&'a NationalId>,
    /// The client's network address (empty when the server itself acted).
    pub client: &'a str,
}

impl<'a> Audit<'a> {
    /// An entry for a request of `caller`.
    pub fn of(caller: &'a Caller, event: &'a str, outcome: &'a str, subject: Option<&'a NationalId>) -> Self {
        Self { at_ms: caller.now_ms, event, outcome, subject, client: &caller.address }
    }
}

/// The rows of an employee's record, inside the store's transaction.
#[allow(async_fn_in_trait, reason = "crate-internal: each store's futures are checked where they run")]
pub trait RecordRows {
    /// Serialises every change of this employee (PostgreSQL locks the row; SQLite's immediate
    /// transaction already holds the one write lock).
    async fn lock_employee(&self, owner: &str) -> anyhow::Result<()>;

    /// The profile and its version; `lock` also takes the employee's lock.
    async fn profile(&self, id: &NationalId, lock: bool) -> anyhow::Result<Option<(EmployeeProfile, u64)>>;

    /// The version that last changed each field, and the sync client that changed it.
    async fn field_changes(&self, id: &NationalId) -> anyhow::Result<Vec<FieldChange>>;

    /// Stores the profile's next version: `next` is the whole profile, `changed` the fields (wire
    /// name, value) that changed, recorded as changed by `client` (none for HR).
    async fn write_profile(
        &self,
        id: &NationalId,
        next: &EmployeeProfile,
        changed: &[(&'static str, String)],
        version: u64,
        client: Option<&str>,
    ) -> anyhow::Result<()>;

    /// A change row for the owner's next pull.
    async fn note_change(
        &self,
        owner: &str,
        kind: RecordKind,
        record_id: Option<&str>,
        version: u64,
        now_ms: i64,
    ) -> anyhow::Result<()>;

    async fn audit(&self, entry: Audit<'_>) -> anyhow::Result<()>;
}

/// Applies an edit to an employee's profile: the shared plan (checks, who may change what,
/// conflicts by field), then the next version and its change row. `None` when there is no such
/// employee.
pub async fn edit_profile(
    rows: &impl RecordRows,
    id: &NationalId,
    base_version: u64,
    body: &MutationBody,
    touched: &[String],
    actor: Actor<'_>,
    now_ms: i64,
) -> anyhow::Result<Option<MutationOutcome>> {
    let Some((profile, version)) = rows.profile(id, true).await? else { return Ok(None) };
    let history = rows.field_changes(id).await?;
    let changed = match edits::plan(&profile, base_version, body, touched, actor, &history) {
        EditPlan::Rejected(errors) => return Ok(Some(MutationOutcome::Rejected { errors })),
        EditPlan::Conflict(fields) => {
            return Ok(Some(MutationOutcome::Conflict { fields, server: Box::new(profile), version }));
        }
        EditPlan::Unchanged => return Ok(Some(MutationOutcome::Applied { version })),
        EditPlan::Write(changed) => changed,
    };
    let next = version + 1;
    let client = actor.client();
    rows.write_profile(id, &edits::with_values(&profile, &changed), &changed, next, client.as_deref())
        .await?;
    rows.note_change(id.as_str(), RecordKind::Profile, None, next, now_ms).await?;
    Ok(Some(MutationOutcome::Applied { version: next }))
}

/// An HR officer's edit of an employee's data (employment data included), within the officer's
/// authority (`hr_authority`), audited under the officer; `None` when there is no such employee.
pub async fn hr_update(
    rows: &impl RecordRows,
    officer: &NationalId,
    employee: &NationalId,
    base_version: u64,
    body: &MutationBody,
    caller: &Caller,
) -> anyhow::Result<Result<Option<MutationOutcome>, Refusal>> {
    if let Err(refusal) = authorize(rows, Act::Change, officer, employee, "hr_update", caller).await? {
        return Ok(Err(refusal));
    }
    let outcome = edit_profile(rows, employee, base_version, body, &[], Actor::Hr, caller.now_ms).await?;
    if let Some(outcome) = &outcome {
        // The audit row names the officer; the employee is in the change row.
        rows.audit(Audit::of(caller, "hr_update", outcome.label(), Some(officer))).await?;
    }
    Ok(Ok(outcome))
}
