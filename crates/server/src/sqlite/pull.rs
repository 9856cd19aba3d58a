//! Changes after a cursor, in server order, at most one per record.

use masar_protocol::NationalId;
use masar_protocol::sync::{Change, PullResponse, RecordKind};
use rusqlite::{Connection, params};

use super::records as store;

pub fn pull(
    conn: &Connection,
    employee: &NationalId,
    cursor: u64,
    limit: u32,
) -> anyhow::Result<PullResponse> {
    let rows: Vec<(u64, String)> = conn
        .prepare(
            "SELECT max(seq), kind FROM changes WHERE national_id = ?1 AND seq > ?2
             GROUP BY kind ORDER BY max(seq) LIMIT ?3",
        )?
        .query_map(params![employee.as_str(), cursor, limit], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut changes = Vec::with_capacity(rows.len());
    let mut next = cursor;
    for (seq, kind) in rows {
        next = next.max(seq);
        if RecordKind::parse(&kind) == Some(RecordKind::Profile)
            && let Some((profile, version)) = store::load_profile(conn, employee)?
        {
            changes.push(Change::Profile { seq, id: employee.to_string(), version, profile });
        }
    }
    let has_more: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM changes WHERE national_id = ?1 AND seq > ?2)",
        params![employee.as_str(), next],
        |row| row.get(0),
    )?;
    Ok(PullResponse { changes, cursor: next, has_more })
}
