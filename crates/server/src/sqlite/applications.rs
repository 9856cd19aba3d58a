//! Applications for training and scholarships in SQLite (migration 0009): an employee's
//! application checked on the server's date (deadline, rank, once per opportunity) and stored
//! with a transaction number; the training administration's list and decisions (audited, within
//! the seats), and the record as pull carries it.

use chrono::{DateTime, Datelike, Utc};
use masar_protocol::NationalId;
use masar_protocol::qualification;
use masar_protocol::record::Opportunity;
use masar_protocol::sync::MutationOutcome;
use masar_protocol::training::{
    self, Applicant, ApplicantFilter, ApplicationDecision, ApplicationRecord, ApplicationRequest,
    ApplicationStatus,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::auth::audit;
use super::records;
use crate::storage::Decided;

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

const COLUMNS: &str = "id, opportunity_id, receipt, transaction_number, state, reason, submitted_ms, decided_ms, version, owner";

fn from_row(row: &Row<'_>) -> rusqlite::Result<(ApplicationRecord, u64, String)> {
    let state: String = row.get(4)?;
    let application = ApplicationRecord {
        id: row.get(0)?,
        opportunity_id: row.get(1)?,
        receipt: row.get(2)?,
        transaction_number: row.get(3)?,
        state: ApplicationStatus::parse(&state).unwrap_or(ApplicationStatus::Received),
        reason: row.get(5)?,
        submitted_at: time(row.get(6)?),
        decided_at: row.get::<_, Option<i64>>(7)?.map(time),
    };
    Ok((application, row.get(8)?, row.get(9)?))
}

/// An application and its version, with its owner's national ID.
pub fn load(conn: &Connection, id: &str) -> anyhow::Result<Option<(ApplicationRecord, u64, String)>> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = ?1");
    Ok(conn.query_row(&sql, [id], from_row).optional()?)
}

fn opportunity(conn: &Connection, id: &str) -> anyhow::Result<Option<Opportunity>> {
    Ok(conn.query_row("SELECT * FROM opportunities WHERE id = ?1", [id], records::opportunity).optional()?)
}

fn note_change(conn: &Connection, owner: &str, id: &str, version: u64, now_ms: i64) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO changes (national_id, kind, record_id, version, at) VALUES (?1, 'application', ?2, ?3, ?4)",
        params![owner, id, version, now_ms],
    )?;
    Ok(())
}

/// The employee's application, checked by the shared rules on the server's date, then stored as
/// received with a transaction number. The same id again (a resend under a new mutation id) is
/// the application already stored.
pub fn apply(
    conn: &Connection,
    employee: &NationalId,
    request: &ApplicationRequest,
    now_ms: i64,
    from: &str,
) -> anyhow::Result<MutationOutcome> {
    if let Some((existing, version, owner)) = load(conn, &request.id)? {
        let same = owner == employee.as_str() && existing.opportunity_id == request.opportunity_id;
        return Ok(if same { MutationOutcome::Applied { version } } else { MutationOutcome::IdReused });
    }
    let rank = records::load_profile(conn, employee)?.map_or(0, |(profile, _)| profile.rank);
    let opportunity = opportunity(conn, &request.opportunity_id)?;
    let applied_already: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM applications WHERE owner = ?1 AND opportunity_id = ?2)",
        params![employee.as_str(), request.opportunity_id],
        |row| row.get(0),
    )?;
    let today = time(now_ms).date_naive();
    if let Err(errors) = training::check(request, opportunity.as_ref(), rank, today, applied_already) {
        audit(conn, now_ms, "application_submitted", "rejected", Some(employee), from)?;
        return Ok(MutationOutcome::Rejected { errors });
    }
    let seq: i64 =
        conn.query_row("SELECT COALESCE(MAX(number_seq), 0) + 1 FROM applications", [], |row| row.get(0))?;
    let number = format!("TR-{}-{seq:06}", time(now_ms).year());
    conn.execute(
        "INSERT INTO applications (id, owner, opportunity_id, number_seq, transaction_number, receipt, state,
             submitted_ms, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'received', ?7, 1)",
        params![request.id, employee.as_str(), request.opportunity_id, seq, number, request.receipt, now_ms],
    )?;
    note_change(conn, employee.as_str(), &request.id, 1, now_ms)?;
    audit(conn, now_ms, "application_submitted", "received", Some(employee), from)?;
    Ok(MutationOutcome::Applied { version: 1 })
}

/// The applications the administration decides on: oldest first, filtered.
pub fn applicants(conn: &Connection, filter: &ApplicantFilter) -> anyhow::Result<Vec<Applicant>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications
         WHERE (?1 IS NULL OR opportunity_id = ?1) AND (?2 IS NULL OR state = ?2)
         ORDER BY submitted_ms, id"
    );
    let state = filter.state.map(ApplicationStatus::as_str);
    let rows: Vec<(ApplicationRecord, u64, String)> = conn
        .prepare(&sql)?
        .query_map(params![filter.opportunity, state], from_row)?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (application, _, owner) in rows {
        let Ok(national_id) = NationalId::parse(&owner) else { continue };
        let Some((profile, _)) = records::load_profile(conn, &national_id)? else { continue };
        out.push(Applicant { national_id, name_ar: profile.name_ar, rank: profile.rank, application });
    }
    Ok(out)
}

/// Accepts (while seats remain) or declines (with the reason) a received application; audited,
/// and a change for the applicant.
pub fn decide(
    conn: &Connection,
    officer: &NationalId,
    id: &str,
    decision: &ApplicationDecision,
    now_ms: i64,
    from: &str,
) -> anyhow::Result<Decided<ApplicationRecord>> {
    let Some((current, version, owner)) = load(conn, id)? else { return Ok(Decided::Missing) };
    if current.state != ApplicationStatus::Received {
        return Ok(Decided::AlreadyDecided(Box::new(current)));
    }
    let (state, reason) = match decision {
        ApplicationDecision::Accept => {
            let (accepted, seats): (i64, i64) = conn.query_row(
                "SELECT (SELECT count(*) FROM applications WHERE opportunity_id = ?1 AND state = 'accepted'),
                        (SELECT seats FROM opportunities WHERE id = ?1)",
                [&current.opportunity_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
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
    conn.execute(
        "UPDATE applications SET state = ?2, reason = ?3, decided_ms = ?4, decided_by = ?5, version = ?6
         WHERE id = ?1",
        params![id, state.as_str(), reason, now_ms, officer.as_str(), next],
    )?;
    note_change(conn, &owner, id, next, now_ms)?;
    audit(conn, now_ms, &format!("application_{}", state.as_str()), id, Some(officer), from)?;
    let (decided, _, _) =
        load(conn, id)?.ok_or_else(|| anyhow::anyhow!("the application just decided is gone"))?;
    Ok(Decided::Done(Box::new(decided)))
}
