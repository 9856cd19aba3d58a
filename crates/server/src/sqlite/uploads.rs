//! Uploads and blobs in SQLite (see migration 0006).

use masar_protocol::NationalId;
use masar_protocol::attachments::AttachmentKind;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::rows::audit;
use crate::rules::Audit;
use crate::storage::{Blob, Caller, Collected, Lease, Upload, UploadPurpose, UploadUsage};

const COLUMNS: &str =
    "id, owner, length, upload_offset, sha256, filename, filetype, expires_ms, done, purpose";

fn upload_row(row: &Row<'_>) -> rusqlite::Result<Upload> {
    let owner: String = row.get(1)?;
    Ok(Upload {
        id: row.get(0)?,
        owner: NationalId::parse(&owner).map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(error))
        })?,
        length: row.get(2)?,
        offset: row.get(3)?,
        sha256: row.get(4)?,
        filename: row.get(5)?,
        filetype: row.get(6)?,
        expires_ms: row.get(7)?,
        done: row.get(8)?,
        purpose: UploadPurpose::parse(&row.get::<_, String>(9)?).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, e.into())
        })?,
    })
}

pub fn create(conn: &Connection, upload: &Upload, caller: &Caller) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO uploads (id, owner, length, sha256, filename, filetype, created_ms, expires_ms, purpose)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            upload.id,
            upload.owner.as_str(),
            upload.length,
            upload.sha256,
            upload.filename,
            upload.filetype,
            caller.now_ms,
            upload.expires_ms,
            upload.purpose.as_str()
        ],
    )?;
    if upload.purpose == UploadPurpose::Import {
        return audit(conn, Audit::of(caller, "import_upload_created", "ok", Some(&upload.owner)));
    }
    conn.execute(
        "INSERT INTO upload_history (owner, started_ms, bytes) VALUES (?1, ?2, ?3)",
        params![upload.owner.as_str(), caller.now_ms, upload.length],
    )?;
    audit(conn, Audit::of(caller, "upload_created", "ok", Some(&upload.owner)))
}

pub fn find(conn: &Connection, id: &str, owner: &NationalId) -> anyhow::Result<Option<Upload>> {
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE id = ?1 AND owner = ?2");
    Ok(conn.query_row(&sql, params![id, owner.as_str()], upload_row).optional()?)
}

pub fn lease(
    conn: &Connection,
    id: &str,
    owner: &NationalId,
    now_ms: i64,
    until_ms: i64,
) -> anyhow::Result<Lease> {
    let Some(upload) = find(conn, id, owner)? else { return Ok(Lease::Missing) };
    if upload.expires_ms <= now_ms {
        return Ok(Lease::Expired);
    }
    let taken = conn.execute(
        "UPDATE uploads SET lease_until_ms = ?1
         WHERE id = ?2 AND (lease_until_ms IS NULL OR lease_until_ms <= ?3)",
        params![until_ms, id, now_ms],
    )?;
    Ok(if taken == 1 { Lease::Taken(upload) } else { Lease::Busy })
}

pub fn advance(conn: &Connection, id: &str, offset: u64, expires_ms: i64) -> anyhow::Result<()> {
    conn.execute(
        "UPDATE uploads SET upload_offset = ?1, expires_ms = ?2, lease_until_ms = NULL WHERE id = ?3",
        params![offset, expires_ms, id],
    )?;
    Ok(())
}

pub fn complete(conn: &Connection, id: &str, blob: &Blob, caller: &Caller) -> anyhow::Result<()> {
    let (owner, filename): (String, String) =
        conn.query_row("SELECT owner, filename FROM uploads WHERE id = ?1", [id], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
    conn.execute(
        "UPDATE uploads SET upload_offset = length, done = 1, lease_until_ms = NULL WHERE id = ?1",
        [id],
    )?;
    conn.execute(
        "INSERT INTO blobs (sha256, size, kind, created_ms) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (sha256) DO NOTHING",
        params![blob.sha256, blob.size, blob.kind.as_str(), caller.now_ms],
    )?;
    conn.execute(
        "INSERT INTO blob_owners (sha256, owner, filename, created_ms) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (sha256, owner) DO UPDATE SET created_ms = excluded.created_ms",
        params![blob.sha256, owner, filename, caller.now_ms],
    )?;
    let owner = NationalId::parse(&owner).ok();
    audit(conn, Audit::of(caller, "upload_verified", blob.kind.as_str(), owner.as_ref()))
}

pub fn remove(conn: &Connection, id: &str) -> anyhow::Result<bool> {
    Ok(conn.execute("DELETE FROM uploads WHERE id = ?1", [id])? == 1)
}

pub fn expired(conn: &Connection, now_ms: i64) -> anyhow::Result<Vec<String>> {
    let mut statement = conn.prepare("SELECT id FROM uploads WHERE expires_ms <= ?1")?;
    let ids = statement.query_map([now_ms], |row| row.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}

pub fn owned_blob(conn: &Connection, sha256: &str, owner: &NationalId) -> anyhow::Result<Option<Blob>> {
    let found = conn
        .query_row(
            "SELECT b.sha256, b.size, b.kind FROM blobs b
             JOIN blob_owners o ON o.sha256 = b.sha256
             WHERE b.sha256 = ?1 AND o.owner = ?2",
            params![sha256, owner.as_str()],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?, row.get::<_, String>(2)?)),
        )
        .optional()?;
    Ok(found
        .and_then(|(sha256, size, kind)| Some(Blob { sha256, size, kind: AttachmentKind::parse(&kind)? })))
}

/// A verified blob that some qualification attaches (what HR may open).
pub fn attached(conn: &Connection, sha256: &str) -> anyhow::Result<Option<(Blob, Vec<NationalId>)>> {
    let owners: Vec<String> = conn
        .prepare(
            "SELECT DISTINCT q.owner FROM qualification_records q, json_each(q.attachments) a
             WHERE json_extract(a.value, '$.sha256') = ?1",
        )?
        .query_map([sha256], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    if owners.is_empty() {
        return Ok(None);
    }
    let owners = owners.iter().map(|owner| NationalId::parse(owner)).collect::<Result<Vec<_>, _>>()?;
    let found = conn
        .query_row("SELECT size, kind FROM blobs WHERE sha256 = ?1", [sha256], |row| {
            Ok((row.get::<_, u64>(0)?, row.get::<_, String>(1)?))
        })
        .optional()?;
    Ok(found.and_then(|(size, kind)| {
        Some((Blob { sha256: sha256.to_owned(), size, kind: AttachmentKind::parse(&kind)? }, owners))
    }))
}

pub fn usage(
    conn: &Connection,
    owner: &NationalId,
    now_ms: i64,
    since_ms: i64,
) -> anyhow::Result<UploadUsage> {
    let in_flight: u64 = conn.query_row(
        "SELECT COALESCE(SUM(length), 0) FROM uploads
         WHERE owner = ?1 AND done = 0 AND expires_ms > ?2 AND purpose = 'attachment'",
        params![owner.as_str(), now_ms],
        |row| row.get(0),
    )?;
    let importing: u64 = conn.query_row(
        "SELECT COALESCE(SUM(length), 0) FROM uploads WHERE owner = ?1 AND expires_ms > ?2 AND purpose = 'import'",
        params![owner.as_str(), now_ms],
        |row| row.get(0),
    )?;
    let (last_day, oldest_ms): (u64, Option<i64>) = conn.query_row(
        "SELECT COALESCE(SUM(bytes), 0), MIN(started_ms) FROM upload_history WHERE owner = ?1 AND started_ms > ?2",
        params![owner.as_str(), since_ms],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(UploadUsage { in_flight, last_day, oldest_ms, importing })
}

/// Blobs no qualification attaches (in any state) and nobody sent since `blobs_before_ms`.
const UNUSED_BLOBS: &str = "SELECT b.sha256 FROM blobs b
    WHERE NOT EXISTS (SELECT 1 FROM blob_owners o WHERE o.sha256 = b.sha256 AND o.created_ms >= ?1)
      AND b.created_ms < ?1
      AND NOT EXISTS (SELECT 1 FROM qualification_records q, json_each(q.attachments) a
                      WHERE json_extract(a.value, '$.sha256') = b.sha256)";

pub fn collect(conn: &Connection, history_before_ms: i64, blobs_before_ms: i64) -> anyhow::Result<Collected> {
    let history_rows =
        conn.execute("DELETE FROM upload_history WHERE started_ms < ?1", [history_before_ms])?;
    let blobs: Vec<String> = conn
        .prepare(UNUSED_BLOBS)?
        .query_map([blobs_before_ms], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for sha256 in &blobs {
        conn.execute("DELETE FROM blob_owners WHERE sha256 = ?1", [sha256])?;
        conn.execute("DELETE FROM blobs WHERE sha256 = ?1", [sha256])?;
    }
    Ok(Collected { blobs, history_rows: u64::try_from(history_rows).unwrap_or(u64::MAX) })
}
