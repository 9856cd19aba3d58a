//! Qualifications in SQLite (migration 0007): a submission checked and stored with a transaction
//! number, HR's queue and decisions (audited), and the record as pull carries it.

use chrono::{DateTime, Datelike, Utc};
use masar_protocol::NationalId;
use masar_protocol::attachments::AttachmentLimits;
use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{
    self, Decision, QualificationRecord, QualificationStatus, QualificationSubmission,
};
use masar_protocol::sync::MutationOutcome;
use masar_protocol::validate::{FieldError, FieldProblem};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::auth::audit;
use super::records;
use super::uploads::owned_blob;
use crate::storage::Decided;

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

const COLUMNS: &str = "id, receipt, transaction_number, details, attachments, state, reason, \
    submitted_ms, decided_ms, terms_version, version, owner";

fn json<T: serde::de::DeserializeOwned>(index: usize, text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(error))
    })
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<(QualificationRecord, u64, String)> {
    let state: String = row.get(5)?;
    let qualification = QualificationRecord {
        id: row.get(0)?,
        receipt: row.get(1)?,
        transaction_number: row.get(2)?,
        details: json(3, &row.get::<_, String>(3)?)?,
        attachments: json(4, &row.get::<_, String>(4)?)?,
        state: QualificationStatus::parse(&state).unwrap_or(QualificationStatus::UnderReview),
        reason: row.get(6)?,
        submitted_at: time(row.get(7)?),
        decided_at: row.get::<_, Option<i64>>(8)?.map(time),
        terms_version: row.get(9)?,
    };
    Ok((qualification, row.get(10)?, row.get(11)?))
}

/// A qualification and its version, with its owner's national ID.
pub fn load(conn: &Connection, id: &str) -> anyhow::Result<Option<(QualificationRecord, u64, String)>> {
    let sql = format!("SELECT {COLUMNS} FROM qualification_records WHERE id = ?1");
    Ok(conn.query_row(&sql, [id], from_row).optional()?)
}

/// The employee's submission: checked by the shared rules, each file verified and sent by this
/// employee, then stored (new, or amending the same id) under review with a transaction number.
pub fn submit(
    conn: &Connection,
    employee: &NationalId,
    submission: &QualificationSubmission,
    limits: &AttachmentLimits,
    now_ms: i64,
    from: &str,
) -> anyhow::Result<MutationOutcome> {
    let today = time(now_ms).date_naive();
    let mut errors = qualification::check(submission, limits, today);
    if submission.id.len() != 32 || !submission.id.bytes().all(|b| b.is_ascii_hexdigit()) {
        errors.push(FieldError::new("id", FieldProblem::Required));
    }
    for (index, attachment) in submission.attachments.iter().enumerate() {
        let sent = owned_blob(conn, &attachment.sha256, employee)?;
        if !sent.is_some_and(|blob| blob.size == attachment.size && blob.kind == attachment.kind) {
            errors.push(FieldError::new(&format!("attachments.{index}"), FieldProblem::FileNotUploaded));
        }
    }
    if !errors.is_empty() {
        audit(conn, now_ms, "qualification_submitted", "rejected", Some(employee), from)?;
        return Ok(MutationOutcome::Rejected { errors });
    }
    let details = serde_json::to_string(&submission.details)?;
    let attachments = serde_json::to_string(&submission.attachments)?;
    let accepted_ms = submission.accepted_at.timestamp_millis();
    let version = match load(conn, &submission.id)? {
        Some((_, _, owner)) if owner != employee.as_str() => return Ok(MutationOutcome::IdReused),
        Some((_, version, _)) => {
            let next = version + 1;
            conn.execute(
                "UPDATE qualification_records SET receipt = ?2, details = ?3, attachments = ?4, state = 'under_review',
                     reason = NULL, terms_version = ?5, accepted_ms = ?6, submitted_ms = ?7, decided_ms = NULL,
                     decided_by = NULL, version = ?8
                 WHERE id = ?1",
                params![
                    submission.id,
                    submission.receipt,
                    details,
                    attachments,
                    submission.terms_version,
                    accepted_ms,
                    now_ms,
                    next
                ],
            )?;
            next
        }
        None => {
            let seq: i64 = conn.query_row(
                "SELECT COALESCE(MAX(number_seq), 0) + 1 FROM qualification_records",
                [],
                |row| row.get(0),
            )?;
            let number = format!("{}-{seq:06}", time(now_ms).year());
            conn.execute(
                "INSERT INTO qualification_records (id, owner, number_seq, transaction_number, receipt, details,
                     attachments, state, terms_version, accepted_ms, submitted_ms, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'under_review', ?8, ?9, ?10, 1)",
                params![
                    submission.id,
                    employee.as_str(),
                    seq,
                    number,
                    submission.receipt,
                    details,
                    attachments,
                    submission.terms_version,
                    accepted_ms,
                    now_ms
                ],
            )?;
            1
        }
    };
    note_change(conn, employee, &submission.id, version, now_ms)?;
    audit(conn, now_ms, "qualification_submitted", "under_review", Some(employee), from)?;
    Ok(MutationOutcome::Applied { version })
}

fn note_change(
    conn: &Connection,
    owner: &NationalId,
    id: &str,
    version: u64,
    now_ms: i64,
) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO changes (national_id, kind, record_id, version, at) VALUES (?1, 'qualification', ?2, ?3, ?4)",
        params![owner.as_str(), id, version, now_ms],
    )?;
    Ok(())
}

/// HR's queue: newest last, filtered.
pub fn for_review(conn: &Connection, filter: &ReviewFilter) -> anyhow::Result<Vec<ReviewItem>> {
    let state = filter.state.unwrap_or(QualificationStatus::UnderReview);
    let sql = format!("SELECT {COLUMNS} FROM qualification_records WHERE state = ?1 ORDER BY submitted_ms");
    let rows: Vec<(QualificationRecord, u64, String)> =
        conn.prepare(&sql)?.query_map([state.as_str()], from_row)?.collect::<Result<_, _>>()?;
    let query = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
    let mut items = Vec::new();
    for (qualification, _, owner) in rows {
        if filter.level.is_some_and(|level| level != qualification.details.level) {
            continue;
        }
        let Ok(national_id) = NationalId::parse(&owner) else { continue };
        let Some((profile, _)) = records::load_profile(conn, &national_id)? else { continue };
        let item =
            ReviewItem { national_id, name_ar: profile.name_ar, entity: profile.entity, qualification };
        if query.as_deref().is_none_or(|q| item.matches(q)) {
            items.push(item);
        }
    }
    Ok(items)
}

/// HR verifies or rejects a qualification under review; audited, and a change for the owner.
pub fn decide(
    conn: &Connection,
    officer: &NationalId,
    id: &str,
    decision: &Decision,
    now_ms: i64,
    from: &str,
) -> anyhow::Result<Decided<QualificationRecord>> {
    let Some((current, version, owner)) = load(conn, id)? else { return Ok(Decided::Missing) };
    if current.state != QualificationStatus::UnderReview {
        return Ok(Decided::AlreadyDecided(Box::new(current)));
    }
    let (state, reason) = match decision {
        Decision::Verify => (QualificationStatus::Verified, None),
        Decision::Reject { reason } => {
            let Some(reason) = qualification::reason(reason) else { return Ok(Decided::ReasonRequired) };
            (QualificationStatus::Rejected, Some(reason.to_owned()))
        }
    };
    let next = version + 1;
    conn.execute(
        "UPDATE qualification_records SET state = ?2, reason = ?3, decided_ms = ?4, decided_by = ?5, version = ?6
         WHERE id = ?1",
        params![id, state.as_str(), reason, now_ms, officer.as_str(), next],
    )?;
    let owner = NationalId::parse(&owner)?;
    note_change(conn, &owner, id, next, now_ms)?;
    audit(conn, now_ms, &format!("qualification_{}", state.as_str()), id, Some(officer), from)?;
    let (decided, _, _) =
        load(conn, id)?.ok_or_else(|| anyhow::anyhow!("the qualification just decided is gone"))?;
    Ok(Decided::Done(Box::new(decided)))
}

/// Whether a blob is attached to any qualification (what HR may open).
pub fn is_attached(conn: &Connection, sha256: &str) -> anyhow::Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM qualification_records q, json_each(q.attachments) a
                        WHERE json_extract(a.value, '$.sha256') = ?1)",
        [sha256],
        |row| row.get(0),
    )?)
}
