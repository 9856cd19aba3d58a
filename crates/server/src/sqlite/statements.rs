//! Statement codes and what each certified.

use masar_protocol::NationalId;
use masar_protocol::statement::StatementCode;
use rusqlite::{Connection, OptionalExtension, params};

pub fn save(conn: &Connection, employee: &NationalId, code: &StatementCode) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO statement_codes (code, national_id, facts, issued_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            code.code,
            employee.as_str(),
            serde_json::to_string(&code.facts)?,
            code.issued_at.timestamp_millis()
        ],
    )?;
    Ok(())
}

pub fn find(conn: &Connection, code: &str) -> anyhow::Result<Option<StatementCode>> {
    let row: Option<(String, i64)> = conn
        .query_row("SELECT facts, issued_at FROM statement_codes WHERE code = ?1", [code], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let Some((facts, issued_at)) = row else { return Ok(None) };
    Ok(Some(StatementCode {
        code: code.to_owned(),
        facts: serde_json::from_str(&facts)?,
        issued_at: chrono::DateTime::from_timestamp_millis(issued_at).unwrap_or_default(),
    }))
}
