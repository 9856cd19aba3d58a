//! Changes after a cursor, in server order, at most one per record.

use masar_protocol::NationalId;
use masar_protocol::sync::{Change, PullResponse, RecordKind};
use rusqlite::{Connection, params};

use super::records as store;
use super::{applications, qualifications};

pub fn pull(
    conn: &Connection,
    employee: &NationalId,
    cursor: u64,
    limit: u32,
) -> anyhow::Result<PullResponse> {
    let rows: Vec<(u64, String, Option<String>)> = conn
        .prepare(
            "SELECT max(seq), kind, record_id FROM changes WHERE national_id = ?1 AND seq > ?2
             GROUP BY kind, record_id ORDER BY max(seq) LIMIT ?3",
        )?
        .query_map(params![employee.as_str(), cursor, limit], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut changes = Vec::with_capacity(rows.len());
    let mut next = cursor;
    for (seq, kind, record_id) in rows {
        next = next.max(seq);
        match (RecordKind::parse(&kind), record_id) {
            (Some(RecordKind::Profile), _) => {
                if let Some((profile, version)) = store::load_profile(conn, employee)? {
                    changes.push(Change::Profile {
                        seq,
                        id: employee.to_string(),
                        version,
                        profile: Box::new(profile),
                    });
                }
            }
            (Some(RecordKind::Qualification), Some(id)) => {
                if let Some((qualification, version, _)) = qualifications::load(conn, &id)? {
                    changes.push(Change::Qualification {
                        seq,
                        id,
                        version,
                        qualification: Box::new(qualification),
                    });
                }
            }
            (Some(RecordKind::Application), Some(id)) => {
                if let Some((application, version, _)) = applications::load(conn, &id)? {
                    changes.push(Change::Application {
                        seq,
                        id,
                        version,
                        application: Box::new(application),
                    });
                }
            }
            // A kind this server no longer knows: skipped, the cursor still moves on.
            _ => {}
        }
    }
    let has_more: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM changes WHERE national_id = ?1 AND seq > ?2)",
        params![employee.as_str(), next],
        |row| row.get(0),
    )?;
    Ok(PullResponse { changes, cursor: next, has_more })
}
