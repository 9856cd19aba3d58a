//! Uploads, blobs and qualifications in PostgreSQL: tus uploads (a lease taken in one statement,
//! so one PATCH at a time whichever node it reaches), the verified blobs and who sent them, a
//! submission checked against them, HR's queue and decisions.

use chrono::{DateTime, Datelike, Utc};
use deadpool_postgres::GenericClient;
use masar_protocol::NationalId;
use masar_protocol::attachments::{AttachmentKind, AttachmentLimits};
use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{
    self, AttachmentRef, Decision, QualificationDetails, QualificationRecord, QualificationStatus,
    QualificationSubmission,
};
use masar_protocol::sync::{MutationOutcome, RecordKind};
use masar_protocol::validate::{FieldError, FieldProblem};
use tokio_postgres::Row;
use tokio_postgres::types::Json;

use super::auth::audit;
use super::db::{exec, one, opt, rows, signed, unsigned};
use super::records;
use super::sync::{lock_employee, note_change};
use crate::storage::{Blob, Caller, Decided, Lease, Upload};

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

// Uploads.

const UPLOAD: &str = "id, owner, length, upload_offset, sha256, filename, filetype, expires_ms, done";

fn upload(row: &Row) -> anyhow::Result<Upload> {
    Ok(Upload {
        id: row.get(0),
        owner: NationalId::parse(row.get(1))?,
        length: unsigned(row.get(2)),
        offset: unsigned(row.get(3)),
        sha256: row.get(4),
        filename: row.get(5),
        filetype: row.get(6),
        expires_ms: row.get(7),
        done: row.get(8),
    })
}

pub async fn create_upload(tx: &impl GenericClient, u: &Upload, caller: &Caller) -> anyhow::Result<()> {
    exec(
        tx,
        "INSERT INTO uploads (id, owner, length, sha256, filename, filetype, created_ms, expires_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &u.id,
            &u.owner.as_str(),
            &signed(u.length),
            &u.sha256,
            &u.filename,
            &u.filetype,
            &caller.now_ms,
            &u.expires_ms,
        ],
    )
    .await?;
    audit(tx, caller.now_ms, "upload_created", "ok", Some(&u.owner), &caller.address).await
}

pub async fn find_upload(
    tx: &impl GenericClient,
    id: &str,
    owner: &NationalId,
) -> anyhow::Result<Option<Upload>> {
    let sql = format!("SELECT {UPLOAD} FROM uploads WHERE id = $1 AND owner = $2");
    opt(tx, &sql, &[&id, &owner.as_str()]).await?.as_ref().map(upload).transpose()
}

pub async fn lease(
    tx: &impl GenericClient,
    id: &str,
    owner: &NationalId,
    now_ms: i64,
    until_ms: i64,
) -> anyhow::Result<Lease> {
    let Some(found) = find_upload(tx, id, owner).await? else { return Ok(Lease::Missing) };
    if found.expires_ms <= now_ms {
        return Ok(Lease::Expired);
    }
    let taken = exec(tx,
            "UPDATE uploads SET lease_until_ms = $1 WHERE id = $2 AND (lease_until_ms IS NULL OR lease_until_ms <= $3)",
            &[&until_ms, &id, &now_ms],
        )
        .await?;
    Ok(if taken == 1 { Lease::Taken(found) } else { Lease::Busy })
}

pub async fn advance(tx: &impl GenericClient, id: &str, offset: u64, expires_ms: i64) -> anyhow::Result<()> {
    exec(
        tx,
        "UPDATE uploads SET upload_offset = $1, expires_ms = $2, lease_until_ms = NULL WHERE id = $3",
        &[&signed(offset), &expires_ms, &id],
    )
    .await?;
    Ok(())
}

pub async fn complete(tx: &impl GenericClient, id: &str, blob: &Blob, caller: &Caller) -> anyhow::Result<()> {
    let row = one(tx, "SELECT owner, filename FROM uploads WHERE id = $1", &[&id]).await?;
    let (owner, filename): (String, String) = (row.get(0), row.get(1));
    exec(
        tx,
        "UPDATE uploads SET upload_offset = length, done = TRUE, lease_until_ms = NULL WHERE id = $1",
        &[&id],
    )
    .await?;
    exec(tx,
        "INSERT INTO blobs (sha256, size, kind, created_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
        &[&blob.sha256, &signed(blob.size), &blob.kind.as_str(), &caller.now_ms],
    )
    .await?;
    exec(
        tx,
        "INSERT INTO blob_owners (sha256, owner, filename, created_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha256, owner) DO NOTHING",
        &[&blob.sha256, &owner, &filename, &caller.now_ms],
    )
    .await?;
    let owner = NationalId::parse(&owner).ok();
    audit(tx, caller.now_ms, "upload_verified", blob.kind.as_str(), owner.as_ref(), &caller.address).await
}

pub async fn remove_upload(tx: &impl GenericClient, id: &str) -> anyhow::Result<bool> {
    Ok(exec(tx, "DELETE FROM uploads WHERE id = $1", &[&id]).await? == 1)
}

pub async fn expired_uploads(tx: &impl GenericClient, now_ms: i64) -> anyhow::Result<Vec<String>> {
    let rows = rows(tx, "SELECT id FROM uploads WHERE expires_ms <= $1", &[&now_ms]).await?;
    Ok(rows.iter().map(|row| row.get(0)).collect())
}

fn blob(sha256: String, size: i64, kind: &str) -> Option<Blob> {
    Some(Blob { sha256, size: unsigned(size), kind: AttachmentKind::parse(kind)? })
}

pub async fn owned_blob(
    tx: &impl GenericClient,
    sha256: &str,
    owner: &NationalId,
) -> anyhow::Result<Option<Blob>> {
    let row = opt(
        tx,
        "SELECT b.sha256, b.size, b.kind FROM blobs b JOIN blob_owners o ON o.sha256 = b.sha256
             WHERE b.sha256 = $1 AND o.owner = $2",
        &[&sha256, &owner.as_str()],
    )
    .await?;
    Ok(row.and_then(|row| blob(row.get(0), row.get(1), row.get(2))))
}

/// A blob attached to some qualification (what HR may open).
pub async fn attached_blob(tx: &impl GenericClient, sha256: &str) -> anyhow::Result<Option<Blob>> {
    let row = opt(
        tx,
        "SELECT b.sha256, b.size, b.kind FROM blobs b
             WHERE b.sha256 = $1 AND EXISTS (SELECT 1 FROM qualification_records q
                 WHERE q.attachments @> jsonb_build_array(jsonb_build_object('sha256', $1::text)))",
        &[&sha256],
    )
    .await?;
    Ok(row.and_then(|row| blob(row.get(0), row.get(1), row.get(2))))
}

// Qualifications.

const QUALIFICATION: &str = "id, receipt, transaction_number, details, attachments, state, reason, \
    submitted_ms, decided_ms, terms_version, version, owner";

fn qualification_row(row: &Row) -> (QualificationRecord, u64, String) {
    let state: String = row.get(5);
    let record = QualificationRecord {
        id: row.get(0),
        receipt: row.get(1),
        transaction_number: row.get(2),
        details: row.get::<_, Json<QualificationDetails>>(3).0,
        attachments: row.get::<_, Json<Vec<AttachmentRef>>>(4).0,
        state: QualificationStatus::parse(&state).unwrap_or(QualificationStatus::UnderReview),
        reason: row.get(6),
        submitted_at: time(row.get(7)),
        decided_at: row.get::<_, Option<i64>>(8).map(time),
        terms_version: row.get(9),
    };
    (record, unsigned(row.get(10)), row.get(11))
}

pub async fn load(
    tx: &impl GenericClient,
    id: &str,
) -> anyhow::Result<Option<(QualificationRecord, u64, String)>> {
    let sql = format!("SELECT {QUALIFICATION} FROM qualification_records WHERE id = $1");
    Ok(opt(tx, &sql, &[&id]).await?.as_ref().map(qualification_row))
}

/// The employee's submission, checked by the shared rules and against the files this employee
/// sent, stored (new, or amending the same id) under review with a transaction number.
pub async fn submit(
    tx: &impl GenericClient,
    employee: &NationalId,
    submission: &QualificationSubmission,
    limits: &AttachmentLimits,
    now_ms: i64,
    from: &str,
) -> anyhow::Result<MutationOutcome> {
    let mut errors = qualification::check(submission, limits, time(now_ms).date_naive());
    if !masar_protocol::training::is_application_id(&submission.id) {
        errors.push(FieldError::new("id", FieldProblem::Required));
    }
    for (index, attachment) in submission.attachments.iter().enumerate() {
        let sent = owned_blob(tx, &attachment.sha256, employee).await?;
        if !sent.is_some_and(|blob| blob.size == attachment.size && blob.kind == attachment.kind) {
            errors.push(FieldError::new(&format!("attachments.{index}"), FieldProblem::FileNotUploaded));
        }
    }
    if !errors.is_empty() {
        audit(tx, now_ms, "qualification_submitted", "rejected", Some(employee), from).await?;
        return Ok(MutationOutcome::Rejected { errors });
    }
    lock_employee(tx, employee.as_str()).await?;
    let (details, attachments) = (Json(&submission.details), Json(&submission.attachments));
    let accepted_ms = submission.accepted_at.timestamp_millis();
    let version = match load(tx, &submission.id).await? {
        Some((_, _, owner)) if owner != employee.as_str() => return Ok(MutationOutcome::IdReused),
        Some((_, version, _)) => {
            let next = version + 1;
            exec(tx,
                "UPDATE qualification_records SET receipt = $2, details = $3, attachments = $4, state = 'under_review',
                     reason = NULL, terms_version = $5, accepted_ms = $6, submitted_ms = $7, decided_ms = NULL,
                     decided_by = NULL, version = $8
                 WHERE id = $1",
                &[
                    &submission.id,
                    &submission.receipt,
                    &details,
                    &attachments,
                    &submission.terms_version,
                    &accepted_ms,
                    &now_ms,
                    &signed(next),
                ],
            )
            .await?;
            next
        }
        None => {
            // A sequence: two nodes never hand out the same number (a rolled-back one is skipped).
            let seq: i64 = one(tx, "SELECT nextval('qualification_numbers')", &[]).await?.get(0);
            let number = format!("{}-{seq:06}", time(now_ms).year());
            exec(tx,
                "INSERT INTO qualification_records (id, owner, number_seq, transaction_number, receipt, details,
                     attachments, state, terms_version, accepted_ms, submitted_ms, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'under_review', $8, $9, $10, 1)",
                &[
                    &submission.id,
                    &employee.as_str(),
                    &seq,
                    &number,
                    &submission.receipt,
                    &details,
                    &attachments,
                    &submission.terms_version,
                    &accepted_ms,
                    &now_ms,
                ],
            )
            .await?;
            1
        }
    };
    note_change(tx, employee.as_str(), RecordKind::Qualification, Some(&submission.id), version, now_ms)
        .await?;
    audit(tx, now_ms, "qualification_submitted", "under_review", Some(employee), from).await?;
    Ok(MutationOutcome::Applied { version })
}

/// HR's queue: oldest first, filtered.
pub async fn for_review(tx: &impl GenericClient, filter: &ReviewFilter) -> anyhow::Result<Vec<ReviewItem>> {
    let state = filter.state.unwrap_or(QualificationStatus::UnderReview);
    let sql =
        format!("SELECT {QUALIFICATION} FROM qualification_records WHERE state = $1 ORDER BY submitted_ms");
    let rows = rows(tx, &sql, &[&state.as_str()]).await?;
    let query = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
    let mut items = Vec::new();
    for row in &rows {
        let (qualification, _, owner) = qualification_row(row);
        if filter.level.is_some_and(|level| level != qualification.details.level) {
            continue;
        }
        let Ok(national_id) = NationalId::parse(&owner) else { continue };
        let Some((profile, _)) = records::load_profile(tx, &national_id, false).await? else { continue };
        let item =
            ReviewItem { national_id, name_ar: profile.name_ar, entity: profile.entity, qualification };
        if query.as_deref().is_none_or(|q| item.matches(q)) {
            items.push(item);
        }
    }
    Ok(items)
}

/// Verifies or rejects a qualification under review (locked: a second officer waits and finds it
/// decided); audited, and a change for the owner.
pub async fn decide(
    tx: &impl GenericClient,
    officer: &NationalId,
    id: &str,
    decision: &Decision,
    now_ms: i64,
    from: &str,
) -> anyhow::Result<Decided<QualificationRecord>> {
    let Some(owner) = opt(tx, "SELECT owner FROM qualification_records WHERE id = $1", &[&id]).await? else {
        return Ok(Decided::Missing);
    };
    lock_employee(tx, owner.get(0)).await?;
    let Some((current, version, owner)) = load(tx, id).await? else { return Ok(Decided::Missing) };
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
    exec(tx,
        "UPDATE qualification_records SET state = $2, reason = $3, decided_ms = $4, decided_by = $5, version = $6
         WHERE id = $1",
        &[&id, &state.as_str(), &reason, &now_ms, &officer.as_str(), &signed(next)],
    )
    .await?;
    note_change(tx, &owner, RecordKind::Qualification, Some(id), next, now_ms).await?;
    audit(tx, now_ms, &format!("qualification_{}", state.as_str()), id, Some(officer), from).await?;
    let (decided, _, _) =
        load(tx, id).await?.ok_or_else(|| anyhow::anyhow!("the qualification just decided is gone"))?;
    Ok(Decided::Done(Box::new(decided)))
}
