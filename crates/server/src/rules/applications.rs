//! Applying for training and scholarships on the server: an application checked on the server's
//! own date (deadline, rank, once per opportunity) and stored with a transaction number, and the
//! training administration's decision within the opportunity's seats.

use masar_protocol::NationalId;
use masar_protocol::activity::ActivityDetail;
use masar_protocol::qualification;
use masar_protocol::record::Opportunity;
use masar_protocol::sync::{MutationOutcome, RecordKind};
use masar_protocol::training::{
    self, ApplicationDecision, ApplicationRecord, ApplicationRequest, ApplicationStatus,
};

use super::hr_authority::{Act, authorize};
use super::records::{Audit, RecordRows};
use super::{DecisionRow, Stored, transaction_number, utc};
use crate::storage::{Caller, Decided};

/// A new application as stored (received, version 1).
#[derive(Debug)]
pub struct NewApplication<'a> {
    pub owner: &'a NationalId,
    pub request: &'a ApplicationRequest,
    pub seq: i64,
    pub number: String,
    pub now_ms: i64,
}

/// How the seats of an opportunity stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seats {
    pub accepted: i64,
    pub total: i64,
}

/// The rows of applications, inside the store's transaction.
#[allow(async_fn_in_trait, reason = "crate-internal: each store's futures are checked where they run")]
pub trait ApplicationRows: RecordRows {
    async fn application(&self, id: &str) -> anyhow::Result<Option<Stored<ApplicationRecord>>>;

    /// Whose application this is and for which opportunity (read before the locks are taken).
    async fn application_owner(&self, id: &str) -> anyhow::Result<Option<(String, String)>>;

    async fn opportunity(&self, id: &str) -> anyhow::Result<Option<Opportunity>>;

    async fn has_applied(&self, owner: &NationalId, opportunity: &str) -> anyhow::Result<bool>;

    /// The next transaction number's sequence (never handed out twice, even by two nodes).
    async fn next_application_seq(&self) -> anyhow::Result<i64>;

    async fn insert_application(&self, new: &NewApplication<'_>) -> anyhow::Result<()>;

    /// The opportunity's seats, held until the transaction ends (two officers never fill one
    /// seat twice).
    async fn seats(&self, opportunity: &str) -> anyhow::Result<Seats>;

    async fn decide_application(&self, id: &str, decision: &DecisionRow<'_>) -> anyhow::Result<()>;
}

/// An application id seen before: the same employee's same application again (a resend under a
/// new mutation id) is the one stored; anything else reused the id.
pub fn seen_before(
    stored: &Stored<ApplicationRecord>,
    employee: &NationalId,
    request: &ApplicationRequest,
) -> MutationOutcome {
    if stored.owner == employee.as_str() && stored.record.opportunity_id == request.opportunity_id {
        MutationOutcome::Applied { version: stored.version }
    } else {
        MutationOutcome::IdReused
    }
}

/// What the administration's decision does to an application in `state`, with the seats as they
/// stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    AlreadyDecided,
    /// Declining needs its reason (trimmed, 1–500 characters).
    ReasonRequired,
    /// Every seat is taken.
    NoSeats,
    Set {
        state: ApplicationStatus,
        reason: Option<String>,
    },
}

pub fn verdict(state: ApplicationStatus, decision: &ApplicationDecision, seats: Seats) -> Verdict {
    if state != ApplicationStatus::Received {
        return Verdict::AlreadyDecided;
    }
    match decision {
        ApplicationDecision::Accept if seats.accepted >= seats.total => Verdict::NoSeats,
        ApplicationDecision::Accept => Verdict::Set { state: ApplicationStatus::Accepted, reason: None },
        ApplicationDecision::Decline { reason } => match qualification::reason(reason) {
            Some(reason) => {
                Verdict::Set { state: ApplicationStatus::Declined, reason: Some(reason.to_owned()) }
            }
            None => Verdict::ReasonRequired,
        },
    }
}

/// The employee's application, checked by the shared rules on the server's date, then stored as
/// received with a transaction number.
pub async fn apply(
    rows: &impl ApplicationRows,
    employee: &NationalId,
    request: &ApplicationRequest,
    caller: &Caller,
) -> anyhow::Result<MutationOutcome> {
    // The employee's lock first: two applications of theirs are checked one after the other.
    let rank = rows.profile(employee, true).await?.map_or(0, |(profile, _)| profile.rank);
    if let Some(stored) = rows.application(&request.id).await? {
        return Ok(seen_before(&stored, employee, request));
    }
    let opportunity = rows.opportunity(&request.opportunity_id).await?;
    let applied_already = rows.has_applied(employee, &request.opportunity_id).await?;
    let today = utc(caller.now_ms).date_naive();
    if let Err(errors) = training::check(request, opportunity.as_ref(), rank, today, applied_already) {
        rows.audit(Audit::of(caller, "application_submitted", "rejected", Some(employee))).await?;
        return Ok(MutationOutcome::Rejected { errors });
    }
    let seq = rows.next_application_seq().await?;
    let number = transaction_number("TR-", caller.now_ms, seq);
    rows.insert_application(&NewApplication { owner: employee, request, seq, number, now_ms: caller.now_ms })
        .await?;
    rows.note_change(employee.as_str(), RecordKind::Application, Some(&request.id), 1, caller.now_ms).await?;
    rows.audit(Audit::of(caller, "application_submitted", "received", Some(employee)).about(employee))
        .await?;
    Ok(MutationOutcome::Applied { version: 1 })
}

/// Accepts (while seats remain) or declines (with the reason) a received application; audited,
/// and a change for the applicant.
pub async fn decide(
    rows: &impl ApplicationRows,
    officer: &NationalId,
    id: &str,
    decision: &ApplicationDecision,
    caller: &Caller,
) -> anyhow::Result<Decided<ApplicationRecord>> {
    let Some((owner, opportunity)) = rows.application_owner(id).await? else { return Ok(Decided::Missing) };
    rows.lock_employee(&owner).await?;
    let owner_id =
        NationalId::parse(&owner).map_err(|_| anyhow::anyhow!("a stored owner is not a national ID"))?;
    if let Err(refusal) =
        authorize(rows, Act::Change, officer, &owner_id, "application_decision", caller).await?
    {
        return Ok(Decided::Refused(refusal));
    }
    let seats = rows.seats(&opportunity).await?;
    let Some(current) = rows.application(id).await? else { return Ok(Decided::Missing) };
    let (state, reason) = match verdict(current.record.state, decision, seats) {
        Verdict::AlreadyDecided => return Ok(Decided::AlreadyDecided(Box::new(current.record))),
        Verdict::ReasonRequired => return Ok(Decided::ReasonRequired),
        Verdict::NoSeats => return Ok(Decided::NoSeats),
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
    rows.decide_application(id, &row).await?;
    rows.note_change(&current.owner, RecordKind::Application, Some(id), version, caller.now_ms).await?;
    let event = format!("application_{}", state.as_str());
    let detail = ActivityDetail { changes: Vec::new(), reason: reason.clone() };
    rows.audit(Audit::of(caller, &event, id, Some(officer)).about(&owner_id).with(&detail)?).await?;
    let decided =
        rows.application(id).await?.ok_or_else(|| anyhow::anyhow!("the application just decided is gone"))?;
    Ok(Decided::Done(Box::new(decided.record)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationStatus::{Accepted, Declined, Received};

    fn decline(reason: &str) -> ApplicationDecision {
        ApplicationDecision::Decline { reason: reason.to_owned() }
    }

    const OPEN: Seats = Seats { accepted: 2, total: 3 };
    const FULL: Seats = Seats { accepted: 3, total: 3 };

    #[test]
    fn a_received_application_is_accepted_within_the_seats_or_declined_with_a_reason() {
        let table = [
            (Received, ApplicationDecision::Accept, OPEN, Verdict::Set { state: Accepted, reason: None }),
            (Received, ApplicationDecision::Accept, FULL, Verdict::NoSeats),
            (Received, ApplicationDecision::Accept, Seats { accepted: 4, total: 3 }, Verdict::NoSeats),
            (Received, ApplicationDecision::Accept, Seats { accepted: 0, total: 0 }, Verdict::NoSeats),
            (
                Received,
                decline(" اكتمل العدد "),
                FULL,
                Verdict::Set { state: Declined, reason: Some("اكتمل العدد".to_owned()) },
            ),
            (Received, decline(""), OPEN, Verdict::ReasonRequired),
            (Received, decline(&"ع".repeat(501)), OPEN, Verdict::ReasonRequired),
            (Accepted, ApplicationDecision::Accept, OPEN, Verdict::AlreadyDecided),
            (Declined, decline("مرة أخرى"), OPEN, Verdict::AlreadyDecided),
            (Accepted, decline(""), FULL, Verdict::AlreadyDecided),
        ];
        for (state, decision, seats, expected) in table {
            assert_eq!(verdict(state, &decision, seats), expected, "{state:?} {decision:?} {seats:?}");
        }
    }

    #[test]
    fn an_id_seen_before_is_the_same_application_only_for_its_owner_and_opportunity() {
        let owner = NationalId::parse("1000000008").unwrap();
        let other = NationalId::with_check_digit("100000001").unwrap();
        let request = ApplicationRequest {
            id: "0123456789abcdef0123456789abcdef".to_owned(),
            opportunity_id: "op-1".to_owned(),
            receipt: "R-1".to_owned(),
        };
        let record = ApplicationRecord {
            id: request.id.clone(),
            opportunity_id: "op-1".to_owned(),
            receipt: "R-1".to_owned(),
            transaction_number: "TR-2026-000001".to_owned(),
            state: Received,
            reason: None,
            submitted_at: utc(0),
            decided_at: None,
        };
        let stored = Stored { record, version: 2, owner: "1000000008".to_owned() };
        assert_eq!(seen_before(&stored, &owner, &request), MutationOutcome::Applied { version: 2 });
        assert_eq!(seen_before(&stored, &other, &request), MutationOutcome::IdReused);
        let elsewhere = ApplicationRequest { opportunity_id: "op-2".to_owned(), ..request };
        assert_eq!(seen_before(&stored, &owner, &elsewhere), MutationOutcome::IdReused);
    }
}
