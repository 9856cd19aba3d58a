//! What every business transaction reads and writes of an employee's record: the profile and who
//! last changed each field, the change rows a pull follows, the audit log, and the employee's
//! lock. A profile edit (an employee's through sync, or HR's) is one script over these.

use masar_protocol::activity::{ActivityDetail, ChangedValue};
use masar_protocol::sync::{MutationBody, MutationOutcome, RecordKind};
use masar_protocol::{EmployeeProfile, NationalId};

use super::edits::{self, Actor, EditPlan, FieldChange};
use super::hr_authority::{Act, authorize};
use crate::storage::{Caller, Refusal};

/// One line of the audit log. Never a secret: the event, the outcome, whose, from where.
#[derive(Debug, Clone)]
pub struct Audit<'a> {
    pub at_ms: i64,
    pub event: &'a str,
    pub outcome: &'a str,
    /// The account that acted (or tried to).
    pub subject: Option<&'a NationalId>,
    /// The client's network address (empty when the server itself acted).
    pub client: &'a str,
    /// The employee the entry is about, when it is about one's record: their trail.
    pub about: Option<&'a NationalId>,
    /// What it changed and why (`ActivityDetail` as JSON).
    pub detail: Option<String>,
}

impl<'a> Audit<'a> {
    /// An entry for a request of `caller`.
    pub fn of(caller: &'a Caller, event: &'a str, outcome: &'a str, subject: Option<&'a NationalId>) -> Self {
        Self {
            at_ms: caller.now_ms,
            event,
            outcome,
            subject,
            client: &caller.address,
            about: None,
            detail: None,
        }
    }

    /// The entry in `employee`'s trail.
    #[must_use]
    pub fn about(self, employee: &'a NationalId) -> Self {
        Self { about: Some(employee), ..self }
    }

    /// With what was changed and the reason given.
    pub fn with(self, detail: &ActivityDetail) -> anyhow::Result<Self> {
        let detail =
            (*detail != ActivityDetail::default()).then(|| serde_json::to_string(detail)).transpose()?;
        Ok(Self { detail, ..self })
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
    let changed = change_profile(rows, id, base_version, body, touched, actor, now_ms).await?;
    Ok(changed.map(|(outcome, _)| outcome))
}

/// Who changes a record, why, and through which request: the change's line in the employee's
/// trail.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub by: &'a NationalId,
    pub reason: Option<&'a str>,
    pub caller: &'a Caller,
}

/// [`edit_profile`], and the change in the employee's trail: each field before and after, who
/// changed it and, for HR, why.
pub async fn edit_profile_by(
    rows: &impl RecordRows,
    id: &NationalId,
    base_version: u64,
    body: &MutationBody,
    touched: &[String],
    actor: Actor<'_>,
    author: Author<'_>,
) -> anyhow::Result<Option<MutationOutcome>> {
    let caller = author.caller;
    let Some((outcome, changes)) =
        change_profile(rows, id, base_version, body, touched, actor, caller.now_ms).await?
    else {
        return Ok(None);
    };
    if !changes.is_empty() {
        let detail = ActivityDetail { changes, reason: author.reason.map(str::to_owned) };
        rows.audit(Audit::of(caller, "profile_changed", "applied", Some(author.by)).about(id).with(&detail)?)
            .await?;
    }
    Ok(Some(outcome))
}

/// The edit applied, and the values it changed (before and after).
async fn change_profile(
    rows: &impl RecordRows,
    id: &NationalId,
    base_version: u64,
    body: &MutationBody,
    touched: &[String],
    actor: Actor<'_>,
    now_ms: i64,
) -> anyhow::Result<Option<(MutationOutcome, Vec<ChangedValue>)>> {
    let Some((profile, version)) = rows.profile(id, true).await? else { return Ok(None) };
    let history = rows.field_changes(id).await?;
    let changed = match edits::plan(&profile, base_version, body, touched, actor, &history) {
        EditPlan::Rejected(errors) => return Ok(Some((MutationOutcome::Rejected { errors }, Vec::new()))),
        EditPlan::Conflict(fields) => {
            let conflict = MutationOutcome::Conflict { fields, server: Box::new(profile), version };
            return Ok(Some((conflict, Vec::new())));
        }
        EditPlan::Unchanged => return Ok(Some((MutationOutcome::Applied { version }, Vec::new()))),
        EditPlan::Write(changed) => changed,
    };
    let next = version + 1;
    let client = actor.client();
    rows.write_profile(id, &edits::with_values(&profile, &changed), &changed, next, client.as_deref())
        .await?;
    rows.note_change(id.as_str(), RecordKind::Profile, None, next, now_ms).await?;
    let values = edits::before_and_after(&profile, &changed);
    Ok(Some((MutationOutcome::Applied { version: next }, values)))
}

/// An HR officer's edit of an employee's data (employment data included), within the officer's
/// authority (`hr_authority`), audited under the officer; `None` when there is no such employee.
pub async fn hr_update(
    rows: &impl RecordRows,
    officer: &NationalId,
    employee: &NationalId,
    base_version: u64,
    body: &MutationBody,
    reason: &str,
    caller: &Caller,
) -> anyhow::Result<Result<Option<MutationOutcome>, Refusal>> {
    if let Err(refusal) = authorize(rows, Act::Change, officer, employee, "hr_update", caller).await? {
        return Ok(Err(refusal));
    }
    let author = Author { by: officer, reason: Some(reason), caller };
    let outcome = edit_profile_by(rows, employee, base_version, body, &[], Actor::Hr, author).await?;
    if let Some(outcome) = &outcome {
        // The outcome under the officer; what changed is in the employee's trail.
        rows.audit(Audit::of(caller, "hr_update", outcome.label(), Some(officer)).about(employee)).await?;
    }
    Ok(Ok(outcome))
}
