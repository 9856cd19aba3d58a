//! Applications for training and scholarships in PostgreSQL: the rows `rules::applications`
//! reads and writes (the opportunity's row locked while its seats are counted, so two officers
//! never fill one seat twice), and the training administration's list.

use anyhow::Context;
use deadpool_postgres::GenericClient;
use masar_protocol::NationalId;
use masar_protocol::record::Opportunity;
use masar_protocol::training::{Applicant, ApplicantFilter, ApplicationRecord, ApplicationStatus};
use tokio_postgres::Row;

use super::db::{exec, one, opt, rows, signed, unsigned};
use super::records;
use super::sync::PgRows;
use crate::rules::applications::{ApplicationRows, NewApplication, Seats};
use crate::rules::{DecisionRow, Stored, utc as time};

const COLUMNS: &str = "id, opportunity_id, receipt, transaction_number, state, reason, submitted_ms, decided_ms, version, owner";

fn application(row: &Row) -> anyhow::Result<Stored<ApplicationRecord>> {
    let state: String = row.get(4);
    let record = ApplicationRecord {
        id: row.get(0),
        opportunity_id: row.get(1),
        receipt: row.get(2),
        transaction_number: row.get(3),
        state: ApplicationStatus::parse(&state).with_context(|| format!("unknown state {state}"))?,
        reason: row.get(5),
        submitted_at: time(row.get(6)),
        decided_at: row.get::<_, Option<i64>>(7).map(time),
    };
    Ok(Stored { record, version: unsigned(row.get(8)), owner: row.get(9) })
}

pub async fn load(tx: &impl GenericClient, id: &str) -> anyhow::Result<Option<Stored<ApplicationRecord>>> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = $1");
    opt(tx, &sql, &[&id]).await?.as_ref().map(application).transpose()
}

impl<C: GenericClient + Sync> ApplicationRows for PgRows<'_, C> {
    async fn application(&self, id: &str) -> anyhow::Result<Option<Stored<ApplicationRecord>>> {
        load(self.0, id).await
    }

    async fn application_owner(&self, id: &str) -> anyhow::Result<Option<(String, String)>> {
        let row = opt(self.0, "SELECT owner, opportunity_id FROM applications WHERE id = $1", &[&id]).await?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }

    async fn opportunity(&self, id: &str) -> anyhow::Result<Option<Opportunity>> {
        records::opportunity(self.0, id).await
    }

    async fn has_applied(&self, owner: &NationalId, opportunity: &str) -> anyhow::Result<bool> {
        Ok(one(
            self.0,
            "SELECT EXISTS (SELECT 1 FROM applications WHERE owner = $1 AND opportunity_id = $2)",
            &[&owner.as_str(), &opportunity],
        )
        .await?
        .get(0))
    }

    async fn next_application_seq(&self) -> anyhow::Result<i64> {
        Ok(one(self.0, "SELECT nextval('application_numbers')", &[]).await?.get(0))
    }

    async fn insert_application(&self, new: &NewApplication<'_>) -> anyhow::Result<()> {
        let request = new.request;
        exec(
            self.0,
            "INSERT INTO applications (id, owner, opportunity_id, number_seq, transaction_number, receipt, state,
                 submitted_ms, version)
             VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, 1)",
            &[&request.id, &new.owner.as_str(), &request.opportunity_id, &new.seq, &new.number, &request.receipt, &new.now_ms],
        )
        .await?;
        Ok(())
    }

    async fn seats(&self, opportunity: &str) -> anyhow::Result<Seats> {
        let total: i64 = one(
            self.0,
            "SELECT (doc->>'seats')::bigint FROM opportunities WHERE id = $1 FOR NO KEY UPDATE",
            &[&opportunity],
        )
        .await?
        .get(0);
        let accepted: i64 = one(
            self.0,
            "SELECT count(*) FROM applications WHERE opportunity_id = $1 AND state = 'accepted'",
            &[&opportunity],
        )
        .await?
        .get(0);
        Ok(Seats { accepted, total })
    }

    async fn decide_application(&self, id: &str, decision: &DecisionRow<'_>) -> anyhow::Result<()> {
        exec(
            self.0,
            "UPDATE applications SET state = $2, reason = $3, decided_ms = $4, decided_by = $5, version = $6 WHERE id = $1",
            &[&id, &decision.state, &decision.reason, &decision.at_ms, &decision.officer.as_str(), &signed(decision.version)],
        )
        .await?;
        Ok(())
    }
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
        let Stored { record: application, owner, .. } = application(row)?;
        let national_id = NationalId::parse(&owner)?;
        let Some((profile, _)) = records::load_profile(tx, &national_id, false).await? else { continue };
        let seats_left = seats_left(tx, &application.opportunity_id).await?;
        let (name_ar, rank, entity) = (profile.name_ar, profile.rank, profile.entity);
        out.push(Applicant { national_id, name_ar, rank, entity, seats_left, application });
    }
    Ok(out)
}

/// The opportunity's seats nobody has taken yet (read, not held: the decision holds them).
async fn seats_left(tx: &impl GenericClient, opportunity: &str) -> anyhow::Result<u16> {
    let row = one(
        tx,
        "SELECT COALESCE((SELECT (doc->>'seats')::bigint FROM opportunities WHERE id = $1), 0),
                (SELECT count(*) FROM applications WHERE opportunity_id = $1 AND state = 'accepted')",
        &[&opportunity],
    )
    .await?;
    let (total, accepted): (i64, i64) = (row.get(0), row.get(1));
    Ok(u16::try_from((total - accepted).max(0)).unwrap_or(u16::MAX))
}
