//! Applications for training and scholarships in PostgreSQL: checked on the server's date,
//! stored with a transaction number, listed and decided by the training administration (the
//! opportunity's row locked while counting its seats, so two officers never fill one seat twice).

use chrono::{DateTime, Datelike, Utc};
use deadpool_postgres::GenericClient;
use masar_protocol::NationalId;
use masar_protocol::qualification;
use masar_protocol::sync::{MutationOutcome, RecordKind};
use masar_protocol::training::{
    self, Applicant, ApplicantFilter, ApplicationDecision, ApplicationRecord, ApplicationRequest,
    ApplicationStatus,
};
use tokio_postgres::Row;

use super::auth::audit;
use super::db::{exec, one, opt, rows, signed, unsigned};
use super::records;
use super::sync::{lock_employee, note_change};
use crate::storage::Decided;

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

const COLUMNS: &str = "id, opportunity_id, receipt, transaction_number, state, reason, submitted_ms, decided_ms, version, owner";

fn application(row: &Row) -> (ApplicationRecord, u64, String) {
    let state: String = row.get(4);
    let record = ApplicationRecord {
        id: row.get(0),
        opportunity_id: row.get(1),
        receipt: row.get(2),
        transaction_number: row.get(3),
        state: ApplicationStatus::parse(&state).unwrap_or(ApplicationStatus::Received),
        reason: row.get(5),
        submitted_at: time(row.get(6)),
        decided_at: row.get::<_, Option<i64>>(7).map(time),
    };
    (record, unsigned(row.get(8)), row.get(9))
}

pub async fn load(
    tx: &impl GenericClient,
    id: &str,
) -> anyhow::Result<Option<(ApplicationRecord, u64, String)>> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = $1");
    Ok(opt(tx, &sql, &[&id]).await?.as_ref().map(application))
}

/// The employee's application, checked by the shared rules on the server's date.
pub async fn apply(
    tx: &impl GenericClient,
    employee: &NationalId,
    request: &ApplicationRequest,
    now_ms: i64,
    from: &str,
) -> anyhow::Result<MutationOutcome> {
    // The employee's lock first: two applications of theirs are checked one after the other.
    let rank = records::load_profile(tx, employee, true).await?.map_or(0, |(profile, _)| profile.rank);
    if let Some((existing, version, owner)) = load(tx, &request.id).await? {
        let same = owner == employee.as_str() && existing.opportunity_id == request.opportunity_id;
        return Ok(if same { MutationOutcome::Applied { version } } else { MutationOutcome::IdReused });
    }
    let opportunity = records::opportunity(tx, &request.opportunity_id).await?;
    let applied_already: bool = one(
        tx,
        "SELECT EXISTS (SELECT 1 FROM applications WHERE owner = $1 AND opportunity_id = $2)",
        &[&employee.as_str(), &request.opportunity_id],
    )
    .await?
    .get(0);
    let today = time(now_ms).date_naive();
    if let Err(errors) = training::check(request, opportunity.as_ref(), rank, today, applied_already) {
        audit(tx, now_ms, "application_submitted", "rejected", Some(employee), from).await?;
        return Ok(MutationOutcome::Rejected { errors });
    }
    let seq: i64 = one(tx, "SELECT nextval('application_numbers')", &[]).await?.get(0);
    let number = format!("TR-{}-{seq:06}", time(now_ms).year());
    exec(
        tx,
        "INSERT INTO applications (id, owner, opportunity_id, number_seq, transaction_number, receipt, state,
             submitted_ms, version)
         VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, 1)",
        &[&request.id, &employee.as_str(), &request.opportunity_id, &seq, &number, &request.receipt, &now_ms],
    )
    .await?;
    note_change(tx, employee.as_str(), RecordKind::Application, Some(&request.id), 1, now_ms).await?;
    audit(tx, now_ms, "application_submitted", "received", Some(employee), from).await?;
    Ok(MutationOutcome::Applied { version: 1 })
}

pub async fn applicants(tx: &impl GenericClient, filter: &ApplicantFilter) -> anyhow::Result<Vec<Applicant>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications
         WHERE ($1::text IS NULL OR opportunity_id = $1) AND ($2::text IS NULL OR state = $2)
         ORDER BY submitted_ms, id"
    );
    let state = filter.state.map(ApplicationStatus::as_str);
    let rows = rows(tx, &sql, &[&filter.opportunity, &state]).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let (application, _, owner) = application(row);
        let Ok(national_id) = NationalId::parse(&owner) else { continue };
        let Some((profile, _)) = records::load_profile(tx, &national_id, false).await? else { continue };
        out.push(Applicant { national_id, name_ar: profile.name_ar, rank: profile.rank, application });
    }
    Ok(out)
}

pub async fn decide(
    tx: &impl GenericClient,
    officer: &NationalId,
    id: &str,
    decision: &ApplicationDecision,
    now_ms: i64,
    from: &str,
) -> anyhow::Result<Decided<ApplicationRecord>> {
    let Some(row) = opt(tx, "SELECT owner, opportunity_id FROM applications WHERE id = $1", &[&id]).await?
    else {
        return Ok(Decided::Missing);
    };
    let (owner, opportunity): (String, String) = (row.get(0), row.get(1));
    lock_employee(tx, &owner).await?;
    let seats: i64 = one(
        tx,
        "SELECT (doc->>'seats')::bigint FROM opportunities WHERE id = $1 FOR NO KEY UPDATE",
        &[&opportunity],
    )
    .await?
    .get(0);
    let Some((current, version, _)) = load(tx, id).await? else { return Ok(Decided::Missing) };
    if current.state != ApplicationStatus::Received {
        return Ok(Decided::AlreadyDecided(Box::new(current)));
    }
    let (state, reason) = match decision {
        ApplicationDecision::Accept => {
            let accepted: i64 = one(
                tx,
                "SELECT count(*) FROM applications WHERE opportunity_id = $1 AND state = 'accepted'",
                &[&opportunity],
            )
            .await?
            .get(0);
            if accepted >= seats {
                return Ok(Decided::NoSeats);
            }
            (ApplicationStatus::Accepted, None)
        }
        ApplicationDecision::Decline { reason } => {
            let Some(reason) = qualification::reason(reason) else { return Ok(Decided::ReasonRequired) };
            (ApplicationStatus::Declined, Some(reason.to_owned()))
        }
    };
    let next = version + 1;
    exec(tx,
        "UPDATE applications SET state = $2, reason = $3, decided_ms = $4, decided_by = $5, version = $6 WHERE id = $1",
        &[&id, &state.as_str(), &reason, &now_ms, &officer.as_str(), &signed(next)],
    )
    .await?;
    note_change(tx, &owner, RecordKind::Application, Some(id), next, now_ms).await?;
    audit(tx, now_ms, &format!("application_{}", state.as_str()), id, Some(officer), from).await?;
    let (decided, _, _) =
        load(tx, id).await?.ok_or_else(|| anyhow::anyhow!("the application just decided is gone"))?;
    Ok(Decided::Done(Box::new(decided)))
}
