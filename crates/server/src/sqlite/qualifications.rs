//! Qualifications in SQLite (migration 0007): the rows `rules::qualifications` reads and writes,
//! HR's queue, and the record as pull carries it.

use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{QualificationRecord, QualificationStatus, QualificationSubmission};
use masar_protocol::{NationalId, Qualification};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::records;
use super::rows::SqliteRows;
use super::uploads;
use crate::rules::qualifications::{self as rules, NewQualification, QualificationRows};
use crate::rules::{DecisionRow, Stored, utc as time};
use crate::storage::Blob;

const COLUMNS: &str = "id, receipt, transaction_number, details, attachments, state, reason, \
    submitted_ms, decided_ms, terms_version, version, owner, updates";

/// A stored state this server does not know: an error, never a guess.
pub fn unknown_state(index: usize, text: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(index, format!("state {text}"), rusqlite::types::Type::Text)
}

fn json<T: serde::de::DeserializeOwned>(index: usize, text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(error))
    })
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Stored<QualificationRecord>> {
    let state: String = row.get(5)?;
    let qualification = QualificationRecord {
        id: row.get(0)?,
        receipt: row.get(1)?,
        transaction_number: row.get(2)?,
        details: json(3, &row.get::<_, String>(3)?)?,
        attachments: json(4, &row.get::<_, String>(4)?)?,
        state: QualificationStatus::parse(&state).ok_or_else(|| unknown_state(5, &state))?,
        reason: row.get(6)?,
        submitted_at: time(row.get(7)?),
        decided_at: row.get::<_, Option<i64>>(8)?.map(time),
        terms_version: row.get(9)?,
        updates: row.get(12)?,
    };
    Ok(Stored { record: qualification, version: row.get(10)?, owner: row.get(11)? })
}

/// A qualification and its version, with its owner's national ID.
pub fn load(conn: &Connection, id: &str) -> anyhow::Result<Option<Stored<QualificationRecord>>> {
    let sql = format!("SELECT {COLUMNS} FROM qualification_records WHERE id = ?1");
    Ok(conn.query_row(&sql, [id], from_row).optional()?)
}

impl QualificationRows for SqliteRows<'_> {
    async fn qualification(&self, id: &str) -> anyhow::Result<Option<Stored<QualificationRecord>>> {
        load(self.0, id)
    }

    async fn qualification_owner(&self, id: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .0
            .query_row("SELECT owner FROM qualification_records WHERE id = ?1", [id], |row| row.get(0))
            .optional()?)
    }

    async fn owned_blob(&self, sha256: &str, owner: &NationalId) -> anyhow::Result<Option<Blob>> {
        uploads::owned_blob(self.0, sha256, owner)
    }

    async fn next_qualification_seq(&self) -> anyhow::Result<i64> {
        Ok(self.0.query_row(
            "SELECT COALESCE(MAX(number_seq), 0) + 1 FROM qualification_records",
            [],
            |row| row.get(0),
        )?)
    }

    async fn insert_qualification(&self, new: &NewQualification<'_>) -> anyhow::Result<()> {
        let submission = new.submission;
        self.0.execute(
            "INSERT INTO qualification_records (id, owner, number_seq, transaction_number, receipt, details,
                 attachments, state, terms_version, accepted_ms, submitted_ms, version, updates)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'under_review', ?8, ?9, ?10, 1, ?11)",
            params![
                submission.id,
                new.owner.as_str(),
                new.seq,
                new.number,
                submission.receipt,
                serde_json::to_string(&submission.details)?,
                serde_json::to_string(&submission.attachments)?,
                submission.terms_version,
                submission.accepted_at.timestamp_millis(),
                new.now_ms,
                submission.updates
            ],
        )?;
        Ok(())
    }

    async fn resubmit_qualification(
        &self,
        submission: &QualificationSubmission,
        now_ms: i64,
        version: u64,
    ) -> anyhow::Result<()> {
        self.0.execute(
            "UPDATE qualification_records SET receipt = ?2, details = ?3, attachments = ?4, state = 'under_review',
                 reason = NULL, terms_version = ?5, accepted_ms = ?6, submitted_ms = ?7, decided_ms = NULL,
                 decided_by = NULL, version = ?8, updates = ?9
             WHERE id = ?1",
            params![
                submission.id,
                submission.receipt,
                serde_json::to_string(&submission.details)?,
                serde_json::to_string(&submission.attachments)?,
                submission.terms_version,
                submission.accepted_at.timestamp_millis(),
                now_ms,
                version,
                submission.updates
            ],
        )?;
        Ok(())
    }

    async fn record_qualifications(&self, owner: &NationalId) -> anyhow::Result<Vec<Qualification>> {
        Ok(records::load_record(self.0, owner)?.map(|record| record.qualifications).unwrap_or_default())
    }

    async fn replace_record_qualification(
        &self,
        owner: &NationalId,
        qualification: &Qualification,
    ) -> anyhow::Result<()> {
        super::record_qualifications::replace(self.0, owner, qualification)
    }

    async fn decide_qualification(&self, id: &str, decision: &DecisionRow<'_>) -> anyhow::Result<()> {
        self.0.execute(
            "UPDATE qualification_records SET state = ?2, reason = ?3, decided_ms = ?4, decided_by = ?5, version = ?6
             WHERE id = ?1",
            params![id, decision.state, decision.reason, decision.at_ms, decision.officer.as_str(), decision.version],
        )?;
        Ok(())
    }
}

/// HR's queue: newest last, filtered.
pub fn for_review(conn: &Connection, filter: &ReviewFilter) -> anyhow::Result<Vec<ReviewItem>> {
    let state = rules::queue_state(filter);
    let sql = format!("SELECT {COLUMNS} FROM qualification_records WHERE state = ?1 ORDER BY submitted_ms");
    let rows: Vec<Stored<QualificationRecord>> =
        conn.prepare(&sql)?.query_map([state.as_str()], from_row)?.collect::<Result<_, _>>()?;
    let mut items = Vec::new();
    for Stored { record: qualification, owner, version } in rows {
        let national_id = NationalId::parse(&owner)?;
        let Some((profile, _)) = records::load_profile(conn, &national_id)? else { continue };
        let on_record = match &qualification.updates {
            Some(updated) => records::load_record(conn, &national_id)?
                .and_then(|record| record.qualifications.into_iter().find(|q| &q.id == updated)),
            None => None,
        };
        let item = ReviewItem {
            national_id,
            name_ar: profile.name_ar,
            entity: profile.entity,
            qualification,
            version,
            on_record,
        };
        if rules::shown(filter, &item) {
            items.push(item);
        }
    }
    Ok(items)
}
