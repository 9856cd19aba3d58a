//! Applications for training and scholarships in SQLite (migration 0009): the rows
//! `rules::applications` reads and writes, the training administration's list, and the record as
//! pull carries it.

use masar_protocol::NationalId;
use masar_protocol::record::Opportunity;
use masar_protocol::training::{Applicant, ApplicantFilter, ApplicationRecord, ApplicationStatus};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::qualifications::unknown_state;
use super::records;
use super::rows::SqliteRows;
use crate::rules::applications::{ApplicationRows, NewApplication, Seats};
use crate::rules::{DecisionRow, Stored, utc as time};

const COLUMNS: &str = "id, opportunity_id, receipt, transaction_number, state, reason, submitted_ms, decided_ms, version, owner";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Stored<ApplicationRecord>> {
    let state: String = row.get(4)?;
    let application = ApplicationRecord {
        id: row.get(0)?,
        opportunity_id: row.get(1)?,
        receipt: row.get(2)?,
        transaction_number: row.get(3)?,
        state: ApplicationStatus::parse(&state).ok_or_else(|| unknown_state(4, &state))?,
        reason: row.get(5)?,
        submitted_at: time(row.get(6)?),
        decided_at: row.get::<_, Option<i64>>(7)?.map(time),
    };
    Ok(Stored { record: application, version: row.get(8)?, owner: row.get(9)? })
}

/// An application and its version, with its owner's national ID.
pub fn load(conn: &Connection, id: &str) -> anyhow::Result<Option<Stored<ApplicationRecord>>> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = ?1");
    Ok(conn.query_row(&sql, [id], from_row).optional()?)
}

fn opportunity(conn: &Connection, id: &str) -> anyhow::Result<Option<Opportunity>> {
    Ok(conn.query_row("SELECT * FROM opportunities WHERE id = ?1", [id], records::opportunity).optional()?)
}

impl ApplicationRows for SqliteRows<'_> {
    async fn application(&self, id: &str) -> anyhow::Result<Option<Stored<ApplicationRecord>>> {
        load(self.0, id)
    }

    async fn application_owner(&self, id: &str) -> anyhow::Result<Option<(String, String)>> {
        Ok(self
            .0
            .query_row("SELECT owner, opportunity_id FROM applications WHERE id = ?1", [id], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?)
    }

    async fn opportunity(&self, id: &str) -> anyhow::Result<Option<Opportunity>> {
        opportunity(self.0, id)
    }

    async fn has_applied(&self, owner: &NationalId, opportunity: &str) -> anyhow::Result<bool> {
        Ok(self.0.query_row(
            "SELECT EXISTS (SELECT 1 FROM applications WHERE owner = ?1 AND opportunity_id = ?2)",
            params![owner.as_str(), opportunity],
            |row| row.get(0),
        )?)
    }

    async fn next_application_seq(&self) -> anyhow::Result<i64> {
        Ok(self
            .0
            .query_row("SELECT COALESCE(MAX(number_seq), 0) + 1 FROM applications", [], |row| row.get(0))?)
    }

    async fn insert_application(&self, new: &NewApplication<'_>) -> anyhow::Result<()> {
        let request = new.request;
        self.0.execute(
            "INSERT INTO applications (id, owner, opportunity_id, number_seq, transaction_number, receipt, state,
                 submitted_ms, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'received', ?7, 1)",
            params![request.id, new.owner.as_str(), request.opportunity_id, new.seq, new.number, request.receipt, new.now_ms],
        )?;
        Ok(())
    }

    async fn seats(&self, opportunity: &str) -> anyhow::Result<Seats> {
        let (accepted, total) = self.0.query_row(
            "SELECT (SELECT count(*) FROM applications WHERE opportunity_id = ?1 AND state = 'accepted'),
                    (SELECT seats FROM opportunities WHERE id = ?1)",
            [opportunity],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        Ok(Seats { accepted, total })
    }

    async fn decide_application(&self, id: &str, decision: &DecisionRow<'_>) -> anyhow::Result<()> {
        self.0.execute(
            "UPDATE applications SET state = ?2, reason = ?3, decided_ms = ?4, decided_by = ?5, version = ?6
             WHERE id = ?1",
            params![
                id,
                decision.state,
                decision.reason,
                decision.at_ms,
                decision.officer.as_str(),
                decision.version
            ],
        )?;
        Ok(())
    }
}

/// The applications the administration decides on: oldest first, filtered.
pub fn applicants(conn: &Connection, filter: &ApplicantFilter) -> anyhow::Result<Vec<Applicant>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications
         WHERE (?1 IS NULL OR opportunity_id = ?1) AND (?2 IS NULL OR state = ?2)
         ORDER BY submitted_ms, id"
    );
    let state = filter.state.map(ApplicationStatus::as_str);
    let rows: Vec<Stored<ApplicationRecord>> = conn
        .prepare(&sql)?
        .query_map(params![filter.opportunity, state], from_row)?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for Stored { record: application, owner, .. } in rows {
        let national_id = NationalId::parse(&owner)?;
        let Some((profile, _)) = records::load_profile(conn, &national_id)? else { continue };
        let seats_left = seats_left(conn, &application.opportunity_id)?;
        let (name_ar, rank, entity) = (profile.name_ar, profile.rank, profile.entity);
        out.push(Applicant { national_id, name_ar, rank, entity, seats_left, application });
    }
    Ok(out)
}

/// The opportunity's seats nobody has taken yet.
fn seats_left(conn: &Connection, opportunity: &str) -> anyhow::Result<u16> {
    let (accepted, total): (i64, Option<i64>) = conn.query_row(
        "SELECT (SELECT count(*) FROM applications WHERE opportunity_id = ?1 AND state = 'accepted'),
                (SELECT seats FROM opportunities WHERE id = ?1)",
        [opportunity],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(u16::try_from((total.unwrap_or(0) - accepted).max(0)).unwrap_or(u16::MAX))
}
