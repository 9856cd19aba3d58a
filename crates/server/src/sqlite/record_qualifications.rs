//! The qualifications on an employee's record (seeded with it; a verified update rewrites one).

use anyhow::Context as _;
use masar_protocol::{NationalId, Qualification};
use rusqlite::{Connection, params};

use super::records::Wire;

/// One qualification on an employee's record.
pub fn insert(conn: &Connection, id: &str, q: &Qualification) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO qualifications (id, national_id, level, major, institution, country,
            study_mode, start_date, graduation_date, gpa, gpa_scale, grade,
            equivalency_number, equivalency_date, status, rejection_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            q.id,
            id,
            Wire(q.level),
            q.major,
            q.institution,
            q.country,
            Wire(q.study_mode),
            q.start_date,
            q.graduation_date,
            f64::from(q.gpa),
            q.gpa_scale,
            Wire(q.grade),
            q.equivalency.as_ref().map(|e| e.number.as_str()),
            q.equivalency.as_ref().map(|e| e.date),
            Wire(q.status),
            q.rejection_reason
        ],
    )
    .context("insert qualification")?;
    Ok(())
}

/// A qualification on the record written back (a decision on its update).
pub fn replace(conn: &Connection, id: &NationalId, q: &Qualification) -> anyhow::Result<()> {
    conn.execute(
        "DELETE FROM qualifications WHERE id = ?1 AND national_id = ?2",
        params![q.id, id.as_str()],
    )?;
    insert(conn, id.as_str(), q)
}
