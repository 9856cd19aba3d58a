//! Uploads, blobs and qualifications in PostgreSQL: tus uploads (a lease taken in one statement,
//! so one PATCH at a time whichever node it reaches), the verified blobs and who sent them, a
//! submission checked against them, HR's queue and decisions.

use anyhow::Context;
use deadpool_postgres::GenericClient;
use masar_protocol::attachments::AttachmentKind;
use masar_protocol::hr::{ReviewFilter, ReviewItem};
use masar_protocol::qualification::{
    AttachmentRef, QualificationDetails, QualificationRecord, QualificationStatus, QualificationSubmission,
};
use masar_protocol::{NationalId, Qualification};
use tokio_postgres::Row;
use tokio_postgres::types::Json;

use super::db::{exec, one, opt, rows, signed, unsigned};
use super::records;
use super::sync::{PgRows, audit};
use crate::rules::qualifications::{self as rules, NewQualification, QualificationRows};
use crate::rules::{Audit, DecisionRow, Stored, utc as time};
use crate::storage::{Blob, Caller, Collected, Lease, Upload, UploadPurpose, UploadUsage};

// Uploads.

const UPLOAD: &str =
    "id, owner, length, upload_offset, sha256, filename, filetype, expires_ms, done, purpose";

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
        purpose: UploadPurpose::parse(row.get(9))?,
    })
}

pub async fn create_upload(tx: &impl GenericClient, u: &Upload, caller: &Caller) -> anyhow::Result<()> {
    exec(
        tx,
        "INSERT INTO uploads (id, owner, length, sha256, filename, filetype, created_ms, expires_ms, purpose)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &u.id,
            &u.owner.as_str(),
            &signed(u.length),
            &u.sha256,
            &u.filename,
            &u.filetype,
            &caller.now_ms,
            &u.expires_ms,
            &u.purpose.as_str(),
        ],
    )
    .await?;
    if u.purpose == UploadPurpose::Import {
        return audit(tx, Audit::of(caller, "import_upload_created", "ok", Some(&u.owner))).await;
    }
    exec(
        tx,
        "INSERT INTO upload_history (owner, started_ms, bytes) VALUES ($1, $2, $3)",
        &[&u.owner.as_str(), &caller.now_ms, &signed(u.length)],
    )
    .await?;
    audit(tx, Audit::of(caller, "upload_created", "ok", Some(&u.owner))).await
}

pub async fn upload_usage(
    tx: &impl GenericClient,
    owner: &NationalId,
    now_ms: i64,
    since_ms: i64,
) -> anyhow::Result<UploadUsage> {
    let in_flight = one(
        tx,
        "SELECT COALESCE(SUM(length), 0)::BIGINT FROM uploads
         WHERE owner = $1 AND NOT done AND expires_ms > $2 AND purpose = 'attachment'",
        &[&owner.as_str(), &now_ms],
    )
    .await?;
    let importing = one(
        tx,
        "SELECT COALESCE(SUM(length), 0)::BIGINT FROM uploads WHERE owner = $1 AND expires_ms > $2 AND purpose = 'import'",
        &[&owner.as_str(), &now_ms],
    )
    .await?;
    let day = one(
        tx,
        "SELECT COALESCE(SUM(bytes), 0)::BIGINT, MIN(started_ms) FROM upload_history WHERE owner = $1 AND started_ms > $2",
        &[&owner.as_str(), &since_ms],
    )
    .await?;
    Ok(UploadUsage {
        in_flight: unsigned(in_flight.get(0)),
        last_day: unsigned(day.get(0)),
        oldest_ms: day.get(1),
        importing: unsigned(importing.get(0)),
    })
}

/// See the SQLite store's `collect`: history out of the window, blobs nobody attaches or sent.
pub async fn collect_unused(
    tx: &impl GenericClient,
    history_before_ms: i64,
    blobs_before_ms: i64,
) -> anyhow::Result<Collected> {
    let history_rows =
        exec(tx, "DELETE FROM upload_history WHERE started_ms < $1", &[&history_before_ms]).await?;
    let unused = rows(
        tx,
        "SELECT b.sha256 FROM blobs b
         WHERE b.created_ms < $1
           AND NOT EXISTS (SELECT 1 FROM blob_owners o WHERE o.sha256 = b.sha256 AND o.created_ms >= $1)
           AND NOT EXISTS (SELECT 1 FROM qualification_records q
                           WHERE q.attachments @> jsonb_build_array(jsonb_build_object('sha256', b.sha256)))
         FOR UPDATE OF b",
        &[&blobs_before_ms],
    )
    .await?;
    let blobs: Vec<String> = unused.iter().map(|row| row.get(0)).collect();
    exec(tx, "DELETE FROM blob_owners WHERE sha256 = ANY($1)", &[&blobs]).await?;
    exec(tx, "DELETE FROM blobs WHERE sha256 = ANY($1)", &[&blobs]).await?;
    Ok(Collected { blobs, history_rows })
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
         ON CONFLICT (sha256, owner) DO UPDATE SET created_ms = excluded.created_ms",
        &[&blob.sha256, &owner, &filename, &caller.now_ms],
    )
    .await?;
    let owner = NationalId::parse(&owner).ok();
    audit(tx, Audit::of(caller, "upload_verified", blob.kind.as_str(), owner.as_ref())).await
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

/// A blob attached to some qualification, and whose qualifications attach it (what HR may open).
pub async fn attached_blob(
    tx: &impl GenericClient,
    sha256: &str,
) -> anyhow::Result<Option<(Blob, Vec<NationalId>)>> {
    let owners = rows(
        tx,
        "SELECT DISTINCT owner FROM qualification_records
             WHERE attachments @> jsonb_build_array(jsonb_build_object('sha256', $1::text))",
        &[&sha256],
    )
    .await?;
    let owners =
        owners.iter().map(|row| NationalId::parse(row.get::<_, &str>(0))).collect::<Result<Vec<_>, _>>()?;
    if owners.is_empty() {
        return Ok(None);
    }
    let row = opt(tx, "SELECT b.sha256, b.size, b.kind FROM blobs b WHERE b.sha256 = $1", &[&sha256]).await?;
    Ok(row.and_then(|row| blob(row.get(0), row.get(1), row.get(2))).map(|blob| (blob, owners)))
}

// Qualifications.

const QUALIFICATION: &str = "id, receipt, transaction_number, details, attachments, state, reason, \
    submitted_ms, decided_ms, terms_version, version, owner, updates";

fn qualification_row(row: &Row) -> anyhow::Result<Stored<QualificationRecord>> {
    let state: String = row.get(5);
    let record = QualificationRecord {
        id: row.get(0),
        receipt: row.get(1),
        transaction_number: row.get(2),
        details: row.get::<_, Json<QualificationDetails>>(3).0,
        attachments: row.get::<_, Json<Vec<AttachmentRef>>>(4).0,
        state: QualificationStatus::parse(&state).with_context(|| format!("unknown state {state}"))?,
        reason: row.get(6),
        submitted_at: time(row.get(7)),
        decided_at: row.get::<_, Option<i64>>(8).map(time),
        terms_version: row.get(9),
        updates: row.get(12),
    };
    Ok(Stored { record, version: unsigned(row.get(10)), owner: row.get(11) })
}

pub async fn load(tx: &impl GenericClient, id: &str) -> anyhow::Result<Option<Stored<QualificationRecord>>> {
    let sql = format!("SELECT {QUALIFICATION} FROM qualification_records WHERE id = $1");
    opt(tx, &sql, &[&id]).await?.as_ref().map(qualification_row).transpose()
}

impl<C: GenericClient + Sync> QualificationRows for PgRows<'_, C> {
    async fn qualification(&self, id: &str) -> anyhow::Result<Option<Stored<QualificationRecord>>> {
        load(self.0, id).await
    }

    async fn qualification_owner(&self, id: &str) -> anyhow::Result<Option<String>> {
        Ok(opt(self.0, "SELECT owner FROM qualification_records WHERE id = $1", &[&id])
            .await?
            .map(|row| row.get(0)))
    }

    async fn owned_blob(&self, sha256: &str, owner: &NationalId) -> anyhow::Result<Option<Blob>> {
        owned_blob(self.0, sha256, owner).await
    }

    async fn next_qualification_seq(&self) -> anyhow::Result<i64> {
        // A sequence: two nodes never hand out the same number (a rolled-back one is skipped).
        Ok(one(self.0, "SELECT nextval('qualification_numbers')", &[]).await?.get(0))
    }

    async fn insert_qualification(&self, new: &NewQualification<'_>) -> anyhow::Result<()> {
        let submission = new.submission;
        exec(
            self.0,
            "INSERT INTO qualification_records (id, owner, number_seq, transaction_number, receipt, details,
                 attachments, state, terms_version, accepted_ms, submitted_ms, version, updates)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'under_review', $8, $9, $10, 1, $11)",
            &[
                &submission.id,
                &new.owner.as_str(),
                &new.seq,
                &new.number,
                &submission.receipt,
                &Json(&submission.details),
                &Json(&submission.attachments),
                &submission.terms_version,
                &submission.accepted_at.timestamp_millis(),
                &new.now_ms,
                &submission.updates,
            ],
        )
        .await?;
        Ok(())
    }

    async fn resubmit_qualification(
        &self,
        submission: &QualificationSubmission,
        now_ms: i64,
        version: u64,
    ) -> anyhow::Result<()> {
        exec(
            self.0,
            "UPDATE qualification_records SET receipt = $2, details = $3, attachments = $4, state = 'under_review',
                 reason = NULL, terms_version = $5, accepted_ms = $6, submitted_ms = $7, decided_ms = NULL,
                 decided_by = NULL, version = $8, updates = $9
             WHERE id = $1",
            &[
                &submission.id,
                &submission.receipt,
                &Json(&submission.details),
                &Json(&submission.attachments),
                &submission.terms_version,
                &submission.accepted_at.timestamp_millis(),
                &now_ms,
                &signed(version),
                &submission.updates,
            ],
        )
        .await?;
        Ok(())
    }

    async fn record_qualifications(&self, owner: &NationalId) -> anyhow::Result<Vec<Qualification>> {
        Ok(records::load_record(self.0, owner).await?.map(|record| record.qualifications).unwrap_or_default())
    }

    async fn replace_record_qualification(
        &self,
        owner: &NationalId,
        qualification: &Qualification,
    ) -> anyhow::Result<()> {
        records::replace_qualification(self.0, owner, qualification).await
    }

    async fn decide_qualification(&self, id: &str, decision: &DecisionRow<'_>) -> anyhow::Result<()> {
        exec(
            self.0,
            "UPDATE qualification_records SET state = $2, reason = $3, decided_ms = $4, decided_by = $5, version = $6
             WHERE id = $1",
            &[&id, &decision.state, &decision.reason, &decision.at_ms, &decision.officer.as_str(), &signed(decision.version)],
        )
        .await?;
        Ok(())
    }
}

/// HR's queue: oldest first, filtered.
pub async fn for_review(tx: &impl GenericClient, filter: &ReviewFilter) -> anyhow::Result<Vec<ReviewItem>> {
    let state = rules::queue_state(filter);
    let sql =
        format!("SELECT {QUALIFICATION} FROM qualification_records WHERE state = $1 ORDER BY submitted_ms");
    let found = rows(tx, &sql, &[&state.as_str()]).await?;
    let mut items = Vec::new();
    for row in &found {
        let Stored { record: qualification, owner, version } = qualification_row(row)?;
        let national_id = NationalId::parse(&owner)?;
        let Some((profile, _)) = records::load_profile(tx, &national_id, false).await? else { continue };
        let on_record = match &qualification.updates {
            Some(updated) => records::load_record(tx, &national_id)
                .await?
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
