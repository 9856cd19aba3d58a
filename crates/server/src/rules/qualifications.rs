//! توثيق المؤهل on the server: a submission checked (its content by the shared rules, each file as
//! verified and sent by this employee) and stored under review with a transaction number, and
//! HR's decision on it.

use masar_protocol::activity::ActivityDetail;
use masar_protocol::attachments::AttachmentLimits;
use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{
    self, Decision, QualificationRecord, QualificationStatus, QualificationSubmission,
};
use masar_protocol::qualification_fields::QualificationField;
use masar_protocol::sync::{MutationOutcome, RecordKind};
use masar_protocol::validate::{FieldError, FieldProblem};
use masar_protocol::{NationalId, Qualification, RecordId};

use super::hr_authority::{Act, authorize};
use super::records::{Audit, RecordRows};
use super::{DecisionRow, Stored, transaction_number, utc};
use crate::demo::SeededRequest;
use crate::storage::{Blob, Caller, Decided};

/// A new qualification as stored.
#[derive(Debug)]
pub struct NewQualification<'a> {
    pub owner: &'a NationalId,
    pub submission: &'a QualificationSubmission,
    pub seq: i64,
    pub number: String,
    pub now_ms: i64,
}

/// The rows of qualifications, inside the store's transaction.
#[allow(async_fn_in_trait, reason = "crate-internal: each store's futures are checked where they run")]
pub trait QualificationRows: RecordRows {
    async fn qualification(&self, id: &str) -> anyhow::Result<Option<Stored<QualificationRecord>>>;

    /// Whose qualification this is (read before the owner's lock is taken).
    async fn qualification_owner(&self, id: &str) -> anyhow::Result<Option<String>>;

    /// A verified blob this employee has sent.
    async fn owned_blob(&self, sha256: &str, owner: &NationalId) -> anyhow::Result<Option<Blob>>;

    /// The next transaction number's sequence (never handed out twice, even by two nodes).
    async fn next_qualification_seq(&self) -> anyhow::Result<i64>;

    async fn insert_qualification(&self, new: &NewQualification<'_>) -> anyhow::Result<()>;

    /// The same id submitted again (an amendment): under review again as `version`.
    async fn resubmit_qualification(
        &self,
        submission: &QualificationSubmission,
        now_ms: i64,
        version: u64,
    ) -> anyhow::Result<()>;

    async fn decide_qualification(&self, id: &str, decision: &DecisionRow<'_>) -> anyhow::Result<()>;

    /// The qualifications on the employee's record (seeded with it, changed by verified updates).
    async fn record_qualifications(&self, owner: &NationalId) -> anyhow::Result<Vec<Qualification>>;

    /// One of them written back under its id, as a decision on its update leaves it.
    async fn replace_record_qualification(
        &self,
        owner: &NationalId,
        qualification: &Qualification,
    ) -> anyhow::Result<()>;
}

/// What is wrong with a submission: its content by the shared rules on the server's date, its id,
/// and each file that this employee has not sent (verified) with the size and kind it claims.
/// `sent` holds, for each attachment in order, the blob this employee sent with its hash.
pub fn problems(
    submission: &QualificationSubmission,
    limits: &AttachmentLimits,
    now_ms: i64,
    sent: &[Option<Blob>],
) -> Vec<FieldError> {
    let mut errors = qualification::check(submission, limits, utc(now_ms).date_naive());
    if RecordId::parse(&submission.id).is_none() {
        errors.push(FieldError::new(QualificationField::Id.as_str(), FieldProblem::Required));
    }
    for (index, attachment) in submission.attachments.iter().enumerate() {
        let blob = sent.get(index).and_then(Option::as_ref);
        if !blob.is_some_and(|blob| blob.size == attachment.size && blob.kind == attachment.kind) {
            errors
                .push(FieldError::new(&QualificationField::attachment(index), FieldProblem::FileNotUploaded));
        }
    }
    errors
}

/// The state HR's queue lists: under review unless the filter asks for another.
pub fn queue_state(filter: &ReviewFilter) -> QualificationStatus {
    filter.state.unwrap_or(QualificationStatus::UnderReview)
}

/// Whether HR's queue shows an item of its state: of the filter's level, and matching its words
/// (the employee's name or ID, the major or institution; see `ReviewItem::matches`).
pub fn shown(filter: &ReviewFilter, item: &ReviewItem) -> bool {
    let query = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
    filter.level.is_none_or(|level| level == item.qualification.details.level)
        && query.as_deref().is_none_or(|q| item.matches(q))
}

/// What HR's decision does to a qualification in `state` at `version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Only one under review is decided: this one was decided already.
    AlreadyDecided,
    /// The employee sent a new version after the officer read theirs: nothing is decided unseen.
    ChangedSinceRead {
        current: u64,
    },
    /// A rejection needs its reason (trimmed, 1–500 characters).
    ReasonRequired,
    Set {
        state: QualificationStatus,
        reason: Option<String>,
    },
}

pub fn verdict(state: QualificationStatus, version: u64, decision: &Decision) -> Verdict {
    if state != QualificationStatus::UnderReview {
        return Verdict::AlreadyDecided;
    }
    if decision.read_version() != version {
        return Verdict::ChangedSinceRead { current: version };
    }
    match decision {
        Decision::Verify { .. } => Verdict::Set { state: QualificationStatus::Verified, reason: None },
        Decision::Reject { reason, .. } => match qualification::reason(reason) {
            Some(reason) => {
                Verdict::Set { state: QualificationStatus::Rejected, reason: Some(reason.to_owned()) }
            }
            None => Verdict::ReasonRequired,
        },
    }
}

/// What HR's decision on an update (تحديث المؤهل) does to the qualification on the record:
/// verified, it takes the request's details and is verified; rejected, one that was itself
/// waiting for review is rejected with the reason, one already verified stays as it was.
pub fn record_after(
    decided: QualificationStatus,
    reason: Option<&str>,
    request: &qualification::QualificationDetails,
    on_record: &Qualification,
) -> Option<Qualification> {
    match decided {
        QualificationStatus::Verified => Some(Qualification {
            status: QualificationStatus::Verified,
            rejection_reason: None,
            ..request.onto_record(on_record)
        }),
        QualificationStatus::Rejected if on_record.status == QualificationStatus::UnderReview => {
            Some(Qualification {
                status: QualificationStatus::Rejected,
                rejection_reason: reason.map(str::to_owned),
                ..on_record.clone()
            })
        }
        _ => None,
    }
}

/// The employee's submission (new, or amending the same id), stored under review.
pub async fn submit(
    rows: &impl QualificationRows,
    employee: &NationalId,
    submission: &QualificationSubmission,
    limits: &AttachmentLimits,
    caller: &Caller,
) -> anyhow::Result<MutationOutcome> {
    let mut sent = Vec::with_capacity(submission.attachments.len());
    for attachment in &submission.attachments {
        sent.push(rows.owned_blob(&attachment.sha256, employee).await?);
    }
    let mut errors = problems(submission, limits, caller.now_ms, &sent);
    if let Some(updated) = &submission.updates {
        // An update names a qualification of this employee's own record.
        if !rows.record_qualifications(employee).await?.iter().any(|q| &q.id == updated) {
            errors.push(FieldError::new(QualificationField::Updates.as_str(), FieldProblem::NotOnRecord));
        }
    }
    if !errors.is_empty() {
        rows.audit(Audit::of(caller, "qualification_submitted", "rejected", Some(employee))).await?;
        return Ok(MutationOutcome::Rejected { errors });
    }
    rows.lock_employee(employee.as_str()).await?;
    let version = match rows.qualification(&submission.id).await? {
        Some(stored) if stored.owner != employee.as_str() => return Ok(MutationOutcome::IdReused),
        Some(stored) if stored.record.state == QualificationStatus::Verified => {
            // Verified is final: what HR verified stays as it was; a change is a new request.
            rows.audit(Audit::of(caller, "qualification_submitted", "refused_verified", Some(employee)))
                .await?;
            let error = FieldError::new(QualificationField::Id.as_str(), FieldProblem::AlreadyVerified);
            return Ok(MutationOutcome::Rejected { errors: vec![error] });
        }
        Some(stored) => {
            rows.resubmit_qualification(submission, caller.now_ms, stored.version + 1).await?;
            stored.version + 1
        }
        None => {
            let seq = rows.next_qualification_seq().await?;
            let number = transaction_number("", caller.now_ms, seq);
            let new = NewQualification { owner: employee, submission, seq, number, now_ms: caller.now_ms };
            rows.insert_qualification(&new).await?;
            1
        }
    };
    let kind = RecordKind::Qualification;
    rows.note_change(employee.as_str(), kind, Some(&submission.id), version, caller.now_ms).await?;
    rows.audit(Audit::of(caller, "qualification_submitted", "under_review", Some(employee)).about(employee))
        .await?;
    Ok(MutationOutcome::Applied { version })
}

/// The demo's requests under review (details as on the record, no files), stored as if sent at
/// their time, each a change the employee's next pull brings.
pub async fn seed_requests(rows: &impl QualificationRows, requests: &[SeededRequest]) -> anyhow::Result<()> {
    for request in requests {
        let seq = rows.next_qualification_seq().await?;
        let number = transaction_number("", request.submitted_ms, seq);
        let (owner, submission) = (&request.owner, &request.submission);
        let new = NewQualification { owner, submission, seq, number, now_ms: request.submitted_ms };
        rows.insert_qualification(&new).await?;
        let kind = RecordKind::Qualification;
        rows.note_change(owner.as_str(), kind, Some(&submission.id), 1, request.submitted_ms).await?;
    }
    Ok(())
}

/// HR verifies or rejects a qualification under review (the owner's lock held, so a second
/// officer waits and finds it decided); audited, and a change for the owner.
pub async fn decide(
    rows: &impl QualificationRows,
    officer: &NationalId,
    id: &str,
    decision: &Decision,
    caller: &Caller,
) -> anyhow::Result<Decided<QualificationRecord>> {
    let Some(owner) = rows.qualification_owner(id).await? else { return Ok(Decided::Missing) };
    rows.lock_employee(&owner).await?;
    let owner_id =
        NationalId::parse(&owner).map_err(|_| anyhow::anyhow!("a stored owner is not a national ID"))?;
    if let Err(refusal) =
        authorize(rows, Act::Change, officer, &owner_id, "qualification_decision", caller).await?
    {
        return Ok(Decided::Refused(refusal));
    }
    let Some(current) = rows.qualification(id).await? else { return Ok(Decided::Missing) };
    let (state, reason) = match verdict(current.record.state, current.version, decision) {
        Verdict::AlreadyDecided => return Ok(Decided::AlreadyDecided(Box::new(current.record))),
        Verdict::ChangedSinceRead { current: version } => {
            let refused = "refused_changed_since_read";
            rows.audit(Audit::of(caller, "qualification_decision", refused, Some(officer)).about(&owner_id))
                .await?;
            return Ok(Decided::ChangedSinceRead { current: version });
        }
        Verdict::ReasonRequired => return Ok(Decided::ReasonRequired),
        Verdict::Set { state, reason } => (state, reason),
    };
    let version = current.version + 1;
    let row = DecisionRow {
        state: state.as_str(),
        reason: reason.as_deref(),
        officer,
        at_ms: caller.now_ms,
        version,
    };
    rows.decide_qualification(id, &row).await?;
    if let Some(updated) = &current.record.updates {
        let on_record = rows.record_qualifications(&owner_id).await?.into_iter().find(|q| &q.id == updated);
        if let Some(after) =
            on_record.and_then(|q| record_after(state, reason.as_deref(), &current.record.details, &q))
        {
            rows.replace_record_qualification(&owner_id, &after).await?;
        }
    }
    rows.note_change(&current.owner, RecordKind::Qualification, Some(id), version, caller.now_ms).await?;
    let event = format!("qualification_{}", state.as_str());
    let detail = ActivityDetail { changes: Vec::new(), reason: reason.clone() };
    rows.audit(Audit::of(caller, &event, id, Some(officer)).about(&owner_id).with(&detail)?).await?;
    let decided = rows
        .qualification(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the qualification just decided is gone"))?;
    Ok(Decided::Done(Box::new(decided.record)))
}

#[cfg(test)]
#[path = "qualifications_tests.rs"]
mod submission_tests;

#[cfg(test)]
#[path = "qualifications_decision_tests.rs"]
mod decision_tests;
